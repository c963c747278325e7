"""A dataset as a folder of CSV files, one per table, named after the table (patients.csv ...).

Reading keeps every value as it was typed: the file is opened only if it is a regular file within the size
limit (`files`), its encoding is decided from its bytes (`encoding`), its rows are cut without dropping or
shifting a value (`csvsplit`), and what cannot be read without guessing is reported as an issue of the
`text_files` rules, with the row the user sees. Writing neutralises text that a spreadsheet would run as a
formula (`injection`), and reading gives it back exactly.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from iectox.dataset import Dataset
from iectox.errors import Issue, SourceError
from iectox.i18n import N_
from iectox.io.atomic import atomic_folder
from iectox.io.csvsplit import MAX_COLUMNS, header_width, separator, split
from iectox.io.encoding import utf8_text
from iectox.io.files import folder_entries, read_file
from iectox.io.injection import FORMULA_CHARACTERS, neutralise_column, restore_column
from iectox.io.text import table_text
from iectox.schema import CONTRACT, Kind, Table
from iectox.validate import RawTable
from iectox.validate.columnar import as_objects
from iectox.validate.structure import header_key
from iectox.validate.text_files import NUL_SHOWN, mixed_encoding, nul_characters, repeated_header

TEXT_KINDS = (Kind.TEXT, Kind.CATEGORY)  # the columns whose formula-like text is neutralised when written
# The first characters of the cells that `neutralise` may change, and of those `restore` may change; and
# what a file holds when it holds a neutralised cell.
_STARTS_OF_ESCAPED = np.array(["'", *FORMULA_CHARACTERS])
_APOSTROPHE = np.array(["'"])
_ESCAPED = re.compile(b"'[" + re.escape(FORMULA_CHARACTERS.encode()) + b"]")


def _names(header: list[str]) -> list[str]:
    """Column labels as pandas gives them: an empty header is "Unnamed: <position>", a repeated one gets
    ".1", ".2"..., so that every column keeps its own label and none is lost."""
    names: list[str] = []
    taken: set[str] = set()
    for position, cell in enumerate(header):
        name = cell if cell != "" else f"Unnamed: {position}"
        candidate, n = name, 0
        while candidate in taken:
            n += 1
            candidate = f"{name}.{n}"
        names.append(candidate)
        taken.add(candidate)
    return names


def _restored(frame: pd.DataFrame, table: Table, data: bytes) -> pd.DataFrame:
    """The text and code columns with the apostrophe escape of `neutralise` removed (`restore`).

    The file is searched first for an apostrophe followed by a formula character: without one, no cell was
    neutralised and the columns are left as read, at no cost."""
    if data.find(b"'") == -1 or _ESCAPED.search(data) is None:
        return frame
    kinds = {column.name: column.kind for column in table.columns}
    for name in frame.columns:
        if kinds.get(header_key(name)) in TEXT_KINDS:
            frame[name] = _escaped(as_objects(frame[name]), _APOSTROPHE, restore_column)
    return frame


def read_csv_table(path: Path, table: Table | None = None) -> RawTable:
    """The CSV file at `path` as a raw table (index = row number shown to the user, header = 1), with the
    problems found in its text. Given the contract's `table`, text that iectox neutralised is restored, and
    the cells of a plain file are kept in Arrow for validation to type in place (`csvsplit.split`)."""
    name = path.name
    decoded = utf8_text(str(path), read_file(path))
    sep, skip = separator(decoded.data)
    data = decoded.data
    if b"\0" in data:
        data = data.replace(b"\0", NUL_SHOWN.encode())
    width = header_width(data, sep, skip)
    if width > MAX_COLUMNS:
        raise SourceError(
            str(path),
            N_("has {count} columns, more than a spreadsheet holds ({limit})"),
            count=width,
            limit=MAX_COLUMNS,
        )
    cut = split(name, data, sep, skip, in_arrow=table is not None)
    if not any(cell.strip() for cell in cut.header):
        raise SourceError(str(path), N_("is empty: the first line must hold the column names"))
    frame = cut.frame
    frame.columns = _names(cut.header)
    issues: list[Issue] = []
    if decoded.mixed:
        utf8 = [line - skip for line in decoded.utf8_lines]
        issues += mixed_encoding(name, utf8, [line - skip for line in decoded.ansi_lines])
    if data is not decoded.data:
        header = pd.DataFrame([cut.header], index=[1], columns=frame.columns)
        issues += nul_characters(name, pd.concat([header, frame]))
    issues += cut.issues
    repeated = repeated_header(name, frame, cut.header)
    if repeated:
        issues += repeated
        frame = frame.drop(index=[issue.row for issue in repeated])
    if table is not None:
        frame = _restored(frame, table, data)
    issues.sort(key=lambda issue: issue.row or 0)
    return RawTable(name, None, frame, tuple(issues))


def read_csv_folder(folder: Path) -> tuple[dict[str, RawTable], list[str]]:
    """The tables found in the folder, and the names of the other CSV files (reported, not read)."""
    entries = folder_entries(folder)
    files = {p.stem: p for p in entries if p.suffix == ".csv" and not p.name.startswith(".")}
    if not files:
        expected = ", ".join(f"{name}.csv" for name in CONTRACT.table_names)
        if not entries:
            raise SourceError(
                str(folder), N_("is an empty folder; a CSV dataset holds {files}"), files=expected
            )
        raise SourceError(str(folder), N_("holds no CSV file; a CSV dataset holds {files}"), files=expected)
    raw = {
        name: read_csv_table(path, CONTRACT.table(name))
        for name, path in files.items()
        if name in CONTRACT.table_names
    }
    extra = [path.name for name, path in files.items() if name not in CONTRACT.table_names]
    return raw, extra


def csv_text(frame: pd.DataFrame, table: Table) -> pd.DataFrame:
    """The table as the text cells of its CSV file: formula-like text and codes neutralised, so that no cell
    runs as a formula in a spreadsheet; numbers, dates and yes/no are written as they are."""
    text = table_text(frame, table)
    for column in table.columns:
        if column.kind in TEXT_KINDS:
            text[column.name] = _escaped(text[column.name], _STARTS_OF_ESCAPED, neutralise_column)
    return text


def _escaped(cells: pd.Series, starts: np.ndarray, escape: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """`cells` with `escape` (`neutralise_column` or `restore_column`) applied to the cells whose first
    character is one of `starts`, found by NumPy in C (`astype("U1")` keeps the first character): most
    cells are ordinary text, and a Python test on each would double the time to read or write a table."""
    first = cells.to_numpy(dtype=object).astype("U1")
    chosen = np.isin(first, starts)
    if not chosen.any():
        return cells
    cells = cells.copy()
    cells[chosen] = escape(cells[chosen]).to_numpy(dtype=object, na_value=np.nan)
    return cells


def write_csv_folder(dataset: Dataset, folder: Path) -> None:
    with atomic_folder(folder) as tmp:
        for table in dataset.schema.tables:
            csv_text(dataset[table.name], table).to_csv(tmp / f"{table.name}.csv", index=False)
