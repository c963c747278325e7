"""A dataset as one XLSX workbook: a sheet per table, named after the table.

Reading is python-calamine (Rust: a 400-patient workbook in a fraction of a second, where openpyxl took
seconds), completed by what it does not expose, read from the package itself (`iectox.io.ooxml`,
`iectox.io.sheetxml`). Typed cells stay typed: numbers, dates and booleans. Whether a date-and-time cell holds
an hour is read from its number format (what the user sees): "2024-03-06" without a time format means the
hour was not recorded; "2024-03-06 00:00" means midnight. Rows keep the numbers the user sees (header = 1).

Nothing is lost in silence: an Excel error value, a formula never calculated, merged cells, a second sheet
for the same table and a time hidden by a date-only format are reported at their cell
(`iectox.validate.workbook`); values right of the last header, or under a blank header, are kept in a
header-less column that the header rules report. A package that cannot be read is a `SourceError`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import python_calamine

from iectox.errors import SourceError
from iectox.i18n import N_
from iectox.io.ooxml import (
    DAMAGE,
    DAMAGED,
    LIMITS,
    TOO_MANY_CELLS,
    Package,
    Sheet,
    open_package,
    read_part,
    refusal,
)
from iectox.io.sheetxml import SheetCells, column_letter, impossible_dates, scan
from iectox.io.xlsx_write import write_workbook
from iectox.schema import CONTRACT, Kind, Table
from iectox.validate import RawTable
from iectox.validate.structure import header_key
from iectox.validate.workbook import CellFinding, SheetFindings, sheet_issues

__all__ = ["read_sheet", "read_workbook", "write_workbook"]

NO_SUCH_SHEET = N_("has no sheet named {name}; its sheets: {sheets}")
IMPOSSIBLE_DATE = N_(
    "cell {cell} is formatted as a date but holds {value}, which no date is (Excel shows ########; {count} such "
    "cell(s) in the sheet): type the date, or clear the cell's date format"
)

Cell = object
_DAMAGE = (*DAMAGE, KeyError, python_calamine.CalamineError)
_WITHOUT_TEXT = ("floating", "integer", "boolean", "datetime", "date", "time", "timedelta", "empty")


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _header_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return "" if value is None else str(value)


def _clock(value: dt.datetime) -> str:
    return value.strftime("%H:%M:%S" if value.second else "%H:%M")


class _Sheet:
    """One table's sheet while it is read: calamine's rows, corrected by what the XML says of its cells."""

    def __init__(self, rows: list[list[Cell]], cells: SheetCells, table: Table | None):
        self.rows, self.cells, self.table = rows, cells, table
        self.header = [_header_text(v) for v in rows[0]] if rows else []
        self.hidden: list[tuple[int, int, str]] = []

    def value(self, row: int, column: int) -> Cell:
        line = self.rows[row - 1] if 0 < row <= len(self.rows) else []
        return line[column] if column < len(line) else None

    def correct(self) -> None:
        """Dates as their format shows them; error and uncalculated cells blank (they are reported). A sheet
        that is no table of the contract (a mapping's source) keeps a time its format hides: which of its
        columns want a time is not known, and the hour is the cell's."""
        rows = self.rows
        for row, column, with_time in self.cells.dated:
            if row > len(rows) or column >= len(rows[row - 1]):
                continue
            value = rows[row - 1][column]
            if isinstance(value, dt.datetime):
                if not with_time and (self.table is not None or value.time() == dt.time()):
                    rows[row - 1][column] = value.date()
                    if value.time() != dt.time():
                        self.hidden.append((row, column, _clock(value)))
            elif isinstance(value, dt.date):
                if with_time:
                    rows[row - 1][column] = dt.datetime.combine(value, dt.time())
            elif isinstance(value, dt.time):
                rows[row - 1][column] = value.isoformat(timespec="minutes")
        for row, column, _ in (*self.cells.errors, *self.cells.uncalculated):
            if row <= len(rows) and column < len(rows[row - 1]):
                rows[row - 1][column] = ""

    def column_name(self, column: int) -> str:
        name = self.header[column] if column < len(self.header) else ""
        return name.strip() or column_letter(column)

    def finding(self, row: int, column: int, value: str, blank: bool = True) -> CellFinding:
        """A finding at one cell; `blank`: the cell is read blank because of it (`correct`)."""
        name = self.column_name(column)
        return CellFinding(row, name, f"{column_letter(column)}{row}", value, ((row, name),) if blank else ())

    def frame(self) -> pd.DataFrame:
        """Every column up to the last one holding anything (a header-less one is named "Unnamed: F"), without
        the blank rows, indexed by the row numbers the user sees. Empty cells are None."""
        grid = np.array(self.rows[1:], dtype=object).reshape(len(self.rows[1:]), len(self.header))
        blank = np.ones(grid.shape, dtype=bool)
        for column in range(grid.shape[1]):
            values = grid[:, column]
            empty = values == ""  # python-calamine's empty cell
            spaces = _spaces(values[~empty])
            values[empty] = None
            blank[:, column] = empty | pd.Series(values).isin(spaces).to_numpy() if spaces else empty
        named = [i + 1 for i, name in enumerate(self.header) if name.strip()]
        filled = np.flatnonzero(~blank.all(axis=0))
        width = max(named[-1] if named else 0, filled[-1] + 1 if len(filled) else 0)
        names = [
            (self.header[i] if self.header[i].strip() else "") or f"Unnamed: {column_letter(i)}"
            for i in range(width)
        ]
        kept = ~blank[:, :width].all(axis=1) if width else np.zeros(len(grid), dtype=bool)
        index = pd.Index(np.flatnonzero(kept) + 2)
        return pd.DataFrame(
            {name: grid[kept, i] for i, name in enumerate(names)},
            index=index,
            columns=pd.Index(names, dtype=object),
            dtype=object,
        )

    def merged(self, ranges: list[tuple[tuple[int, int], tuple[int, int]]] | None) -> list[CellFinding]:
        found = []
        for (top, left), (bottom, right) in ranges or ():
            first = self.value(top + 1, left)
            if (top, left) != (bottom, right) and not _blank(first):
                cells = f"{column_letter(left)}{top + 1}:{column_letter(right)}{bottom + 1}"
                blanked = tuple(  # within the cells read: a merge may reach the sheet's last row
                    (row + 1, self.column_name(column))
                    for row in range(top, min(bottom + 1, len(self.rows)))
                    for column in range(left, min(right + 1, len(self.header)))
                    if (row, column) != (top, left)
                )
                found.append(CellFinding(top + 1, self.column_name(left), cells, str(first), blanked))
        return found

    def hidden_times(self) -> list[CellFinding]:
        """Times hidden by a date-only format, in the table's date-and-time columns (a date column wants none)."""
        if self.table is None:
            return []
        with_time = {c.name for c in self.table.columns if c.kind is Kind.DATETIME}
        return [
            self.finding(row, column, clock, blank=False)
            for row, column, clock in self.hidden
            if header_key(self.column_name(column)) in with_time
        ]


def _spaces(values: np.ndarray) -> list[str]:
    """The texts of spaces alone among a column's non-empty cells (none when it holds no text)."""
    if pd.api.types.infer_dtype(values, skipna=False) in _WITHOUT_TEXT:
        return []
    return [v for v in pd.unique(values) if type(v) is str and v.isspace()]


def _choose(sheets: list[Sheet]) -> tuple[dict[str, int], dict[str, list[str]], list[str]]:
    """Which sheet is each table (by index), the other sheets naming the same table, and the sheets that are
    no table. A sheet is a table when named exactly after it; another spelling of a table that has its sheet
    ("Patients" beside "patients") is a duplicate, never ignored in silence."""
    chosen: dict[str, int] = {}
    for index, sheet in enumerate(sheets):
        if sheet.name in CONTRACT.table_names and sheet.name not in chosen:
            chosen[sheet.name] = index
    duplicates: dict[str, list[str]] = {}
    extra = []
    for index, sheet in enumerate(sheets):
        table = sheet.name if sheet.name in chosen else header_key(sheet.name)
        if table in chosen and chosen[table] != index:
            duplicates.setdefault(table, []).append(sheet.name)
        elif index not in chosen.values():
            extra.append(sheet.name)
    return chosen, duplicates, extra


def _scan(package: Package, sheet: Sheet) -> SheetCells:
    part = package.part(sheet)
    try:
        cells = scan(lambda: package.zip.open(part), package.date_styles, package.recalculated_on_load)
    except _DAMAGE as exc:
        raise refusal(package.path, DAMAGED, sheet.name, reason=str(exc) or type(exc).__name__) from None
    area = cells.last_row * (cells.last_column + 1)
    if area > LIMITS.cells:
        raise refusal(
            package.path,
            TOO_MANY_CELLS,
            sheet.name,
            rows=cells.last_row,
            columns=cells.last_column + 1,
            limit=LIMITS.cells,
        )
    return cells


def _calamine_sheet(
    book: python_calamine.CalamineWorkbook, index: int, name: str
) -> tuple[list[list[Cell]], list[tuple[tuple[int, int], tuple[int, int]]] | None]:
    """The sheet's rows from A1 (so that row numbers are the user's) and its merged ranges."""
    names = book.sheet_names
    sheet = book.get_sheet_by_index(index) if index < len(names) and names[index] == name else None
    sheet = sheet or book.get_sheet_by_name(name)
    return sheet.to_python(skip_empty_area=False), sheet.merged_cell_ranges


def _raw_table(
    package: Package,
    book: python_calamine.CalamineWorkbook,
    index: int,
    cells: SheetCells,
    table: Table | None,
    duplicates: tuple[str, ...] | list[str] = (),
) -> RawTable:
    """One sheet as read, with the problems of its cells (errors, uncalculated formulas, merged cells, hidden
    times) as issues. `cells` is what its XML says of them (`_scan`), read before calamine so that damage is
    told in iectox's words."""
    name = package.sheets[index].name
    try:
        rows, merged = _calamine_sheet(book, index, name)
    except _DAMAGE as exc:
        raise refusal(package.path, DAMAGED, name, reason=str(exc) or type(exc).__name__) from None
    except BaseException as exc:  # a Rust panic in python-calamine is no Exception: only that one is told
        if type(exc).__name__ != "PanicException":
            raise
        raise _unreadable_cells(package, index, str(exc)) from None
    sheet = _Sheet(rows, cells, table)
    sheet.correct()
    findings = SheetFindings(
        package.path.name,
        name,
        table.name if table else name,
        errors=tuple(sheet.finding(r, c, v) for r, c, v in cells.errors),
        uncalculated=tuple(sheet.finding(r, c, f"={v}") for r, c, v in cells.uncalculated),
        merged=tuple(sheet.merged(merged)),
        hidden_times=tuple(sheet.hidden_times()),
        duplicates=tuple(duplicates),
    )
    return RawTable(package.path.name, name, sheet.frame(), tuple(sheet_issues(findings)), findings.unread())


def _unreadable_cells(package: Package, index: int, reason: str) -> SourceError:
    """Why python-calamine could not read the sheet: a date cell no date is (named), else its own words."""
    sheet = package.sheets[index]
    with package.zip.open(package.part(sheet)) as stream:
        cells = impossible_dates(stream, package.date_styles)
    if cells:
        cell, value = cells[0]
        return refusal(package.path, IMPOSSIBLE_DATE, sheet.name, cell=cell, value=value, count=len(cells))
    return refusal(package.path, DAMAGED, sheet.name, reason=reason)


def _read(package: Package, path: Path) -> tuple[dict[str, RawTable], list[str]]:
    chosen, duplicates, extra = _choose(package.sheets)
    cells = {table: _scan(package, package.sheets[index]) for table, index in chosen.items()}
    read_part(package.zip, path, "[Content_Types].xml")  # missing: our sentence rather than calamine's
    with _calamine(path) as book:
        raw = {
            table: _raw_table(
                package, book, index, cells[table], CONTRACT.table(table), duplicates.get(table, ())
            )
            for table, index in chosen.items()
        }
    return raw, extra


@contextlib.contextmanager
def _calamine(path: Path) -> Iterator[python_calamine.CalamineWorkbook]:
    """python-calamine's workbook; any failure of it is a `SourceError` (it may meet damage the checks did not)."""
    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
    except _DAMAGE as exc:
        raise refusal(path, DAMAGED, reason=str(exc) or type(exc).__name__) from None
    try:
        yield book
    finally:
        book.close()


def read_sheet(path: Path, sheet: str | None = None) -> RawTable:
    """One sheet of any workbook (the first when `sheet` is None), read as the dataset's tables are: a
    mapping's source gets the same checks of formulas, error values and merged cells."""
    package = open_package(path)
    try:
        names = [s.name for s in package.sheets]
        if sheet is not None and sheet not in names:
            raise refusal(path, NO_SUCH_SHEET, name=sheet, sheets=", ".join(names))
        index = names.index(sheet) if sheet is not None else 0
        cells = _scan(package, package.sheets[index])
        read_part(package.zip, path, "[Content_Types].xml")
        with _calamine(path) as book:
            return _raw_table(package, book, index, cells, None)
    finally:
        package.close()


def read_workbook(path: Path) -> tuple[dict[str, RawTable], list[str]]:
    """The tables found in the workbook, and the names of the other sheets (reported, not read)."""
    package = open_package(path)
    try:
        return _read(package, path)
    finally:
        package.close()
