"""The dataset workbook's package, written as XML directly: a few fixed parts, the shared strings, the sheets.

openpyxl spent about 7 microseconds on each cell (a cell object, an XML element, a style lookup), 90 seconds
for the 13 million cells of 300,000 infusions. Here each sheet is written as text, a block of rows at a time:
a row is one `%` template filled with the already formatted values of its cells, so that Python's C code does
the work of each cell (`iectox.io.xlsx_write` formats a column's values at once).

The XML is the plain SpreadsheetML that Excel, LibreOffice and openpyxl write and every reader expects: each
cell with its reference `r` first, then its style `s` (what `iectox.io.sheetxml` scans fast), text in the
shared-string table (`t="s"`: a category column's few values stored once, each cell a number), numbers and
date serials in `<v>`. Styles are fixed (`Style`): dates, date-times with minutes or seconds, the bold header
of a required column, and text with Excel's quote prefix (formula-like text that stays text).
"""

from __future__ import annotations

import zipfile
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from enum import IntEnum
from itertools import chain, repeat
from pathlib import Path

import numpy as np

from iectox.io.sheetxml import column_letter

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
SPREADSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml"
ROWS_PER_BLOCK = 32_768  # rows formatted, encoded and compressed at a time: a few MB of XML
# Deflate's level: at 300,000 infusions, 1 gives 80 MB, 4 gives 67 MB for the same time (its deflating, in its
# own thread, still takes less than the formatting), 5 adds a second and a half for 65 MB, 6 four seconds.
COMPRESSLEVEL = 4


class Style(IntEnum):
    """A cell's style: its index in styles.xml's cellXfs."""

    PLAIN = 0
    HEADER = 1  # a required column's name, in bold
    DATE = 2  # yyyy-mm-dd
    MINUTE = 3  # yyyy-mm-dd hh:mm
    SECOND = 4  # yyyy-mm-dd hh:mm:ss
    QUOTED = 5  # text with Excel's quote prefix: shown and read as typed, never evaluated


STYLES = (
    f'{DECLARATION}<styleSheet xmlns="{MAIN}">'
    '<numFmts count="3"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm"/>'
    '<numFmt numFmtId="166" formatCode="yyyy-mm-dd hh:mm:ss"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b val="1"/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/>'
    "</fill></fills>"
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="6"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
STYLE_ATTRIBUTE = ["" if style is Style.PLAIN else f' s="{style.value}"' for style in Style]


@dataclass
class Cells:
    """One column's cells, formatted: the text of each value (a number, or the index of a shared string),
    which cells hold a value (None: all), and each cell's style (None: all `style`). `attributes` give each
    style its `s` attribute: the styles of this module's package, or those of another package (openpyxl's
    numbers its styles itself) or of a column with its own number format."""

    values: np.ndarray  # of str
    present: np.ndarray | None = None  # of bool
    styles: np.ndarray | None = None  # of Style values
    style: Style = Style.PLAIN
    text: bool = False  # a shared string (t="s") rather than a number
    boolean: bool = False  # Excel's TRUE or FALSE (t="b", values 1 and 0)
    attributes: Sequence[str] = tuple(STYLE_ATTRIBUTE)


@dataclass
class SheetPart:
    """What one sheet holds: its table's name, its column widths, its header's shared strings and styles,
    and its columns."""

    name: str
    widths: Sequence[int]
    header: Sequence[tuple[int, Style]]
    columns: Sequence[Cells]
    rows: int


def decimals(count: int) -> np.ndarray:
    """ "0", "1", ... as an array of `count` strings: row numbers and shared-string indices, made once."""
    return np.array([str(n) for n in range(count)], dtype=object)


def _piece(letter: str, cells: Cells, start: int, stop: int, rows: list[str]) -> tuple[str, list[list[str]]]:
    """A column's part of the row template for rows start..stop, and the values that fill it: one template
    for the whole block when its cells are alike (all filled, one style), else each cell written out ("" for
    a blank one). `rows` are the block's row numbers."""
    values = cells.values[start:stop].tolist()
    present = None if cells.present is None else cells.present[start:stop]
    styles = None if cells.styles is None else cells.styles[start:stop]
    kind = ' t="s"' if cells.text else ' t="b"' if cells.boolean else ""
    style = cells.style
    if styles is not None and len(styles) and (styles == styles[0]).all():
        style, styles = Style(int(styles[0])), None
    if (present is None or present.all()) and styles is None:
        return f'<c r="{letter}%s"{cells.attributes[style]}{kind}><v>%s</v></c>', [rows, values]
    heads = [f'"{attribute}{kind}><v>' for attribute in cells.attributes]
    head = repeat(heads[style]) if styles is None else map(heads.__getitem__, styles.tolist())
    filled = repeat(True) if present is None else present.tolist()
    written = [
        f'<c r="{letter}{row}{h}{value}</v></c>' if p else ""
        for row, h, value, p in zip(rows, head, values, filled, strict=False)
    ]
    return "%s", [written]


def sheet_rows(sheet: SheetPart, numbers: np.ndarray) -> Iterator[str]:
    """The sheet's data rows (from row 2) as XML, `ROWS_PER_BLOCK` rows at a time: each row one `%` template,
    filled; `numbers` are row numbers as text (`decimals`), at least `sheet.rows + 2` of them."""
    letters = [column_letter(i) for i in range(len(sheet.columns))]
    for start in range(0, sheet.rows, ROWS_PER_BLOCK):
        stop = min(start + ROWS_PER_BLOCK, sheet.rows)
        rows = numbers[start + 2 : stop + 2].tolist()
        template, arguments = '<row r="%s">', [rows]
        for letter, cells in zip(letters, sheet.columns, strict=True):
            piece, values = _piece(letter, cells, start, stop, rows)
            template += piece
            arguments += values
        yield "".join(map((template + "</row>").__mod__, zip(*arguments, strict=True)))


def _sheet_head(sheet: SheetPart) -> str:
    last = f"{column_letter(len(sheet.columns) - 1)}{sheet.rows + 1}"
    cols = "".join(
        f'<col min="{i}" max="{i}" width="{width}" customWidth="1"/>'
        for i, width in enumerate(sheet.widths, 1)
    )
    header = "".join(
        f'<c r="{column_letter(i)}1"{STYLE_ATTRIBUTE[style]} t="s"><v>{index}</v></c>'
        for i, (index, style) in enumerate(sheet.header)
    )
    return (
        f'{DECLARATION}<worksheet xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}">'
        f'<dimension ref="A1:{last}"/><sheetViews><sheetView workbookViewId="0"/></sheetViews>'
        f'<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols><sheetData><row r="1">{header}</row>'
    )


SHEET_TAIL = (
    '</sheetData><pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/>'
    "</worksheet>"
)


def _content_types(sheets: int) -> str:
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{SPREADSHEET}.worksheet+xml"/>'
        for n in range(1, sheets + 1)
    )
    return (
        f'{DECLARATION}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{SPREADSHEET}.sheet.main+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{SPREADSHEET}.styles+xml"/>'
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SPREADSHEET}.sharedStrings+xml"/>'
        f"{overrides}</Types>"
    )


def _package_relationships() -> str:
    return (
        f'{DECLARATION}<Relationships xmlns="{PACKAGE_RELATIONSHIPS}">'
        f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    )


def _workbook(names: Sequence[str]) -> str:
    sheets = "".join(
        f'<sheet name="{name}" sheetId="{n}" r:id="rId{n}"/>' for n, name in enumerate(names, start=1)
    )
    return (
        f'{DECLARATION}<workbook xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}">'
        f'<bookViews><workbookView activeTab="0"/></bookViews><sheets>{sheets}</sheets>'
        '<calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>'
    )


def _workbook_relationships(sheets: int) -> str:
    worksheets = "".join(
        f'<Relationship Id="rId{n}" Type="{RELATIONSHIPS}/worksheet" Target="worksheets/sheet{n}.xml"/>'
        for n in range(1, sheets + 1)
    )
    return (
        f'{DECLARATION}<Relationships xmlns="{PACKAGE_RELATIONSHIPS}">{worksheets}'
        f'<Relationship Id="rId{sheets + 1}" Type="{RELATIONSHIPS}/styles" Target="styles.xml"/>'
        f'<Relationship Id="rId{sheets + 2}" Type="{RELATIONSHIPS}/sharedStrings" Target="sharedStrings.xml"/>'
        "</Relationships>"
    )


def shared_strings(strings: Sequence[str], references: int) -> Iterator[str]:
    """The shared-string table: `strings` are XML-escaped already, `references` counts the cells using them."""
    yield f'{DECLARATION}<sst xmlns="{MAIN}" count="{references}" uniqueCount="{len(strings)}">'
    for start in range(0, len(strings), ROWS_PER_BLOCK * 4):
        yield "".join(strings[start : start + ROWS_PER_BLOCK * 4])
    yield "</sst>"


def write_part(package: zipfile.ZipFile, name: str, texts: Iterable[str]) -> None:
    """A part of the package, its text compressed by another thread (zlib lets go of the interpreter while it
    works) while this one formats the next block."""
    with package.open(name, "w", force_zip64=True) as part, ThreadPoolExecutor(1) as deflater:
        pending: deque[Future[int]] = deque()
        for text in texts:
            pending.append(deflater.submit(part.write, text.encode("utf-8")))
            if len(pending) > 1:
                pending.popleft().result()
        for written in pending:
            written.result()


def write_package(
    path: Path, names: Sequence[str], sheets: Iterable[SheetPart], strings: Sequence[str], references: int
) -> None:
    """The workbook at `path` (a new file: the caller makes the write atomic): the sheets `names`, given one at
    a time by `sheets`, and the shared strings (`references`: how many cells refer to them)."""
    numbers = decimals(0)  # row numbers as text, made once for the longest sheet so far
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=COMPRESSLEVEL) as package:
        write_part(package, "[Content_Types].xml", [_content_types(len(names))])
        write_part(package, "_rels/.rels", [_package_relationships()])
        write_part(package, "xl/workbook.xml", [_workbook(names)])
        write_part(package, "xl/_rels/workbook.xml.rels", [_workbook_relationships(len(names))])
        write_part(package, "xl/styles.xml", [STYLES])
        for n, sheet in enumerate(sheets, start=1):
            if len(numbers) < sheet.rows + 2:
                numbers = decimals(sheet.rows + 2)
            rows = chain([_sheet_head(sheet)], sheet_rows(sheet, numbers), [SHEET_TAIL])
            write_part(package, f"xl/worksheets/sheet{n}.xml", rows)
        write_part(package, "xl/sharedStrings.xml", shared_strings(strings, references))
