"""A column whose every cell is blank is typed as blank without being parsed (a form's fields left empty, an
optional column nobody filled): the same typed tables, issues and refused cells as parsing it."""

from __future__ import annotations

from importlib import import_module

import pandas as pd

from factories import seed_cohort
from iectox.io.text import table_text
from iectox.schema import CONTRACT
from iectox.validate import RawTable, Settings, check_raw
from iectox.validate.frames import Frames

VALIDATE = import_module("iectox.validate")


def _raw() -> dict[str, RawTable]:
    """The seed cohort's first rows as text, each table with a column of every kind blanked whole, and one
    cell the reader could not read in a blank column."""
    cohort = seed_cohort()
    tables = {}
    for table in CONTRACT.tables:
        text = table_text(cohort[table.name].head(12), table).astype(object)
        optional = [column for column in table.columns if not column.required]
        blanked = list({c.kind: c for c in optional}.values())
        for column in blanked:
            text[column.name] = None
        frame = text.set_axis(range(2, 2 + len(text)))
        unread = ((3, blanked[0].name),) if blanked and len(frame) > 1 else ()
        tables[table.name] = RawTable(f"{table.name}.csv", None, frame, unread=unread)
    return tables


def test_blank_columns_type_as_parsing_them_would(monkeypatch):
    raw = _raw()
    blanked = sum(
        frame.frame[column].isna().all() for frame in raw.values() for column in frame.frame.columns
    )
    assert blanked >= 14
    for settings in (Settings(), Settings(date_order="dmy")):
        quick, said = check_raw(raw, settings)
        monkeypatch.setattr(VALIDATE, "_blank", lambda cells: False)  # every column parsed
        parsed, said_parsed = check_raw(raw, settings)
        monkeypatch.undo()
        assert said == said_parsed
        assert (quick is None) == (parsed is None)
        if quick is not None:
            for name in CONTRACT.table_names:
                pd.testing.assert_frame_equal(quick[name], parsed[name], check_exact=True)


def test_a_cell_the_reader_could_not_read_is_refused_in_a_blank_column_too(monkeypatch):
    raw = _raw()["observations"]
    column = raw.unread[0][1]
    assert raw.frame[column].isna().all()
    refused = []
    for blank in (VALIDATE._blank, lambda cells: False):
        monkeypatch.setattr(VALIDATE, "_blank", blank)
        frames = Frames({}, {"observations": ("observations.csv", None)})
        typed, issues = VALIDATE._typed(CONTRACT.table("observations"), raw, Settings(), frames)
        refused.append((typed, issues, frames.refused, set(frames.absent)))
    quick, parsed = refused
    pd.testing.assert_frame_equal(quick[0], parsed[0], check_exact=True)
    assert quick[1:] == parsed[1:]
    assert quick[2] == {("observations", column): {3}}


def test_a_record_with_most_fields_empty_is_typed_the_same(monkeypatch):
    record = pd.DataFrame(
        [{"infusion_id": "INF-X", "observed_at": "2024-03-02 10:00", "temperature_c": "38.6"}]
    ).reindex(columns=CONTRACT.table("observations").column_names)
    raw = {"observations": RawTable("form", "observations", record.astype(object).set_axis([2]))}
    quick = check_raw(raw)
    monkeypatch.setattr(VALIDATE, "_blank", lambda cells: False)
    parsed = check_raw(raw)
    assert quick[1] == parsed[1]
    assert "missing_table" in {issue.rule for issue in quick[1]}  # no patients nor infusions given
    assert not any(
        issue.sheet == "observations" and issue.row == 2 and issue.column not in (None, "infusion_id")
        for issue in quick[1]
    )
