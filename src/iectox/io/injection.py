"""Formula injection: text from the data never becomes a live formula in a spreadsheet iectox writes.

A cell whose text starts with `=`, `+`, `-`, `@`, a tab or a carriage return is read as a formula by Excel,
LibreOffice and Google Sheets when the file is opened (OWASP, "CSV Injection"), so a pseudonymous code typed
as `=HYPERLINK(...)` in a registry would run in the pharmacist's spreadsheet. iectox therefore:

- in XLSX, writes such text as a text cell with Excel's own "quote prefix" (the apostrophe the user types to
  keep text as text): the cell shows, and reads back, exactly the text, and is never evaluated;
- in CSV, prefixes it with an apostrophe, as OWASP advises. So that the dataset still reads back exactly,
  the apostrophe is an escape: one is added before any run of apostrophes followed by a formula character,
  and iectox's CSV reader removes one from the same pattern (`restore`), so `'=A1` written stays `'=A1` read.

Numbers are never touched: "-1.5" in a number column is a number, not a formula.
"""

from __future__ import annotations

import re

import pandas as pd

FORMULA_CHARACTERS = "=+-@\t\r"
_ESCAPE = re.compile(r"^'*[=+\-@\t\r]")
_ESCAPED = re.compile(r"^'+[=+\-@\t\r]")


def formula_like(text: str) -> bool:
    """Whether a spreadsheet would read `text` as a formula."""
    return bool(text) and text[0] in FORMULA_CHARACTERS


def neutralise(text: str) -> str:
    """`text` as a CSV cell that no spreadsheet evaluates; `restore` gives `text` back."""
    return "'" + text if _ESCAPE.match(text) else text


def restore(text: str) -> str:
    """The text `neutralise` was given."""
    return text[1:] if _ESCAPED.match(text) else text


def neutralise_column(values: pd.Series) -> pd.Series:
    """`neutralise` on a column of text (NA left as it is), vectorised."""
    text = values.astype("string")
    escape = text.str.match(_ESCAPE.pattern).fillna(False).astype(bool)
    return values.where(~escape, "'" + text)


def restore_column(values: pd.Series) -> pd.Series:
    """`restore` on a column of text read from CSV (NA left as it is), vectorised."""
    text = values.astype("string")
    escaped = text.str.match(_ESCAPED.pattern).fillna(False).astype(bool)
    return values.where(~escaped, text.str.slice(1))


def text_cell(cell: object) -> object:
    """An openpyxl cell holding text, made safe: a formula-like text stays text, with Excel's quote prefix.

    openpyxl turns any string starting with "=" into a formula; this undoes it for text that came from data.
    """
    value = getattr(cell, "value", None)
    if isinstance(value, str) and formula_like(value):
        cell.data_type = "s"  # type: ignore[attr-defined]
        cell.quotePrefix = True  # type: ignore[attr-defined]
    return cell
