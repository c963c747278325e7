"""Reading workbooks with python-calamine: fast, and with the meaning openpyxl gave each cell."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pandas as pd
import pytest

from factories import small_dataset
from iectox.io import read_dataset, read_raw, sheetxml
from xlsx_files import (
    dataset_workbook,
    edited,
    reference_last,
    rezipped,
    style_after_type,
    with_prefix,
    without_references,
)


def test_reading_a_workbook_does_not_load_openpyxl(tmp_path):
    """openpyxl took 3.8 s to read the seed workbook; python-calamine reads it, openpyxl only writes."""
    path = dataset_workbook(tmp_path)
    code = (
        "import sys; from iectox.io import read_dataset; "
        f"read_dataset({str(path)!r}); print('openpyxl' in sys.modules)"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "False"


def test_the_dataset_reads_back_exactly(tmp_path):
    written = small_dataset()
    read = read_dataset(dataset_workbook(tmp_path))
    for table in written.schema.table_names:
        pd.testing.assert_frame_equal(read[table], written[table])


def _typed_by_hand(book):
    episodes = book["toxicity_episodes"]
    episodes["D2"] = dt.datetime(2023, 5, 19, 14, 30)
    episodes["D2"].number_format = "dd/mm/yyyy"  # a time the format does not show
    episodes["E2"] = dt.datetime(2023, 5, 24)
    episodes["E2"].number_format = "dd/mm/yyyy hh:mm"  # midnight, shown: the hour is known
    book["infusions"]["I2"] = 71  # a whole number typed as a number
    book["patients"].insert_rows(3, amount=2)  # blank rows: the rows below keep their numbers
    book["patients"]["B4"] = "   "  # a row of spaces alone is blank too


def test_native_cells_keep_the_meaning_the_user_sees(tmp_path):
    raw, _ = read_raw(edited(tmp_path, _typed_by_hand))
    episodes = raw["toxicity_episodes"].frame
    assert episodes.loc[2, "onset_at"] == dt.date(2023, 5, 19)
    assert episodes.loc[2, "resolved_at"] == dt.datetime(2023, 5, 24, 0, 0)
    assert type(episodes.loc[2, "resolved_at"]) is dt.datetime
    assert raw["infusions"].frame.loc[2, "weight_kg"] == 71
    assert raw["patients"].frame.index.tolist() == [2, 5, 6]
    assert raw["patients"].frame.loc[5, "patient_id"] == "P-002"


def test_a_midnight_shown_with_its_time_is_a_known_hour(tmp_path):
    dataset = read_dataset(edited(tmp_path, _typed_by_hand))
    episode = dataset["toxicity_episodes"].iloc[0]
    assert episode["resolved_at"] == pd.Timestamp("2023-05-24 00:00")
    assert bool(episode["resolved_at_time_known"]) is True
    assert bool(episode["onset_at_time_known"]) is False


def _located(raw):
    return [(i.sheet, i.row, i.column, i.rule, i.message) for i in raw.issues]


@pytest.mark.parametrize(
    "layout",
    [reference_last, style_after_type, with_prefix],
    ids=["reference last", "style after type", "x: prefix"],
)
def test_every_xml_layout_gives_the_same_tables(tmp_path, layout):
    """A cell's reference after its other attributes (read by the streaming parser), or a namespace prefix
    (by the fast scan): the same tables and the same findings."""
    path = edited(tmp_path, _typed_by_hand)
    expected, _ = read_raw(path)
    found, _ = read_raw(rezipped(path, layout))
    assert _located(expected["toxicity_episodes"])  # the hidden time of D2
    for table, raw in expected.items():
        pd.testing.assert_frame_equal(found[table].frame, raw.frame)
        assert _located(found[table]) == _located(raw)


def test_cells_without_references_are_placed_one_after_the_other(tmp_path):
    path = dataset_workbook(tmp_path)
    raw, _ = read_raw(rezipped(path, without_references))
    assert raw["infusions"].frame.loc[3, "trial_id"] == "NCT01234567"


def test_a_sheet_scanned_in_small_pieces_gives_the_same_findings(tmp_path, monkeypatch):
    """The scan streams the XML in pieces cut at a row's end; tiny pieces must not lose a cell."""
    path = edited(tmp_path, _typed_by_hand)
    expected, _ = read_raw(path)
    monkeypatch.setattr(sheetxml, "CHUNK", 997)
    found, _ = read_raw(path)
    for table, raw in expected.items():
        pd.testing.assert_frame_equal(found[table].frame, raw.frame)
        assert _located(found[table]) == _located(raw)
