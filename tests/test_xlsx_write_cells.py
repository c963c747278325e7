"""The dataset workbook holds exactly the dataset, cell by cell, whoever reads it.

iectox writes the workbook's XML itself (`iectox.io.xlsx_package`). These tests read it back with openpyxl and
with python-calamine and compare every cell with the dataset: value, type, the number format of dates, Excel's
quote prefix on formula-like text, the bold header of required columns and the column widths; on the seed
cohort and on a dataset of every hostile value; and LibreOffice opens it and shows the dataset.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import shutil
import subprocess
import zipfile

import numpy as np
import openpyxl
import pandas as pd
import pytest
import python_calamine

from factories import seed_cohort, small_dataset
from iectox.dataset import Dataset, time_known_column
from iectox.errors import OutputRefused
from iectox.io import read_dataset, read_raw, write_dataset
from iectox.io.injection import formula_like, restore
from iectox.io.xlsx_text import SPACES, excel_escaped
from iectox.io.xlsx_write import MAX_TEXT, write_workbook
from iectox.schema import Kind, Table

HOSTILE_TEXTS = [
    "=A1+1",
    "+33 6 12 34 56 78",
    "-x",
    "@SUM(A1)",
    "\t=tab first",
    "\rcarriage return first",
    "'=A1",
    "#N/A",
    "#REF!",
    "CHU\x01A",
    "bell\x07\x1f\x00",
    "_x0041_ stays as typed",
    "_X00e9_x005F_",
    " leading space",
    "trailing space ",
    "\u00a0no-break space",
    " ",
    "a&b<c>\"d'e",
    "line\nbreak",
    "crlf\r\nend\r",
    "x" * MAX_TEXT,
    "accents é and 🧪",
    None,
]

DEATH_CAUSES = [None, '=HYPERLINK("x")', "\x1b[31mred"]


def _hostile() -> Dataset:
    """The small dataset with every kind of value a workbook could spoil."""
    dataset = small_dataset()
    n = len(HOSTILE_TEXTS)
    patients = pd.concat([dataset["patients"]] * n, ignore_index=True)[:n]
    patients = patients.assign(patient_id=[f"P-{i:03d}" for i in range(n)], centre=HOSTILE_TEXTS)
    infusions = dataset["infusions"].copy()
    infusions["weight_kg"] = [71.40000000000001, np.nan, 1e-05]
    infusions["height_cm"] = [-3.5, 1e20, 180.0]
    infusions["age_at_infusion"] = [0.1 + 0.2, 2.0**53, 123456789.123456789]
    ts = pd.Timestamp
    episodes = dataset["toxicity_episodes"].assign(
        onset_at=[ts("2023-05-19 14:30"), ts("2023-05-21"), ts("2024-11-09 08:15:30")],
        onset_at_time_known=[True, False, True],
        resolved_at=[ts("2024-02-29 23:59:59"), None, ts("2024-11-12 00:00")],
        resolved_at_time_known=[True, None, True],
    )
    outcomes = dataset["outcomes"].assign(death_cause=DEATH_CAUSES)
    return Dataset.from_frames(
        {
            **dataset.tables,
            "patients": patients,
            "infusions": infusions,
            "toxicity_episodes": episodes,
            "outcomes": outcomes,
        }
    )


@pytest.fixture(scope="module")
def seed() -> Dataset:
    return seed_cohort()


def _as_openpyxl_reads(text: str) -> str:
    """A text as openpyxl reads it back: Excel's escapes stored (`_x0001_`), but `_x005F_` undone."""
    return excel_escaped(text).replace("x005F_", "")


def _expected(frame: pd.DataFrame, table: Table) -> list[list[tuple | None]]:
    """Each row's cells as (value, number format, quote prefix); None for a blank cell."""
    rows: list[list[tuple | None]] = [[] for _ in range(len(frame))]
    for column in table.columns:
        values = frame[column.name].tolist()
        known = frame[time_known_column(column.name)].tolist() if column.kind is Kind.DATETIME else None
        for i, value in enumerate(values):
            if (
                value is None
                or value is pd.NA
                or value is pd.NaT
                or (isinstance(value, float) and math.isnan(value))
            ):
                rows[i].append(None)
            elif column.kind is Kind.DATE:
                rows[i].append((value.to_pydatetime(), "yyyy-mm-dd", False))
            elif column.kind is Kind.DATETIME:
                fmt = (
                    "yyyy-mm-dd"
                    if known[i] is False
                    else "yyyy-mm-dd hh:mm" + (":ss" if value.second else "")
                )
                stamp = value.normalize() if known[i] is False else value
                rows[i].append((stamp.to_pydatetime(), fmt, False))
            elif column.kind is Kind.BOOLEAN:
                rows[i].append(("yes" if value else "no", "General", False))
            elif column.kind in (Kind.INTEGER, Kind.NUMBER):
                rows[i].append((value, "General", False))
            else:
                rows[i].append((value, "General", formula_like(value)))  # formula-like: quote prefix
    return rows


def _same_value(got: object, expected: object) -> bool:
    if isinstance(expected, float | int) and not isinstance(expected, bool):
        return isinstance(got, float | int) and float(got) == float(expected) and got == expected
    return type(got) is type(expected) and got == expected


@pytest.mark.parametrize("which", ["seed", "hostile"])
def test_openpyxl_reads_every_cell_as_the_dataset_holds_it(tmp_path, seed, which):
    dataset = seed if which == "seed" else _hostile()
    path = tmp_path / "book.xlsx"
    write_workbook(dataset, path)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == list(dataset.schema.table_names)
    for table in dataset.schema.tables:
        sheet, frame, width = book[table.name], dataset[table.name], len(table.columns)
        header = [(c.value, c.data_type, c.font.b, c.quotePrefix) for c in sheet[1]]
        assert header == [(c.name, "s", c.required, False) for c in table.columns]
        widths = [
            sheet.column_dimensions[openpyxl.utils.get_column_letter(i + 1)].width for i in range(width)
        ]
        assert widths == [max(12, len(c.name) + 2) for c in table.columns]
        assert sheet.max_row == len(frame) + 1
        rows = sheet.iter_rows(min_row=2, max_col=width)
        for number, (cells, expected) in enumerate(zip(rows, _expected(frame, table), strict=True), start=2):
            for cell, want in zip(cells, expected, strict=True):
                where = f"{table.name}!{cell.coordinate} (row {number})"
                if want is None:
                    assert (cell.value, cell.has_style) == (None, False), where
                    continue
                value, number_format, quoted = want
                if isinstance(value, str):
                    value = _as_openpyxl_reads(value)
                assert _same_value(cell.value, value), (where, cell.value, value)
                kind = "s" if isinstance(value, str) else "d" if isinstance(value, dt.datetime) else "n"
                assert (cell.data_type, cell.number_format, cell.quotePrefix) == (
                    kind,
                    number_format,
                    quoted,
                ), where
                assert not cell.font.b, where


def _calamine_value(value: object) -> object:
    """python-calamine's value as the dataset would hold it (its dates at midnight are dates)."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime.combine(value, dt.time())
    return None if value == "" else value


@pytest.mark.parametrize("which", ["seed", "hostile"])
def test_python_calamine_reads_every_cell_as_the_dataset_holds_it(tmp_path, seed, which):
    dataset = seed if which == "seed" else _hostile()
    path = tmp_path / "book.xlsx"
    write_workbook(dataset, path)
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    assert book.sheet_names == list(dataset.schema.table_names)
    for table in dataset.schema.tables:
        rows = book.get_sheet_by_name(table.name).to_python(skip_empty_area=False)
        assert rows[0] == list(table.column_names)
        expected = [
            [None if w is None else w[0] for w in row] for row in _expected(dataset[table.name], table)
        ]
        got = [
            [_calamine_value(v) for v in row] + [None] * (len(table.columns) - len(row)) for row in rows[1:]
        ]
        assert len(got) == len(expected)
        for number, (row, want) in enumerate(zip(got, expected, strict=True), start=2):
            for value, wanted in zip(row, want, strict=True):
                assert value == wanted and (value is None) is (wanted is None), (
                    table.name,
                    number,
                    value,
                    wanted,
                )
                if isinstance(wanted, float):
                    assert float(value) == wanted  # exactly: the text written reads back as the same float


def test_the_hostile_dataset_reads_back_exactly_through_iectox(tmp_path):
    dataset = _hostile()
    path = tmp_path / "book.xlsx"
    write_workbook(dataset, path)
    raw, _ = read_raw(path)
    centres = raw["patients"].frame["centre"].tolist()
    assert centres == HOSTILE_TEXTS
    assert raw["outcomes"].frame["death_cause"].tolist() == DEATH_CAUSES


def test_a_float_reads_back_as_the_same_float(tmp_path):
    """openpyxl wrote 16 significant digits: 71.40000000000001 came back from the workbook as 71.4."""
    dataset = small_dataset()
    dataset["infusions"].loc[0, "weight_kg"] = 71.40000000000001
    dataset["administrations"].loc[0, "dose_mg"] = 0.1 + 0.2
    path = write_dataset(dataset, tmp_path / "p.xlsx")
    assert read_dataset(path)["infusions"].loc[0, "weight_kg"] == 71.40000000000001
    raw, _ = read_raw(path)
    assert raw["administrations"].frame["dose_mg"].tolist()[0] == 0.30000000000000004


def test_an_infinite_number_is_refused_not_written_blank(tmp_path):
    """openpyxl wrote an infinite dose as an empty cell: the value was lost without a word."""
    dataset = small_dataset()
    dataset["administrations"].loc[1, "dose_mg"] = -np.inf
    path = tmp_path / "book.xlsx"
    with pytest.raises(OutputRefused) as refused:
        write_workbook(dataset, path)
    assert str(refused.value) == (
        f"{path}: table administrations, row 3, column dose_mg: the number -inf is infinite, which a workbook "
        "cannot hold; correct the value; nothing was written"
    )
    assert not path.exists()


def test_an_empty_text_is_a_blank_cell_as_openpyxl_wrote_it(tmp_path):
    dataset = small_dataset()
    dataset["patients"].loc[1, "centre"] = ""
    path = tmp_path / "book.xlsx"
    write_workbook(dataset, path)
    assert openpyxl.load_workbook(path)["patients"]["D3"].value is None


def test_the_package_is_plain_spreadsheetml(tmp_path):
    """Each cell has its reference then its style (the reader's fast scan), text is shared, no formula."""
    path = tmp_path / "book.xlsx"
    write_workbook(_hostile(), path)
    with zipfile.ZipFile(path) as package:
        assert package.testzip() is None
        assert {i.compress_type for i in package.infolist()} == {zipfile.ZIP_DEFLATED}
        sheet = package.read("xl/worksheets/sheet1.xml")
        strings = package.read("xl/sharedStrings.xml")
    assert b"<f>" not in sheet and b"<f " not in sheet
    assert re.findall(rb"<c (?!r=\"[A-Z]+[0-9]+\"(?: s=\"[0-9]\")?(?: t=\"s\")?>)", sheet) == []
    assert b'<si><t xml:space="preserve"> leading space</t></si>' in strings
    assert b"<si><t>crlf&#13;\nend&#13;</t></si>" not in strings  # it ends with a carriage return: preserved
    assert b'<si><t xml:space="preserve">crlf&#13;\nend&#13;</t></si>' in strings
    assert b"<si><t>a&amp;b&lt;c&gt;\"d'e</t></si>" in strings
    assert b"<si><t>_x005F_X00e9_x005F_x005F_</t></si>" in strings


def test_spaces_are_the_characters_python_strips():
    assert SPACES.tolist() == [c for c in range(0x110000) if chr(c).isspace()]


LIBREOFFICE = shutil.which("soffice")
CSV_EXPORT = (
    "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"  # every sheet, UTF-8
)


@pytest.mark.skipif(LIBREOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_opens_the_workbook_and_shows_the_dataset(tmp_path, seed):
    """LibreOffice's CSV of each sheet reads as the dataset, and its patients sheet is iectox's own CSV."""
    patients = seed["patients"].copy()
    patients.loc[:3, "centre"] = ["=1+1", "-x", "@SUM(A1)", "a&b<c>"]
    dataset = Dataset.from_frames({**seed.tables, "patients": patients})
    book = tmp_path / "book.xlsx"
    write_workbook(dataset, book)
    profile = (tmp_path / "profile").as_uri()
    command = [LIBREOFFICE, "--headless", f"-env:UserInstallation={profile}", "--convert-to", CSV_EXPORT]
    subprocess.run(
        [*command, "--outdir", str(tmp_path / "lo"), str(book)], check=True, timeout=300, capture_output=True
    )
    shown = tmp_path / "shown"
    shown.mkdir()
    for table in dataset.schema.table_names:
        (tmp_path / "lo" / f"book-{table}.csv").rename(shown / f"{table}.csv")
    write_dataset(dataset, tmp_path / "own")
    own = (tmp_path / "own" / "patients.csv").read_text(encoding="utf-8").splitlines()
    restored = [",".join(restore(cell) for cell in line.split(",")) for line in own]
    assert (shown / "patients.csv").read_text(encoding="utf-8").splitlines() == restored
    assert (
        restored[1:5] != own[1:5]
    )  # iectox's CSV escapes the formula-like text; LibreOffice shows it as text
    again = read_dataset(shown)
    for table in dataset.schema.table_names:  # LibreOffice's CSV rounds numbers to 15 significant digits
        pd.testing.assert_frame_equal(again[table], dataset[table], check_exact=False, rtol=1e-14)
