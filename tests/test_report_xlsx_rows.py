"""report.xlsx's analysis sheet, written as XML directly (`iectox.io.xlsx_rows`), holds analysis_table.csv.

Issue 8: openpyxl wrote the sheet cell by cell, 85 s of a 300,000-infusion report and most of its 4 GB. These
tests read the sheet back with openpyxl and python-calamine and compare it with the CSV cell by cell, and check
each kind of column (text, numbers, integers beyond a float's, yes/no, dates) and what a sheet cannot hold.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from iectox.errors import OutputRefused
from iectox.io.injection import restore
from iectox.io.sheets import Rows, save_workbook
from iectox.render import write_report
from iectox.render import xlsx as report_xlsx
from iectox.render.xlsx import header_row
from iectox.study import load_study, run_study
from iectox.synth import generate

# The seed study's cohorts and first table: the analysis sheet is the same whatever the tables, and the
# seed's other tables, at 3,000 infusions, hold a table too large for Fisher's exact test (half a minute
# to learn it, as in R)
SPEC = """
[study]
title = "Analysis sheet"
period = ["2020-01-01", "2025-07-01"]

[cohorts]
by = "cohort"
order = ["standard_of_care", "clinical_trial"]

[[tables]]
id = "demographics"
title = "Demographics"
variables = [{ name = "sex" }, { name = "age" }, { name = "weight_kg" }]
"""


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    spec = tmp_path_factory.mktemp("spec") / "study.toml"
    spec.write_text(SPEC, encoding="utf-8")
    return run_study(generate(3000, seed=8), load_study(spec))


@pytest.fixture(scope="module")
def report(result, tmp_path_factory):
    return write_report(result, tmp_path_factory.mktemp("rows") / "report", "en")


def _csv_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def _same(cell: object, text: str) -> bool:
    """Whether a cell read from the workbook holds what the CSV wrote."""
    if cell is None or cell == "":
        return text == ""
    if isinstance(cell, bool):
        return text == str(cell)
    if isinstance(cell, dt.datetime | dt.date):
        return pd.Timestamp(cell) == pd.Timestamp(text)
    if isinstance(cell, int | float):
        return text != "" and float(text) == float(cell)
    return restore(text) == cell


def _differences(
    sheet_rows: list[list[object]], csv_rows: list[list[str]]
) -> list[tuple[int, str, object, str]]:
    header = csv_rows[0]
    found = []
    for i, (cells, texts) in enumerate(zip(sheet_rows[1:], csv_rows[1:], strict=True), 2):
        found += [
            (i, name, cell, text)
            for name, cell, text in zip(header, cells, texts, strict=True)
            if not _same(cell, text)
        ]
    return found


def test_the_analysis_sheet_is_the_analysis_table_cell_by_cell(report, result):
    csv_rows = _csv_rows(report.csv)
    assert len(csv_rows) == len(result.frame) + 1 == 3001
    book = openpyxl.load_workbook(report.xlsx)
    sheet = [list(row) for row in book["analysis"].values]
    assert sheet[0] == csv_rows[0] == list(result.frame.columns)
    assert _differences(sheet, csv_rows) == []
    calamine = CalamineWorkbook.from_path(str(report.xlsx)).get_sheet_by_name("analysis").to_python()
    assert _differences(calamine, csv_rows) == []


def test_the_analysis_sheet_keeps_its_look_and_types(report, result):
    sheet = openpyxl.load_workbook(report.xlsx)["analysis"]
    assert sheet.freeze_panes == "B2" and sheet.auto_filter.ref == "A1:AT3001"
    assert sheet["A1"].font.b and sheet["A1"].fill.fgColor.rgb.endswith("F2F4F6")
    date = list(result.frame.columns).index("infusion_date") + 1
    assert sheet.cell(2, date).number_format == "yyyy-mm-dd" and sheet.cell(2, date).is_date
    age = list(result.frame.columns).index("age") + 1
    ages = [sheet.cell(i, age).value for i in range(2, 3002)]
    assert ages == result.frame["age"].tolist() and all(type(a) in (int, float) for a in ages)
    flags = [sheet.cell(i, list(result.frame.columns).index("crs_any") + 1).value for i in range(2, 3002)]
    assert {type(f) for f in flags if f is not None} == {bool}
    assert (
        openpyxl.load_workbook(report.xlsx)["demographics"]["A1"].font.sz == 14
    )  # the table sheets as before


def _written(tmp_path: Path, frame: pd.DataFrame, formats: dict[str, str] | None = None) -> Path:
    book = openpyxl.Workbook()
    book.active.title = "t"
    header_row(book.active, list(frame.columns), len(frame))
    return save_workbook(book, tmp_path / "t.xlsx", {"t": Rows(frame, formats or {})})


def test_every_kind_of_column_reads_back(tmp_path):
    frame = pd.DataFrame(
        {
            "text": pd.array(["=A1+1", " spaced ", "a&b<c>", None, "", "x"], dtype="string"),
            "category": pd.Categorical(["b", "a", "b", None, "a", "a"]),
            "mixed": pd.Series(["3", 4, None, "x", 5.5, "y"], dtype=object),
            "numbers": pd.Series([1, None, 2, 3, 4, 5], dtype=object),
            "exact": [71.40000000000001, 0.1, -2.5, np.nan, 1e-300, 3.0],
            "big": pd.array([2**60 + 1, None, -1, 0, 7, 2**53], dtype="Int64"),
            "flag": pd.array([True, False, None, True, False, True], dtype="boolean"),
            "when": pd.to_datetime(
                ["2024-01-02", None, "2024-03-04 10:30", "2020-02-29", None, "1999-12-31"], format="ISO8601"
            ),
        }
    )
    path = _written(tmp_path, frame, {"when": "yyyy-mm-dd hh:mm"})
    rows = [list(r) for r in openpyxl.load_workbook(path)["t"].values]
    assert rows[0] == list(frame.columns)
    assert [r[0] for r in rows[1:]] == ["=A1+1", " spaced ", "a&b<c>", None, None, "x"]
    assert [r[1] for r in rows[1:]] == ["b", "a", "b", None, "a", "a"]
    assert [r[2] for r in rows[1:]] == ["3", "4", None, "x", "5.5", "y"]  # a mixed column is text, as in CSV
    assert [r[3] for r in rows[1:]] == [1, None, 2, 3, 4, 5]
    assert [r[4] for r in rows[1:]] == [71.40000000000001, 0.1, -2.5, None, 1e-300, 3]
    assert [r[5] for r in rows[1:]] == [2**60 + 1, None, -1, 0, 7, 2**53]
    assert [r[6] for r in rows[1:]] == [True, False, None, True, False, True]
    assert [r[7] for r in rows[1:]] == [
        dt.datetime(2024, 1, 2), None, dt.datetime(2024, 3, 4, 10, 30), dt.datetime(2020, 2, 29), None,
        dt.datetime(1999, 12, 31),
    ]  # fmt: skip
    sheet = openpyxl.load_workbook(path)["t"]
    assert sheet["A2"].quotePrefix and not sheet["G2"].quotePrefix
    assert sheet["H4"].number_format == "yyyy-mm-dd hh:mm"
    calamine = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("t").to_python()
    assert [r[0] for r in calamine[1:]] == ["=A1+1", " spaced ", "a&b<c>", "", "", "x"]
    assert [r[6] for r in calamine[1:]] == [True, False, "", True, False, True]


@pytest.mark.parametrize(
    ("column", "reason"),
    [
        (pd.Series([1.0, np.inf]), "infinite"),
        (pd.Series(["a", "b\ufffe"]), r"U\+FFFE"),
        (pd.Series(["a", "x" * 32_768]), "32768 characters"),
    ],
)
def test_what_a_sheet_cannot_hold_is_refused_and_nothing_written(tmp_path, column, reason):
    with pytest.raises(OutputRefused, match=reason) as refused:
        _written(tmp_path, pd.DataFrame({"v": column}))
    assert str(refused.value).startswith(f"{tmp_path / 't.xlsx'}: table t, row 3, column v: ")
    assert list(tmp_path.iterdir()) == []


def test_a_table_longer_than_a_sheet_is_in_the_csv_alone(result, tmp_path, monkeypatch):
    monkeypatch.setattr(report_xlsx, "SHEET_ROWS", 2999)
    files = write_report(result, tmp_path / "report", "en")
    sheet = openpyxl.load_workbook(files.xlsx)["analysis"]
    assert [list(r) for r in sheet.values] == [
        ["The analysis table has 3000 rows, more than a sheet holds (2999): every row is in "
         "analysis_table.csv, beside this workbook."]
    ]  # fmt: skip
    assert len(_csv_rows(files.csv)) == 3001
