"""Cutting CSV text into rows and cells, without dropping or shifting a value.

The separator is the one the file declares on an Excel `sep=;` first line (certain), else the one its header
uses most (comma, semicolon, or tab as in Excel's "Unicode text"). The text is split by pandas' C parser
reading the bytes, as fast as a bare `pandas.read_csv`, or by Arrow's CSV reader, five times faster, when the
file is plain (no quote, no NUL byte, no blank line, every row as wide as the header): Arrow's cells are then
the same, and may be kept in Arrow (`split(..., in_arrow=True)`) for validation to type them in place. Only
a file pandas' parser refuses (a row with more values than the header, a quote that never closes) is split
again, line by line, by Python's `csv` module, to say which rows are wrong and keep every other one.
Rows are numbered as a spreadsheet shows them: the header is row 1 (a `sep=` line is not a row: Excel hides
it).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv

from iectox.errors import Issue
from iectox.validate.text_files import too_many_values, unclosed_quote

SEPARATORS = (",", ";", "\t")
MAX_COLUMNS = 16_384
"""A spreadsheet's width (Excel: 16,384 columns, XFD). A dataset's table has a few dozen columns; a wider file
comes from no spreadsheet, and pandas' cost grows with each column, so it is refused before it is parsed."""
# The file is read by Arrow as one block where it can be: each column is then one piece of memory, which the
# validation reads in place (a column in pieces is copied whole to be joined); Arrow's blocks are at most 2 GB.
MIN_BLOCK, MAX_BLOCK = 2**20, 2**31 - 1
# READ_POOL: Arrow's reader grows each column's buffers as it reads; the C library's allocator grows a large
# block in place (mremap), where pyarrow's default (mimalloc) moves it, touching new memory: reading a million
# infusions took 8 s of system time that way against 1 s (Linux, 377 MB of CSV).
_SEP_LINE = re.compile(rb'^"?sep=(.)"?', re.IGNORECASE)


@dataclass(frozen=True)
class Split:
    """The header's cells, the rows below it (index = row number, header = 1) and the problems found."""

    header: list[str]
    frame: pd.DataFrame
    issues: list[Issue]


def _first_line(data: bytes, start: int = 0) -> bytes:
    end = len(data)
    for ending in (b"\n", b"\r"):
        found = data.find(ending, start, end)
        if found != -1:
            end = found
    return data[start:end]


def separator(data: bytes) -> tuple[str, int]:
    """The separator, and how many lines before the header hold it (1 for a `sep=;` line, else 0)."""
    first = _first_line(data)
    declared = _SEP_LINE.match(first)
    if declared is not None:
        sep = declared.group(1)
        rest = first[declared.end() :]
        if sep.isascii() and sep not in b'\r\n"' and not rest.replace(sep, b"").strip():
            return sep.decode("latin-1"), 1
    counts = {sep: first.count(sep.encode()) for sep in SEPARATORS}
    return max(SEPARATORS, key=lambda sep: counts[sep]) if any(counts.values()) else ",", 0


def header_width(data: bytes, sep: str, skip: int) -> int:
    """The number of cells in the header line (after `skip` lines), counted without parsing the file."""
    start = 0
    for _ in range(skip):
        start += len(_first_line(data, start))
        start += 2 if data[start : start + 2] == b"\r\n" else 1
    line = _first_line(data, start)
    if line.count(sep.encode()) < MAX_COLUMNS:
        return line.count(sep.encode()) + 1
    return len(next(csv.reader([line.decode("utf-8")], delimiter=sep)))


def split(file: str, data: bytes, sep: str, skip: int, in_arrow: bool = False) -> Split:
    """The rows of the UTF-8 CSV text `data`, and the problems of the rows that could not be cut
    (`too_many_values`, `unclosed_quote`): the dataset is then not loaded; every other row is kept as it is.

    `in_arrow`: a plain file's cells are kept in Arrow (pandas "string[pyarrow]" columns, blank cells NA)
    rather than made Python strings, so that the columns typed as numbers and dates never make one
    (`iectox.validate.columnar` reads them in place); other files' cells are objects, NaN where empty."""
    if not data or data.isspace():  # isspace stops at the first other byte; strip would copy the file
        return Split([], pd.DataFrame(), [])
    table = regular(data, sep, skip)
    if table is not None:
        return _cut(arrow_frame(table) if in_arrow else objects_frame(table))
    try:
        cells = parsed(data, sep, skip)
    except pd.errors.EmptyDataError:
        return Split([], pd.DataFrame(), [])
    except pd.errors.ParserError:
        return _careful(file, data, sep, skip)
    return _cut(cells)


def parsed(data: bytes, sep: str, skip: int) -> pd.DataFrame:
    """Every cell as pandas' C parser reads it: text, NaN where empty, blank lines kept as rows of NaN."""
    return pd.read_csv(
        io.BytesIO(data),
        sep=sep,
        header=None,
        dtype=str,
        keep_default_na=False,
        na_values=[""],
        skip_blank_lines=False,
        skiprows=skip,
        encoding="utf-8",
        engine="c",
    )


def _cut(cells: pd.DataFrame) -> Split:
    header = ["" if pd.isna(cell) else str(cell) for cell in cells.iloc[0]] if len(cells) else []
    rows = cells.iloc[1:]
    rows.index = rows.index + 1
    return Split(header, rows, [])


def regular(data: bytes, sep: str, skip: int) -> pa.Table | None:
    """The cells as pandas' parser reads them (text, null where empty), read by Arrow; None for a file Arrow
    might read otherwise or not at all, left to pandas: a quote (where one opens a value and where it never
    closes, the two parsers differ), a NUL byte (pandas ends the cell there), a blank line (a row of blanks
    for pandas, keeping the row numbers), a row narrower or wider than the header, bytes that are not UTF-8."""
    width = header_width(data, sep, skip)
    if width < 2 or b'"' in data or b"\0" in data:  # one column: a blank line is a row to Arrow too
        return None
    try:
        table = pa_csv.read_csv(
            io.BytesIO(data),
            read_options=pa_csv.ReadOptions(
                use_threads=False,
                skip_rows=skip,
                autogenerate_column_names=True,
                block_size=min(max(len(data) + 1, MIN_BLOCK), MAX_BLOCK),
            ),
            parse_options=pa_csv.ParseOptions(delimiter=sep, quote_char=False, ignore_empty_lines=False),
            convert_options=pa_csv.ConvertOptions(
                column_types={f"f{i}": pa.large_string() for i in range(width)},  # the header is a row
                strings_can_be_null=True,
                null_values=[""],
            ),
            memory_pool=pa.system_memory_pool(),  # see `READ_POOL`
        )
    except (pa.ArrowInvalid, ValueError):
        return None
    return table


def objects_frame(table: pa.Table) -> pd.DataFrame:
    """The cells of `table` as pandas' parser gives them: Python strings, NaN where empty."""
    columns = {}
    for position, column in enumerate(table.columns):
        cells = column.to_numpy()
        cells[column.is_null().to_numpy(zero_copy_only=False)] = np.nan
        columns[position] = cells
    return pd.DataFrame(columns, columns=pd.RangeIndex(table.num_columns), copy=False)


def arrow_frame(table: pa.Table) -> pd.DataFrame:
    """The cells of `table` left in Arrow, as pandas "string[pyarrow]" columns (NA where empty)."""
    columns = {position: pd.arrays.ArrowStringArray(column) for position, column in enumerate(table.columns)}
    return pd.DataFrame(columns, columns=pd.RangeIndex(table.num_columns), copy=False)


def _careful(file: str, data: bytes, sep: str, skip: int) -> Split:
    """Line by line with Python's `csv`, for a file the fast parser refused: a row with values beyond the
    header's columns, or a quote that never closes, is reported, and kept up to the header's last column (its
    other cells are then checked as usual). Empty cells that end every row (a trailing separator) are not
    values and are left out."""
    lines = io.StringIO(data.decode("utf-8"), newline="").readlines()[skip:]
    limit = csv.field_size_limit(max(len(data), csv.field_size_limit()))  # a cell may be the whole file
    try:
        reader = csv.reader(lines, delimiter=sep)
        header = next(reader, [])
        read = [(reader.line_num, header)]  # (lines read up to the end of the row, its cells)
        read += [(reader.line_num, fields) for fields in reader]
        unclosed = len(read) > 1 and _unclosed(lines[read[-2][0] :], sep)
    finally:
        csv.field_size_limit(limit)
    width, issues = len(header), []
    if unclosed:
        cell = read[-1][1][-1]
        column = header[len(read[-1][1]) - 1] if len(read[-1][1]) <= width else None
        first_line = cell.splitlines()[0] if cell else cell
        issues += unclosed_quote(file, len(read), column, first_line)
        read[-1] = (read[-1][0], [*read[-1][1][:-1], first_line])
    lengths = [len(fields) for _, fields in read[1:] if fields]
    trailing = max(0, min(lengths, default=width) - width)  # empty cells every row ends with (a trailing ",")
    records, numbers = [], []
    for number, (_, fields) in enumerate(read[1:], start=2):
        if len(fields) > width:
            extra = fields[width:]
            if len(extra) > trailing or any(value.strip() for value in extra):
                issues += too_many_values(file, number, width, extra)
            fields = fields[:width]
        records.append([value if value else np.nan for value in fields] + [np.nan] * (width - len(fields)))
        numbers.append(number)
    frame = pd.DataFrame(records, index=pd.Index(numbers, dtype="int64"), columns=range(width), dtype=object)
    return Split(header, frame, sorted(issues, key=lambda issue: issue.row or 0))


def _unclosed(lines: list[str], sep: str) -> bool:
    """Whether the row made of `lines` (the file's last) ends inside a quote: it then ran to the end of the file."""
    try:
        list(csv.reader(lines, delimiter=sep, strict=True))
    except csv.Error as error:
        return "unexpected end of data" in str(error)
    return False
