"""The dataset workbook is written safely: text stays text, nothing is truncated, and it reads back exactly."""

from __future__ import annotations

import re
import zipfile

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factories import small_dataset
from iectox.dataset import Dataset
from iectox.errors import OutputRefused
from iectox.io import read_dataset, read_raw, write_dataset, xlsx_write
from iectox.io.xlsx import write_workbook

FORMULA_LIKE = ["=A1+1", "+A1*2", "-x", "@SUM(A1)", "'=A1", "#N/A"]


def _with_centres(centres: list[str]) -> Dataset:
    dataset = small_dataset()
    patients = dataset["patients"]
    patients = pd.concat([patients] * (len(centres) // len(patients) + 1), ignore_index=True)[: len(centres)]
    patients = patients.assign(patient_id=[f"P-{n:03d}" for n in range(len(centres))], centre=centres)
    return Dataset.from_frames({**dataset.tables, "patients": patients})


def test_formula_like_text_is_written_as_quoted_text_and_reads_back_exactly(tmp_path):
    """`=A1+1` was written as a live formula, and read back blank."""
    dataset = _with_centres([*FORMULA_LIKE, "CHU-A"])
    dataset = Dataset.from_frames(
        {**dataset.tables, "infusions": dataset["infusions"].assign(patient_id=["P-000", "P-001", "P-002"])}
    )
    path = write_dataset(dataset, tmp_path / "book.xlsx")
    with zipfile.ZipFile(path) as package:
        assert b"<f>" not in package.read("xl/worksheets/sheet1.xml")
    cells = openpyxl.load_workbook(path)["patients"]["D"][1:]
    assert [(c.value, c.data_type, c.quotePrefix) for c in cells[:4]] == [
        (text, "s", True) for text in FORMULA_LIKE[:4]
    ]
    assert read_dataset(path)["patients"]["centre"].tolist() == [*FORMULA_LIKE, "CHU-A"]


def test_characters_xml_cannot_hold_are_escaped_as_excel_does_and_read_back(tmp_path):
    """openpyxl raised IllegalCharacterError on `CHU\\x01A`, half-way through a report."""
    centres = ["CHU\x01A", "tab\there", "_x0041_ stays as typed", "bell\x07\x1f", "CHU-B"]
    path = tmp_path / "book.xlsx"
    write_workbook(_with_centres(centres), path)
    with zipfile.ZipFile(path) as package:  # text is in the shared strings
        assert b"<t>CHU_x0001_A</t>" in package.read("xl/sharedStrings.xml")
    raw, _ = read_raw(path)
    assert raw["patients"].frame["centre"].tolist() == centres


def test_a_table_longer_than_a_sheet_is_refused_not_truncated(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsx_write, "MAX_ROWS", 3)  # a sheet of 1,048,576 rows, scaled down
    path = tmp_path / "book.xlsx"
    with pytest.raises(OutputRefused) as refused:
        write_workbook(_with_centres(["A", "B", "C"]), path)
    assert str(refused.value) == (
        f"{path}: table patients has 3 rows, more than an Excel sheet holds (2 below the header); write the "
        "dataset as a folder of CSV files instead; nothing was written"
    )
    assert not path.exists()


@pytest.mark.parametrize(
    ("text", "reason"),
    [("x" * 40_000, "the text has 40000 characters, more than an Excel cell holds"), ("a\uffffb", "U+FFFF")],
    ids=["too long", "not characters"],
)
def test_a_text_a_cell_cannot_hold_is_refused_not_truncated(tmp_path, text, reason):
    path = tmp_path / "book.xlsx"
    with pytest.raises(OutputRefused, match=rf"table patients, row 3, column centre: .*{re.escape(reason)}"):
        write_workbook(_with_centres(["CHU-A", text, "CHU-B"]), path)
    assert not path.exists()


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.text(
            st.characters(blacklist_categories=("Cs",), blacklist_characters="\ufffe\uffff"),
            min_size=1,
            max_size=30,
        ),
        min_size=1,
        max_size=6,
    )
)
def test_any_text_reads_back_exactly(tmp_path, centres):
    """Control characters, formula-like text, `_x0041_`-like text, spaces: written, then read, unchanged."""
    path = tmp_path / "book.xlsx"
    write_workbook(_with_centres(centres), path)
    raw, _ = read_raw(path)
    assert raw["patients"].frame["centre"].tolist() == centres
