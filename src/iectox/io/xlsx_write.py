"""Writing the dataset workbook: native dates and numbers, text that stays text, nothing truncated.

- Text never becomes a formula or an error value: formula-like text (`=A1+1`, `+33...`, `-x`, `@x`) is a text
  cell with Excel's quote prefix (`iectox.io.injection.text_cell`), and text such as `#N/A` a text cell too.
- Characters XML cannot hold (control characters such as `\\x01`) are escaped the way Excel does, `_x0001_`,
  and a text that already looks like such an escape has its underscore escaped (`_x005F_`), so the workbook
  reads back exactly (python-calamine undoes both).
- What a sheet cannot hold is refused, never truncated or changed: a table of more than 1,048,575 rows, a text
  longer than 32,767 characters, or holding U+FFFE or U+FFFF (no XML can).
- Speed: openpyxl's write-only mode, given rows of plain values; only cells that need a style (dates, bold
  headers, quoted text) are cell objects, and a date column reuses one cell per number format. Dates are
  written as Excel serial numbers computed for the whole column at once.

openpyxl is imported when a workbook is written, not when one is read.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pandas as pd

from iectox.dataset import Dataset, time_known_column
from iectox.errors import OutputRefused
from iectox.i18n import N_
from iectox.io.atomic import atomic_file
from iectox.io.injection import FORMULA_CHARACTERS, text_cell
from iectox.schema import Kind, Table

DATE_FORMAT = "yyyy-mm-dd"
MINUTE_FORMAT = "yyyy-mm-dd hh:mm"
SECOND_FORMAT = "yyyy-mm-dd hh:mm:ss"
FORMATS = (DATE_FORMAT, MINUTE_FORMAT, SECOND_FORMAT)
MAX_ROWS = 1_048_576  # rows of an Excel sheet, the header included
MAX_TEXT = 32_767  # characters of an Excel cell
EXCEL_EPOCH = pd.Timestamp("1899-12-30")
ERROR_TEXTS = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A")  # openpyxl's error values
_LOOKS_ESCAPED = r"_(?=[xX][0-9A-Fa-f]{4}_)"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")

TOO_MANY_ROWS = N_(
    "table {table} has {rows} rows, more than an Excel sheet holds ({limit} below the header); "
    "write the dataset as a folder of CSV files instead"
)
NOT_CHARACTERS = N_(
    "table {table}, row {row}, column {column}: the text holds U+FFFE or U+FFFF, which are not characters and "
    "cannot be written to a workbook"
)
TEXT_TOO_LONG = N_(
    "table {table}, row {row}, column {column}: the text has {length} characters, more than an Excel cell "
    "holds ({limit}); write the dataset as a folder of CSV files instead"
)


def excel_text(values: pd.Series) -> pd.Series:
    """Text as Excel stores it: `_xHHHH_` for a character XML cannot hold, `_x005F_` before an underscore
    that would otherwise read as such an escape."""
    text = values.astype("string")
    if not text.str.contains("_", regex=False).any() and not text.str.contains(_NOT_XML.pattern).any():
        return values
    text = text.str.replace(_LOOKS_ESCAPED, "_x005F_", regex=True)
    return text.str.replace(_NOT_XML.pattern, lambda m: f"_x{ord(m.group()):04X}_", regex=True)


def serials(stamps: pd.Series) -> np.ndarray:
    """Excel serial numbers (days since 1899-12-30, the time as a fraction) of a datetime column."""
    return ((stamps - EXCEL_EPOCH) / pd.Timedelta(days=1)).to_numpy(dtype="float64", na_value=np.nan)


def _objects(numbers: np.ndarray, whole: bool = False) -> list[Any]:
    """Python numbers (ints if `whole`) for a float column, None where it is NaN."""
    missing = np.isnan(numbers)
    values = np.where(missing, 0, numbers)
    cells = (values.astype(np.int64) if whole else values).astype(object)
    cells[missing] = None
    return cells.tolist()


class _Sheet:
    """One sheet being written: the cells that need a style are made here, the rest are plain values."""

    def __init__(self, openpyxl: ModuleType, book: Any, table: Table, path: Path):
        self.openpyxl, self.path, self.table = openpyxl, path, table
        self.sheet = book.create_sheet(table.name)

    def cell(self, value: object = None) -> Any:
        return self.openpyxl.cell.WriteOnlyCell(self.sheet, value=value)

    def dated(self) -> list[Any]:
        """One reusable cell per number format: openpyxl writes a row's cells before the next row comes."""
        cells = []
        for number_format in FORMATS:
            cell = self.cell()
            cell.number_format = number_format
            cells.append(cell)
        return cells

    def text(self, values: pd.Series) -> list[Any]:
        text = excel_text(values)
        cells: list[Any] = text.to_numpy(dtype=object, na_value=None).tolist()
        first = text.str.slice(0, 1)
        special = (first.isin(list(FORMULA_CHARACTERS)) | text.isin(ERROR_TEXTS)).fillna(False).to_numpy()
        for position in np.flatnonzero(special):
            cell = text_cell(self.cell(cells[position]))
            cell.data_type = "s"  # "#N/A" typed as text stays text, not an error value
            cells[position] = cell
        return cells


def _column(sheet: _Sheet, frame: pd.DataFrame, name: str, kind: Kind) -> tuple[list[Any], list[int] | None]:
    """A column's cells, and for dates the number format of each (an index in FORMATS)."""
    values = frame[name]
    if kind is Kind.DATE:
        days = serials(values.dt.normalize())
        return _objects(days, whole=True), [0] * len(days)
    if kind is Kind.DATETIME:
        known = frame[time_known_column(name)].fillna(True).to_numpy(dtype=bool)
        stamps = values.where(known, values.dt.normalize())
        seconds = (values.dt.second.fillna(0).to_numpy() != 0) & known
        formats = np.where(known, np.where(seconds, 2, 1), 0).tolist()
        return _objects(serials(stamps)), formats
    if kind is Kind.BOOLEAN:
        return values.map({True: "yes", False: "no"}).astype(object).where(
            values.notna(), None
        ).tolist(), None
    if kind is Kind.INTEGER:
        return values.to_numpy(dtype=object, na_value=None).tolist(), None
    if kind is Kind.NUMBER:
        return _objects(values.to_numpy(dtype="float64", na_value=np.nan)), None
    return sheet.text(values), None


def _unwritable(table: Table, frame: pd.DataFrame, path: Path) -> OutputRefused | None:
    """The refusal of the first thing a sheet cannot hold: more rows than a sheet, a text longer than a cell,
    or a text holding noncharacters."""
    if len(frame) + 1 > MAX_ROWS:
        return OutputRefused(str(path), TOO_MANY_ROWS, table=table.name, rows=len(frame), limit=MAX_ROWS - 1)
    for column in table.columns:
        if column.kind in (Kind.DATE, Kind.DATETIME, Kind.BOOLEAN, Kind.INTEGER, Kind.NUMBER):
            continue
        text = frame[column.name].astype("string")
        lengths = text.str.len()
        for mask, template in (
            (lengths.gt(MAX_TEXT), TEXT_TOO_LONG),
            (text.str.contains("[\ufffe\uffff]"), NOT_CHARACTERS),
        ):
            flagged = mask.fillna(False).to_numpy(dtype=bool)
            if flagged.any():
                label = mask.index[flagged][0]
                place = {"table": table.name, "row": int(label) + 2, "column": column.name}
                if template is TEXT_TOO_LONG:
                    place |= {"length": int(lengths[label]), "limit": MAX_TEXT}
                return OutputRefused(str(path), template, **place)
    return None


def _write_table(sheet: _Sheet, frame: pd.DataFrame) -> None:
    table, bold = sheet.table, sheet.openpyxl.styles.Font(bold=True)
    for index, column in enumerate(table.columns, start=1):
        letter = sheet.openpyxl.utils.get_column_letter(index)
        sheet.sheet.column_dimensions[letter].width = max(12, len(column.name) + 2)
    header: list[Any] = []
    for column in table.columns:
        cell = sheet.cell(column.name)
        if column.required:
            cell.font = bold
        header.append(cell if column.required else column.name)
    sheet.sheet.append(header)
    columns: list[Sequence[Any]] = []
    formats: list[Sequence[int]] = []  # after the columns: each date column's number formats
    dated: list[tuple[int, int, list[Any]]] = []  # (column, position of its formats in the row, cells)
    width = len(table.columns)
    for index, column in enumerate(table.columns):
        cells, kinds = _column(sheet, frame, column.name, column.kind)
        columns.append(cells)
        if kinds is not None:
            dated.append((index, width + len(formats), sheet.dated()))
            formats.append(kinds)
    columns += formats
    for values in zip(*columns, strict=True):
        row = list(values[:width])
        for index, position, cells in dated:
            if row[index] is not None:
                cell = cells[values[position]]
                cell.value = row[index]
                row[index] = cell
        sheet.sheet.append(row)


def write_workbook(dataset: Dataset, path: Path) -> None:
    """The dataset as a workbook at `path`, written whole or not at all (`OutputRefused` if a sheet cannot
    hold a table)."""
    for table in dataset.schema.tables:
        refused = _unwritable(table, dataset[table.name], path)
        if refused is not None:
            raise refused
    import openpyxl  # here, not at the top: reading a workbook does not need it

    book = openpyxl.Workbook(write_only=True)
    for table in dataset.schema.tables:
        _write_table(_Sheet(openpyxl, book, table, path), dataset[table.name])
    with atomic_file(path) as tmp:
        book.save(tmp)
