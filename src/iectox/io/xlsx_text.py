"""The dataset workbook's text: each distinct value once, escaped as Excel escapes it, in the shared strings.

A text column is turned into codes and its distinct values (`pandas.factorize`, in C), so a category column's
thousands of cells cost a handful of strings to check and escape, and every distinct text of the workbook is
stored once in the shared-string table, each cell holding its index. The checks and escapes are searched
for in all the texts at once, seen as one array of code points (`Texts`): only the few texts that need a
change are then changed one by one.

- Characters XML cannot hold (control characters such as `\\x01`) are escaped the way Excel does, `_x0001_`,
  and a text that already looks like such an escape has its underscore escaped (`_x005F_`), so the workbook
  reads back exactly (Excel, LibreOffice and python-calamine undo both; openpyxl only the second).
- `&`, `<`, `>` are XML's escapes; a carriage return is `&#13;` (XML would read a bare one as a line feed); a
  text that starts or ends with a space keeps it (`xml:space="preserve"`, as openpyxl writes it).
- A formula-like text (`iectox.io.injection.FORMULA_CHARACTERS` first) is marked for Excel's quote prefix.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from iectox.io.injection import FORMULA_CHARACTERS

_LOOKS_ESCAPED = re.compile(r"_(?=[xX][0-9A-Fa-f]{4}_)")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
SPACES = np.array(  # the characters `str.isspace` (and `str.strip`) calls space
    [
        *range(0x09, 0x0E),
        *range(0x1C, 0x21),
        0x85,
        0xA0,
        0x1680,
        *range(0x2000, 0x200B),
        0x2028,
        0x2029,
        0x202F,
        0x205F,
        0x3000,
    ],
    dtype=np.uint32,
)
_FORMULA = np.array([ord(c) for c in FORMULA_CHARACTERS], dtype=np.uint32)
_XML_ESCAPES = np.array([ord(c) for c in "&<>\r"], dtype=np.uint32)
NONCHARACTERS = np.array([0xFFFE, 0xFFFF], dtype=np.uint32)


class Texts:
    """Many texts seen at once as one array of code points, so that a question about every character (is
    it a control character?) or about each text's first or last one is a few vectorised operations."""

    def __init__(self, texts: list[str]):
        self.texts = texts
        self.joined = "\n".join(texts)  # a character none of the questions asks about
        self.points = np.frombuffer(self.joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        self.lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        self.starts = np.cumsum(self.lengths + 1) - self.lengths - 1

    def holding(self, characters: np.ndarray) -> np.ndarray:
        """The positions of the texts that hold any of `characters` (code points)."""
        return self._texts_at(np.flatnonzero(np.isin(self.points, characters)))

    def holding_control(self) -> np.ndarray:
        """The positions of the texts that hold a character XML cannot hold, or look like Excel's escape of
        one (`_x0001_`)."""
        points = self.points
        control = (points < 0x20) & (points != 0x09) & (points != 0x0A) & (points != 0x0D)
        found = np.flatnonzero(control)
        if "_x" in self.joined or "_X" in self.joined:
            escapes = [m.start() for m in re.finditer("_[xX][0-9A-Fa-f]{4}_", self.joined)]
            found = np.concatenate([found, np.array(escapes, dtype=found.dtype)])
        return self._texts_at(found)

    def first_or_last(self, characters: np.ndarray, last: bool = False) -> np.ndarray:
        """Whether each text starts (or ends, if `last`) with one of `characters`."""
        filled = self.lengths > 0
        at = self.starts + (self.lengths - 1 if last else 0)
        edges = np.zeros(len(self.texts), dtype=bool)
        edges[filled] = np.isin(self.points[at[filled]], characters)
        return edges

    def _texts_at(self, offsets: np.ndarray) -> np.ndarray:
        return np.unique(np.searchsorted(self.starts, offsets, side="right") - 1)


def excel_escaped(text: str) -> str:
    """`text` as Excel stores it: `_xHHHH_` for a character XML cannot hold, `_x005F_` before an underscore
    that would otherwise read as such an escape."""
    text = _LOOKS_ESCAPED.sub("_x005F_", text)
    return _NOT_XML.sub(lambda m: f"_x{ord(m.group()):04X}_", text)


def xml_escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


class SharedStrings:
    """Every distinct text of the workbook, each stored once; cells refer to it by its index.

    Texts are added a column's distinct values at a time (`add`); `finish` makes them distinct across
    columns, and gives each added text its index in the table.
    """

    def __init__(self) -> None:
        self.parts: list[np.ndarray] = []
        self.size = 0

    def add(self, texts: np.ndarray) -> int:
        """Where the given texts begin among all those added (the index of each is `finish`'s answer)."""
        self.parts.append(texts)
        self.size += len(texts)
        return self.size - len(texts)

    def finish(self) -> tuple[np.ndarray, list[str], np.ndarray]:
        """For each text added, its index in the table; the table's entries as XML (`<si>` elements); and
        which entries need Excel's quote prefix."""
        added = np.concatenate(self.parts) if self.parts else np.array([], dtype=object)
        index, distinct = pd.factorize(added)
        texts = distinct.tolist()
        for position in Texts(texts).holding_control():
            texts[position] = excel_escaped(texts[position])
        escaped = Texts(texts)
        quoted = escaped.first_or_last(_FORMULA)
        spaced = np.flatnonzero(escaped.first_or_last(SPACES) | escaped.first_or_last(SPACES, last=True))
        for position in escaped.holding(_XML_ESCAPES):
            texts[position] = xml_escaped(texts[position])
        entries = ["<si><t>" + text + "</t></si>" for text in texts]
        for position in spaced:
            entries[position] = f'<si><t xml:space="preserve">{texts[position]}</t></si>'
        return index, entries, quoted
