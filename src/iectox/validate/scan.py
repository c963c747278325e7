"""Find characters in a whole column at C speed: most columns hold none, and then no cell is visited.

The text cells of a column are joined and searched once; only when the search finds something is each cell
searched, so checking every cell of a national registry for a stray character costs one pass over its text.
"""

from __future__ import annotations

import re

import pandas as pd

SEPARATOR = "\n"  # between cells in the joined text; the patterns searched never match it


def text_cells(cells: pd.Series) -> pd.Series:
    """The cells that hold text (an XLSX column also holds numbers and dates, which hold no characters)."""
    if isinstance(cells.dtype, pd.StringDtype):
        return cells.dropna()
    if cells.dtype != object:
        return cells.iloc[:0].astype(object)
    if pd.api.types.infer_dtype(cells, skipna=True) in ("string", "empty"):
        return cells.dropna()
    return cells[cells.map(lambda value: isinstance(value, str))]


def cells_with(cells: pd.Series, pattern: re.Pattern[str]) -> pd.Series:
    """The text cells in which `pattern` (a character class, never matching `SEPARATOR`) occurs."""
    text = text_cells(cells)
    if text.empty or pattern.search(SEPARATOR.join(text.tolist())) is None:
        return text.iloc[:0]
    return text[text.str.contains(pattern)]
