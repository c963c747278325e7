"""One pass over a sheet's XML for what python-calamine's values do not say.

python-calamine gives an Excel error (`#N/A`) and a formula that was never calculated as an empty string, and
a date-and-time at midnight as a date whatever the cell shows. So each table's sheet XML is scanned once,
streamed in pieces that end at a row's end, for:

- error cells (`t="e"`) and their error value;
- formula cells without a calculated value (no `<v>`, or an empty one that is not a text result; or any
  cached value when the workbook asks to be recalculated on opening, as files from tools that cannot
  calculate do: their cached values are placeholders);
- date-formatted cells that python-calamine reads otherwise than they show (a midnight shown with its time
  comes back as a date; a time under a date-only format as a date and time), with whether they show the time;
- the last row and column used, to refuse a sheet whose used area python-calamine could not allocate.

The scan is a few byte-level regular expressions, run in C over the XML as Excel, LibreOffice, openpyxl and
the Open XML SDK write it (each cell's reference `r` as its first attribute, then its style `s`, with or
without a namespace prefix; every cell is checked for its reference, and the first 16 MB for the order of
the style, which is the writer's). A sheet laid out otherwise (a cell without its reference, or its style
after its type) is read with the standard streaming XML parser instead: the same answer, at a slower pace.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import IO
from xml.etree import ElementTree

CHUNK = 16 * 1024**2
_PREFIX = re.compile(rb"<(?:([A-Za-z_][\w.-]*):)?worksheet\b")
_REF = re.compile(r"([A-Z]{1,3})([0-9]{1,7})")


def column_letter(index: int) -> str:
    """0 -> "A", 27 -> "AB"."""
    letters, index = "", index + 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@cache
def column_index(letters: bytes | str) -> int:
    """ "A" -> 0, "AB" -> 27."""
    index = 0
    for letter in letters.decode() if isinstance(letters, bytes) else letters:
        index = index * 26 + ord(letter) - 64
    return index - 1


def _text(raw: bytes) -> str:
    return (
        raw.decode("utf-8", errors="replace")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", '"')
        .replace("&apos;", "'")
        .replace("&amp;", "&")
    )


@dataclass
class SheetCells:
    """What a sheet's values alone do not say. Rows are numbered from 1 (as shown), columns from 0."""

    errors: list[tuple[int, int, str]] = field(default_factory=list)  # an Excel error value: "#N/A"...
    uncalculated: list[tuple[int, int, str]] = field(default_factory=list)  # formula text, never calculated
    dated: list[tuple[int, int, bool]] = field(default_factory=list)  # misread date cells: shown with time?
    last_row: int = 0
    last_column: int = -1


_WHOLE = rb"[0-9]+"  # a day at midnight
_TIME_OF_DAY = rb"0\.[0-9]+"  # a time alone (a fraction of a day)
_FRACTION = rb"[0-9]+\.[0-9]*[1-9][0-9]*"  # a day and a time
_SHOWN_WITH_TIME = re.compile(b"(?:" + _WHOLE + b"|" + _TIME_OF_DAY + b")")
_SHOWN_WITHOUT_TIME = re.compile(_FRACTION)


def misread(shows_time: bool, value: bytes) -> bool:
    """Whether python-calamine reads this date cell otherwise than its format shows it: a midnight (or a time
    alone) under a format with the time, or a time under a date-only format. It reads the others right."""
    return bool((_SHOWN_WITH_TIME if shows_time else _SHOWN_WITHOUT_TIME).fullmatch(value))


class _Patterns:
    """The byte patterns for one namespace prefix (`x:` in files of the Open XML SDK, else none)."""

    def __init__(self, prefix: bytes, date_styles: dict[bytes, bool]):
        p = re.escape(prefix)
        ref = b"<" + p + rb'c r="([A-Z]{1,3})([0-9]{1,7})"'
        formula = b"<" + p + rb"f\b[^>]*?(?:/>|>([^<]*)</" + p + rb"f>)"
        value = b"<" + p + rb"v>([^<]*)</" + p + rb"v>"
        with_time = b"|".join(re.escape(s) for s, shows in date_styles.items() if shows) or b"(?!)"
        without_time = b"|".join(re.escape(s) for s, shows in date_styles.items() if not shows) or b"(?!)"
        cached = rb"[^>]*>(?:<" + p + rb"f\b[^>]*?(?:/>|>[^<]*</" + p + rb"f>))?<" + p + rb"v>"
        self.unreferenced = re.compile(
            b"<" + p + rb'c(?! r=")[\s/>]'
        )  # a cell not starting with its reference
        self.style_later = re.compile(b"<" + p + rb'c r="[^"]*" (?!s=)[^>]*?\ss="')  # its style not next
        self.dated = re.compile(
            ref + rb' s="(?:(' + with_time + rb')"' + cached + b"(?:" + _WHOLE + b"|" + _TIME_OF_DAY + b")<"
            rb"|(" + without_time + rb')"' + cached + _FRACTION + b"<)"
        )
        self.errors = re.compile(ref + rb'(?=[^>]*?\st="e")[^>]*>(?:' + formula + rb")?" + value)
        self.formulas = re.compile(
            ref + rb"([^>]*)>\s*" + formula + rb"\s*(?:" + value + b"|<" + p + rb"v/>)?"
        )
        self.row = re.compile(b"<" + p + rb'row\b[^>]*?\sr="([0-9]{1,7})"')
        self.wide = re.compile(b"<" + p + rb'c r="([A-Z]{2,3})[0-9]')
        self.ref_open = b"<" + prefix + b'c r="'
        self.formula_open = b"<" + prefix + b"f"
        self.row_end = b"</" + prefix + b"row>"
        self.any_dates = bool(date_styles)


def _pieces(stream: IO[bytes], first: bytes, row_end: bytes) -> Iterator[bytes]:
    """The XML in pieces that each end at the end of a row, so that no cell is cut in two."""
    rest = first
    while block := stream.read(CHUNK):
        data = rest + block
        cut = data.rfind(row_end)
        if cut < 0:
            rest = data
            continue
        cut += len(row_end)
        yield data[:cut]
        rest = data[cut:]
    if rest:
        yield rest


def _fast(stream: IO[bytes], first: bytes, date_styles: dict[bytes, bool], recalc: bool) -> SheetCells | None:
    """The facts by regular expressions, or None when a cell's layout is not the usual one (reference
    first, then the style): the streaming parser reads such a sheet."""
    match = _PREFIX.search(first)
    prefix = match.group(1) + b":" if match and match.group(1) else b""
    patterns = _Patterns(prefix, date_styles)
    found = SheetCells()
    for number, piece in enumerate(_pieces(stream, first, patterns.row_end)):
        if patterns.unreferenced.search(piece) or (number == 0 and patterns.style_later.search(piece)):
            return None  # the order of attributes is the writer's: the first piece shows it for the sheet
        if patterns.any_dates:
            found.dated += [
                (int(r), column_index(c), bool(shown)) for c, r, shown, _ in patterns.dated.findall(piece)
            ]
        if b'"e"' in piece:
            found.errors += [
                (int(r), column_index(c), _text(v)) for c, r, _, v in patterns.errors.findall(piece)
            ]
        if patterns.formula_open in piece:
            for c, r, attributes, text, value in patterns.formulas.findall(piece):
                if b't="e"' in attributes:
                    continue
                cached = value != b"" or b't="str"' in attributes
                if recalc or not cached:
                    found.uncalculated.append((int(r), column_index(c), _text(text)))
        rows = patterns.row.findall(piece, max(0, len(piece) - 65536)) or patterns.row.findall(piece)
        if rows:
            found.last_row = max(found.last_row, int(rows[-1]))
        if piece.find(patterns.ref_open) >= 0:
            wide = [column_index(c) for c in set(patterns.wide.findall(piece))]
            found.last_column = max(found.last_column, max(wide, default=25))
    return found


def _attribute(element: ElementTree.Element, name: str) -> str:
    return element.get(name) or ""


def _streamed(stream: IO[bytes], date_styles: dict[bytes, bool], recalc: bool) -> SheetCells:
    """The same facts by the standard streaming parser, for cells without their reference."""
    found = SheetCells()
    row, column = 0, -1
    for event, element in ElementTree.iterparse(stream, events=("start", "end")):
        tag = element.tag.rpartition("}")[2]
        if tag == "row":
            if event == "start":
                row, column = int(element.get("r") or row + 1), -1
            else:
                element.clear()
            continue
        if tag != "c" or event == "start":
            continue
        ref = _REF.fullmatch(_attribute(element, "r"))
        column = column_index(ref.group(1)) if ref else column + 1
        kind, style = _attribute(element, "t"), _attribute(element, "s").encode()
        formula = next((child for child in element if child.tag.endswith("}f")), None)
        value = next((child for child in element if child.tag.endswith("}v")), None)
        if kind == "e" and value is not None:
            found.errors.append((row, column, value.text or ""))
        elif formula is not None:
            cached = (value is not None and bool(value.text)) or kind == "str"
            if recalc or not cached:
                found.uncalculated.append((row, column, formula.text or ""))
        if (
            style in date_styles
            and value is not None
            and misread(date_styles[style], (value.text or "").encode())
        ):
            found.dated.append((row, column, date_styles[style]))
        found.last_row, found.last_column = max(found.last_row, row), max(found.last_column, column)
    return found


def scan(open_stream: object, date_styles: dict[bytes, bool], recalculated_on_load: bool) -> SheetCells:
    """The facts of one sheet; `open_stream()` opens its XML (called again if the fast scan gives up)."""
    with open_stream() as stream:  # type: ignore[operator]
        first = stream.read(4096)
        found = _fast(stream, first, date_styles, recalculated_on_load)
    if found is not None:
        return found
    with open_stream() as stream:  # type: ignore[operator]
        return _streamed(stream, date_styles, recalculated_on_load)


LAST_SERIAL = 2_958_465  # 9999-12-31, Excel's last date; below 0 no date either (Excel shows ########)


def impossible_dates(stream: IO[bytes], date_styles: dict[bytes, bool]) -> list[tuple[str, str]]:
    """The cells formatted as a date that hold a number no date is (their reference and value): Excel shows
    them as ########, and python-calamine cannot read their sheet at all. Read only when it has failed."""
    found = []
    for _, element in ElementTree.iterparse(stream, events=("end",)):
        if element.tag.rpartition("}")[2] != "c":
            continue
        value = next((child.text for child in element if child.tag.endswith("}v")), None)
        if (
            _attribute(element, "s").encode() in date_styles
            and _attribute(element, "t") in ("", "n")
            and value
        ):
            try:
                serial = float(value)
            except ValueError:
                continue
            if not 0 <= serial <= LAST_SERIAL:
                found.append((_attribute(element, "r"), value))
        element.clear()
    return found
