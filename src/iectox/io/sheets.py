"""The one way iectox saves a spreadsheet or a CSV file: whole or not at all, and no text a live formula.

Every XLSX iectox builds with openpyxl is saved by `save_workbook`, every CSV it writes from a frame by
`write_csv`, so that a new sheet or a new table cannot forget what `iectox.io.injection` explains: a cell
whose text starts with `=`, `+`, `-`, `@`, a tab or a carriage return would run as a formula in the
pharmacist's spreadsheet. Numbers, dates and yes/no values are never touched.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from pathlib import Path

import pandas as pd
from openpyxl import Workbook

from iectox.io.atomic import atomic_file
from iectox.io.injection import neutralise_column, text_cell
from iectox.io.xlsx_rows import LongSheets, Rows


def save_workbook(
    book: Workbook, path: Path, rows: Mapping[str, Rows] | None = None, force: bool = False
) -> Path:
    """Save `book` at `path`, whole or not at all, after making every text cell of every sheet safe.

    The cells are made safe here, at the last moment, rather than where each sheet is filled: whatever a
    sheet holds (data, labels, footnotes), no text reaches the file as a formula and every text reads back
    exactly (`text_cell`: a text cell with Excel's quote prefix). The long sheets named in `rows` hold their
    header row in `book` and their rows in a frame, written as XML directly (`iectox.io.xlsx_rows`), their
    formula-like text quoted in the same way. An existing file iectox did not write is replaced only with
    `force` (`iectox.io.atomic.atomic_file`).
    """
    if book.write_only:
        raise ValueError("a write-only workbook cannot be checked: make its cells with injection.text_cell")
    for sheet in book.worksheets:
        for cell in sheet._cells.values():  # the cells that exist; iter_rows would create the empty ones
            text_cell(cell)
    long_sheets = LongSheets(book, rows, Path(path)) if rows else None  # refused before a byte is written
    with atomic_file(Path(path), force=force) as tmp:
        if long_sheets is None:
            book.save(tmp)
        else:
            long_sheets.write(tmp)
    return Path(path)


def _text(values: pd.Series) -> pd.Series:
    """Which values of a column are text (a column of objects may mix text with numbers or dates)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        values = values.astype(object)
    if not (pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values)):
        return pd.Series(False, index=values.index)
    return values.map(lambda value: isinstance(value, str)).astype(bool)


def csv_safe(frame: pd.DataFrame, text: Collection[str] | None = None) -> pd.DataFrame:
    """`frame` with its formula-like text neutralised (`neutralise`), in the columns named by `text` or, by
    default, in every value that is text; numbers, dates and yes/no values stay as they are."""
    safe = frame
    for position, name in enumerate(frame.columns):
        if text is not None and name not in text:
            continue
        values = frame.iloc[:, position]
        is_text = _text(values)
        if not is_text.any():
            continue
        escaped = neutralise_column(values.astype(object).where(is_text))
        if safe is frame:
            safe = frame.copy()
        safe.isetitem(position, values.astype(object).mask(is_text.to_numpy(), escaped.to_numpy()))
    return safe


def write_csv(frame: pd.DataFrame, path: Path, text: Collection[str] | None = None) -> Path:
    """Write `frame` (without its index) as UTF-8 CSV at `path`, whole or not at all, its formula-like
    text neutralised (`csv_safe`); iectox's CSV reader gives the text back exactly."""
    with atomic_file(Path(path)) as tmp:
        csv_safe(frame, text).to_csv(tmp, index=False, encoding="utf-8")
    return Path(path)


def csv_text(frame: pd.DataFrame, text: Collection[str] | None = None) -> str:
    """The CSV `write_csv` would write, as a string (a download the web application serves)."""
    return csv_safe(frame, text).to_csv(index=False, lineterminator="\n")


__all__ = ["Rows", "csv_safe", "csv_text", "save_workbook", "write_csv"]
