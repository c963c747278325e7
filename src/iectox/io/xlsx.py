"""A dataset as one XLSX workbook: a sheet per table, named after the table.

Cells keep their native types so that Excel shows real dates and numbers. Whether a date-and-time cell holds
an hour is read from its number format (what the user sees): "2024-03-06" without a time format means the hour
was not recorded.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from iectox.dataset import Dataset, time_known_column
from iectox.errors import SourceError
from iectox.io.atomic import atomic_file
from iectox.schema import CONTRACT, Kind, Table
from iectox.validate import RawTable

DATE_FORMAT = "yyyy-mm-dd"
MINUTE_FORMAT = "yyyy-mm-dd hh:mm"
SECOND_FORMAT = "yyyy-mm-dd hh:mm:ss"


def _shows_time(number_format: str) -> bool:
    fmt = number_format.lower().split(";")[0]
    return "h" in fmt or "ss" in fmt


def _cell_value(cell: object) -> object:
    value = getattr(cell, "value", None)
    if isinstance(value, dt.datetime) and not _shows_time(getattr(cell, "number_format", "") or ""):
        return value.date()
    if isinstance(value, dt.time):
        return value.isoformat(timespec="minutes")
    return value


def _sheet_frame(sheet: object) -> pd.DataFrame:
    rows = sheet.iter_rows(min_row=1)  # type: ignore[attr-defined]
    header_cells = next(rows, ())
    header = [_cell_value(c) for c in header_cells]
    while header and header[-1] is None:
        header.pop()
    width = len(header)
    records, numbers = [], []
    for number, cells in enumerate(rows, start=2):
        values = [_cell_value(c) for c in cells[:width]]
        values += [None] * (width - len(values))
        if any(v is not None and str(v).strip() != "" for v in values):
            records.append(values)
            numbers.append(number)
    columns = [("" if h is None else str(h)) for h in header]
    return pd.DataFrame(records, columns=columns, index=numbers, dtype=object)


def read_workbook(path: Path) -> tuple[dict[str, RawTable], list[str]]:
    """The tables found in the workbook, and the names of the other sheets (reported, not read)."""
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError) as exc:
        raise SourceError(str(path), f"cannot be opened as an XLSX workbook ({exc})") from exc
    try:
        raw = {
            name: RawTable(path.name, name, _sheet_frame(book[name]))
            for name in book.sheetnames
            if name in CONTRACT.table_names
        }
        extra = [name for name in book.sheetnames if name not in CONTRACT.table_names]
    finally:
        book.close()
    return raw, extra


def _cells(sheet: object, frame: pd.DataFrame, table: Table) -> list[list[object]]:
    columns: list[list[object]] = []
    for column in table.columns:
        values = frame[column.name]
        if column.kind is Kind.DATE:
            cells = [_dated(sheet, v, DATE_FORMAT) for v in values.dt.date.where(values.notna(), None)]
        elif column.kind is Kind.DATETIME:
            known = frame[time_known_column(column.name)].fillna(True).astype(bool)
            cells = [
                None
                if pd.isna(v)
                else _dated(sheet, v.to_pydatetime(), SECOND_FORMAT if v.second else MINUTE_FORMAT)
                if k
                else _dated(sheet, v.date(), DATE_FORMAT)
                for v, k in zip(values, known, strict=True)
            ]
        elif column.kind is Kind.BOOLEAN:
            cells = [None if pd.isna(v) else ("yes" if v else "no") for v in values]
        elif column.kind is Kind.INTEGER:
            cells = [None if pd.isna(v) else int(v) for v in values]
        elif column.kind is Kind.NUMBER:
            cells = [None if np.isnan(v) else float(v) for v in values.to_numpy(dtype="float64")]
        else:
            cells = [None if pd.isna(v) else str(v) for v in values]
        columns.append(cells)
    return [list(row) for row in zip(*columns, strict=True)] if columns else []


def _dated(sheet: object, value: object, number_format: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = number_format
    return cell


def write_workbook(dataset: Dataset, path: Path) -> None:
    book = openpyxl.Workbook(write_only=True)
    bold = Font(bold=True)
    for table in dataset.schema.tables:
        sheet = book.create_sheet(table.name)
        for index, column in enumerate(table.columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = max(12, len(column.name) + 2)
        header = []
        for column in table.columns:
            cell = WriteOnlyCell(sheet, value=column.name)
            if column.required:
                cell.font = bold
            header.append(cell)
        sheet.append(header)
        for row in _cells(sheet, dataset[table.name], table):
            sheet.append(row)
    with atomic_file(path) as tmp:
        book.save(tmp)
