"""Find characters in a whole column at C speed: most columns hold none, and then no cell is visited.

The text cells of a column are joined and searched once; only when the search finds something is each cell
searched, so checking every cell of a national registry for a stray character costs one pass over its text.
An all-ASCII column (the usual case) is searched without a regular expression: the bytes it may hold are
deleted by `bytes.translate`, and whatever is left is what the pattern looks for.
"""

from __future__ import annotations

import re

import pandas as pd
import pyarrow as pa

from iectox.validate.columnar import as_objects, holds_text, joined_bytes, text_cells

SEPARATOR = "\n"  # between cells in the joined text; the patterns searched never match it


def cells_with(
    cells: pd.Series, pattern: re.Pattern[str], plain_ascii: bytes = b"", text: pa.Array | None = None
) -> pd.Series:
    """The text cells in which `pattern` (a character class, never matching `SEPARATOR`) occurs.

    `plain_ascii`: ASCII characters `pattern` never matches, `SEPARATOR` among them. `text`: the cells in
    Arrow (`text_cells`), when the caller has them."""
    text = text if text is not None else text_cells(cells)
    if text is not None:  # every cell text or blank: their bytes are joined in Arrow, with no separator
        data = joined_bytes(text)
        if plain_ascii and data.isascii():
            found = bool(data.translate(None, plain_ascii))
        else:
            found = pattern.search(data.decode("utf-8")) is not None
    elif not holds_text(cells):
        found = False
    else:
        joined = SEPARATOR.join([value for value in cells.tolist() if isinstance(value, str)])
        if plain_ascii and joined.isascii():
            found = bool(joined.encode("ascii").translate(None, plain_ascii))
        else:
            found = pattern.search(joined) is not None
    if not found:
        return cells.iloc[:0]
    cells = as_objects(cells)
    text = cells[cells.map(lambda value: isinstance(value, str))]
    return text[text.str.contains(pattern)]
