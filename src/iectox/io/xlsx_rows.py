"""Long sheets of an openpyxl workbook, their rows written as XML directly: the report's analysis table.

openpyxl makes a cell object, an XML element and a style lookup for every cell, about 8 microseconds each:
the 10 million cells of the analysis sheet of 300,000 infusions took 85 s and most of the report's 4 GB. So
openpyxl lays out the workbook as before, styles, merged headers and comments of the small sheets included,
with each long sheet holding only its styled header row (its widths, frozen panes and filter set by the
caller); the rows below are formatted a column at a time and written by the dataset workbook's writer
(`iectox.io.xlsx_package.sheet_rows`) into that sheet's part as the package is copied to its file.

- Numbers are numbers, written exactly (`xlsx_write.number_texts`); yes/no columns are Excel's TRUE and
  FALSE; dates are serial numbers with a date format (`Rows.formats`, `yyyy-mm-dd` by default); text goes to
  the shared strings (which openpyxl, writing its own text inline, leaves to this module), each distinct
  text escaped and checked once (`xlsx_text.SharedStrings`), formula-like text with Excel's quote prefix.
- The styles the rows need (a number format, the quote prefix) are added to openpyxl's own before it
  writes them, and each cell names its style by openpyxl's number for it.
- What a sheet cannot hold is refused before anything is written (`OutputRefused`): more rows than a sheet
  has, an infinite number, a text longer than a cell holds, U+FFFE or U+FFFF.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

from iectox.errors import OutputRefused
from iectox.io.xlsx_package import (
    COMPRESSLEVEL,
    RELATIONSHIPS,
    SPREADSHEET,
    Cells,
    SheetPart,
    Style,
    decimals,
    shared_strings,
    sheet_rows,
    write_part,
)
from iectox.io.xlsx_text import NONCHARACTERS, SharedStrings, Texts
from iectox.io.xlsx_write import (
    INFINITE,
    MAX_ROWS,
    MAX_TEXT,
    NOT_CHARACTERS,
    TEXT_TOO_LONG,
    TOO_MANY_ROWS,
    number_texts,
    serials,
)

DATE_FORMAT = "yyyy-mm-dd"
STRINGS_PART = "xl/sharedStrings.xml"
_WHOLE_LIMIT = 2.0**53  # above it, an integer is written with all its digits rather than as a float


@dataclass(frozen=True)
class Rows:
    """The rows below a sheet's header row: a frame's values, and the number format of the columns that need
    one (`yyyy-mm-dd` for a date column not named)."""

    frame: pd.DataFrame
    formats: Mapping[str, str] = field(default_factory=dict)


@dataclass
class _Column:
    """A column once checked: its kind (text, yes/no, date, number), its values as the writer needs them,
    and the `s` attributes of its cells (plain, and quoted for formula-like text)."""

    kind: str
    values: pd.Series
    plain: str
    quoted: str = ""
    codes: np.ndarray | None = None  # text: each cell's position among the column's distinct texts
    offset: int = 0  # text: where those distinct texts begin among the shared strings


def _kind(values: pd.Series) -> tuple[str, pd.Series]:
    """What a column holds, and its values in a dtype that says it; a column of Python objects is judged by
    its values (text when they are not all of one other kind, as the CSV writes them)."""
    if isinstance(values.dtype, pd.CategoricalDtype) or values.dtype == object:
        inferred = pd.api.types.infer_dtype(values, skipna=True)
        values = values.astype(object)
        if inferred == "boolean":
            return "boolean", values.astype("boolean")
        if inferred in ("integer", "floating", "mixed-integer-float", "decimal"):
            return "number", values.astype("Float64")
        if inferred in ("datetime", "datetime64", "date"):
            return "date", pd.to_datetime(values)
        return "text", values.where(values.isna(), values.map(str))
    if pd.api.types.is_bool_dtype(values):
        return "boolean", values
    if pd.api.types.is_datetime64_any_dtype(values):
        return "date", values.dt.tz_localize(None) if getattr(values.dt, "tz", None) else values
    if pd.api.types.is_numeric_dtype(values):
        return "number", values
    return "text", values.astype(object)


def _attribute(sheet: Worksheet, number_format: str | None = None, quoted: bool = False) -> str:
    """The `s` attribute of a cell with this number format or quote prefix: openpyxl's number for the style,
    added to its styles (a cell made for the purpose and never put in the sheet)."""
    cell = Cell(sheet)
    if number_format is not None:
        cell.number_format = number_format
    cell.quotePrefix = quoted
    style = cell.style_id
    return f' s="{style}"' if style else ""


def _refusal(path: Path, sheet: str, column: str, position: int, template: str, **values) -> OutputRefused:
    """The refusal of a cell the sheet cannot hold, at its row as the sheet numbers it (header = 1)."""
    return OutputRefused(str(path), template, table=sheet, row=position + 2, column=column, **values)


class _Sheet:
    """A long sheet: its columns checked, their texts added to the shared strings."""

    def __init__(self, sheet: Worksheet, rows: Rows, strings: SharedStrings, path: Path):
        frame = rows.frame
        if len(frame) + 1 > MAX_ROWS:
            raise OutputRefused(
                str(path), TOO_MANY_ROWS, table=sheet.title, rows=len(frame), limit=MAX_ROWS - 1
            )
        self.sheet, self.rows = sheet, len(frame)
        self.columns: list[_Column] = []
        for name in frame.columns:
            kind, values = _kind(frame[name])
            fmt = rows.formats.get(str(name), DATE_FORMAT if kind == "date" else None)
            column = _Column(kind, values, _attribute(sheet, fmt))
            if kind == "text":
                self._text(column, strings, path, str(name))
            elif kind == "number":
                self._finite(column, path, str(name))
            self.columns.append(column)
        self.references = sum(int((c.codes >= 0).sum()) for c in self.columns if c.codes is not None)

    def _text(self, column: _Column, strings: SharedStrings, path: Path, name: str) -> None:
        """A text column's distinct texts, checked and added to the shared strings; an empty text is a blank
        cell, as openpyxl wrote it."""
        codes, uniques = pd.factorize(column.values.to_numpy(dtype=object, na_value=None))
        codes[np.isin(codes, np.flatnonzero(uniques == ""))] = -1
        texts = Texts(uniques.tolist())
        for flagged, template in (
            (np.flatnonzero(texts.lengths > MAX_TEXT), TEXT_TOO_LONG),
            (texts.holding(NONCHARACTERS), NOT_CHARACTERS),
        ):
            if len(flagged):
                position = int(np.flatnonzero(np.isin(codes, flagged))[0])
                more = {"length": int(texts.lengths[codes[position]]), "limit": MAX_TEXT}
                extra = more if template is TEXT_TOO_LONG else {}
                raise _refusal(path, self.sheet.title, name, position, template, **extra)
        column.codes, column.offset = codes, strings.add(uniques)
        column.quoted = _attribute(self.sheet, None, quoted=True)

    def _finite(self, column: _Column, path: Path, name: str) -> None:
        numbers = column.values.to_numpy(dtype="float64", na_value=np.nan)
        infinite = np.flatnonzero(np.isinf(numbers))
        if len(infinite):
            value = str(numbers[infinite[0]])
            raise _refusal(path, self.sheet.title, name, int(infinite[0]), INFINITE, value=value)

    def part(self, index: np.ndarray, quoted: np.ndarray, numbers: np.ndarray) -> SheetPart:
        """The sheet's rows as the package writer takes them, a column formatted at a time (`index`: each
        added text's entry among the shared strings, `quoted`: which entries need the quote prefix,
        `numbers`: decimal texts, as many as entries and rows)."""
        return SheetPart(
            self.sheet.title, (), (), [_cells(c, index, quoted, numbers) for c in self.columns], self.rows
        )


def _cells(column: _Column, index: np.ndarray, quoted: np.ndarray, numbers: np.ndarray) -> Cells:
    """A column's cells: every `Style` of the writer stands for the column's one style but `QUOTED`."""
    attributes = tuple(column.quoted if style is Style.QUOTED else column.plain for style in Style)
    values = column.values
    if column.kind == "text":
        assert column.codes is not None
        present = column.codes >= 0
        entry = index[column.offset + column.codes]
        marked = quoted[entry] & present
        styles = np.where(marked, Style.QUOTED, Style.PLAIN).astype(np.int8) if marked.any() else None
        return Cells(
            numbers[entry], None if present.all() else present, styles, text=True, attributes=attributes
        )
    if column.kind == "boolean":
        flags = values.to_numpy(dtype=bool, na_value=False)
        present = values.notna().to_numpy(dtype=bool)
        return Cells(np.where(flags, "1", "0"), present, boolean=True, attributes=attributes)
    if column.kind == "date":
        texts, present = number_texts(serials(values))
        return Cells(texts, present, attributes=attributes)
    floats = values.to_numpy(dtype="float64", na_value=np.nan)
    texts, present = number_texts(floats)
    if pd.api.types.is_integer_dtype(values.dtype):  # an integer beyond a float's exact ones keeps its digits
        exact = values.notna().to_numpy(dtype=bool) & (np.abs(np.nan_to_num(floats)) >= _WHOLE_LIMIT)
        texts[exact] = [str(v) for v in values[exact].tolist()]
    return Cells(texts, present, attributes=attributes)


def _with_strings(content_types: str, relationships: str) -> tuple[str, str]:
    """openpyxl's content types and workbook relationships, naming the shared-string part too."""
    override = f'<Override PartName="/{STRINGS_PART}" ContentType="{SPREADSHEET}.sharedStrings+xml"/>'
    taken = [int(n) for n in re.findall(r'Id="rId(\d+)"', relationships)]
    relationship = (
        f'<Relationship Type="{RELATIONSHIPS}/sharedStrings" Target="sharedStrings.xml" '
        f'Id="rId{max(taken, default=0) + 1}"/>'
    )
    return (
        content_types.replace("</Types>", override + "</Types>"),
        relationships.replace("</Relationships>", relationship + "</Relationships>"),
    )


def _sheet_xml(header: str, part: SheetPart, numbers: np.ndarray) -> Iterator[str]:
    """openpyxl's XML of a sheet holding its header row, with the rows after it and its dimension widened."""
    head, tail = header.split("</sheetData>")
    last = re.search(r'<dimension ref="[A-Z]+1:([A-Z]+)1"/>', head)
    if last is not None:
        head = head.replace(last.group(0), f'<dimension ref="A1:{last.group(1)}{part.rows + 1}"/>')
    return chain([head], sheet_rows(part, numbers), ["</sheetData>" + tail])


class LongSheets:
    """The sheets of `book` named in `rows`, checked (`OutputRefused` names `path` and the first cell a sheet
    cannot hold), then written with the rest of `book` (`write`). Each holds its header row in `book`, and
    its rows in the frame. The caller makes `book`'s own text safe (`iectox.io.sheets.save_workbook`)."""

    def __init__(self, book: Workbook, rows: Mapping[str, Rows], path: Path):
        self.book = book
        self.strings = SharedStrings()
        self.sheets = []
        for title, given in rows.items():
            sheet = book[title]
            if sheet.max_row > 1:
                raise ValueError(
                    f"sheet {title!r} holds more than its header row: its rows are given by `rows`"
                )
            self.sheets.append(_Sheet(sheet, given, self.strings, path))

    def write(self, path: Path) -> None:
        """The workbook at `path`, a new file (the caller makes the write atomic)."""
        index, entries, quoted = self.strings.finish()
        numbers = decimals(max([len(entries), *(s.rows + 2 for s in self.sheets)]))
        buffer = io.BytesIO()
        self.book.save(buffer)
        long_parts = {s.sheet.path.lstrip("/"): s for s in self.sheets}
        with (
            zipfile.ZipFile(buffer) as made,
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=COMPRESSLEVEL) as package,
        ):
            names = made.namelist()
            if STRINGS_PART in names:
                raise ValueError("openpyxl wrote shared strings: this openpyxl writes text inline (3.1 does)")
            content_types, relationships = _with_strings(
                made.read("[Content_Types].xml").decode("utf-8"),
                made.read("xl/_rels/workbook.xml.rels").decode("utf-8"),
            )
            for name in names:
                if name in long_parts:
                    part = long_parts[name].part(index, quoted, numbers)
                    write_part(package, name, _sheet_xml(made.read(name).decode("utf-8"), part, numbers))
                elif name == "[Content_Types].xml":
                    package.writestr(name, content_types)
                elif name == "xl/_rels/workbook.xml.rels":
                    package.writestr(name, relationships)
                else:
                    package.writestr(name, made.read(name))
            references = sum(s.references for s in self.sheets)
            write_part(package, STRINGS_PART, shared_strings(entries, references))


__all__ = ["DATE_FORMAT", "LongSheets", "Rows"]
