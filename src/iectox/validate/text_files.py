"""Rules of a CSV file's text: what the reader finds before a single cell is typed.

A CSV file is text cut into rows and cells. When that text cannot be cut without guessing (a row with more
values than the header has columns, a quote that never closes), when it mixes two encodings, when it repeats
its header, or when a cell hides a NUL character (which many programs cut the text at), the reader says so,
with the row as the user sees it (header = row 1), and the dataset is not loaded: nothing is dropped, shifted
or decoded in silence. The reader (`iectox.io.csvdir`) finds these problems in the file; the rules here
declare them and make each one an `Issue`.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from iectox.errors import Issue
from iectox.i18n import N_
from iectox.rules import Rule

NUL_SHOWN = "\u2400"
"""A NUL byte as it is shown in a cell (the "symbol for null", ␀): the reader puts it in the NUL's place, so
that the text around it is kept and the cell can be named."""
SHOWN_LINES = 3  # lines of each kind named in a message; the first ones are enough to find and fix the file
CSV_SOURCE = "RFC 4180 (CSV): a row has one value per column of the header; text in one encoding"


def _issue(
    rule: Rule, file: str, row: int | None, column: str | None, value: str | None, /, **values: str
) -> Issue:
    message = rule.message.format(**values)
    return Issue(file, None, row, column, value, rule.id, message, rule.severity, rule.message, values)


def _listed(rows: Sequence[int]) -> str:
    return ", ".join(str(row) for row in rows[:SHOWN_LINES]) + (", ..." if len(rows) > SHOWN_LINES else "")


def mixed_encoding(file: str, utf8_rows: Sequence[int], ansi_rows: Sequence[int]) -> list[Issue]:
    """One issue, at the first row that is not UTF-8, naming the first rows of each encoding."""
    return [
        _issue(
            MIXED_ENCODING, file, ansi_rows[0], None, None, utf8=_listed(utf8_rows), ansi=_listed(ansi_rows)
        )
    ]


def nul_characters(file: str, frame: pd.DataFrame) -> list[Issue]:
    """One issue per cell of `frame` (index = rows as the user sees them) holding a NUL, shown as ␀."""
    issues = []
    for column in frame.columns:
        values = frame[column]
        held = values.str.contains(NUL_SHOWN, regex=False, na=False).to_numpy(dtype=bool)
        for row, value in values[held].items():
            issues.append(_issue(NUL_CHARACTER, file, int(row), str(column), value, value=value))
    return issues


def too_many_values(file: str, row: int, width: int, extra: Sequence[str]) -> list[Issue]:
    """A row whose values beyond the header's `width` columns are not all empty."""
    shown = ", ".join(f"'{value}'" for value in extra)
    count = str(width + len(extra))
    return [_issue(TOO_MANY_VALUES, file, row, None, shown, count=count, width=str(width), extra=shown)]


def unclosed_quote(file: str, row: int, column: str | None, value: str) -> list[Issue]:
    """The row where a quote opens that no later quote closes; `value` is the cell up to its first line break."""
    return [_issue(UNCLOSED_QUOTE, file, row, column, value, value=value)]


def repeated_header(file: str, frame: pd.DataFrame, header: Sequence[str]) -> list[Issue]:
    """One issue per row of `frame` that repeats the `header` cells (stray spaces and case aside)."""
    keys = [str(cell).strip().lower() for cell in header]
    if not any(keys):
        return []
    first = next(i for i, key in enumerate(keys) if key)
    spelled = {str(header[first]), str(header[first]).strip(), keys[first], keys[first].upper()}
    candidates = frame[frame.iloc[:, first].isin(spelled).to_numpy(dtype=bool)]
    rows = [
        int(row)
        for row, cells in zip(candidates.index, candidates.to_numpy(dtype=object), strict=True)
        if [("" if pd.isna(cell) else str(cell).strip().lower()) for cell in cells] == keys
    ]
    return [_issue(REPEATED_HEADER, file, row, None, None) for row in rows]


MIXED_ENCODING = Rule(
    id="mixed_encoding",
    severity="error",
    source=CSV_SOURCE,
    title="A CSV file mixes UTF-8 rows and Windows-1252 (ANSI) rows, so some accented letters would be read "
    "wrong whichever encoding is chosen.",
    message=N_(
        "the file mixes two encodings: UTF-8 in rows {utf8} and Windows-1252 (ANSI) in rows {ansi}, so some "
        "accented letters cannot be read right; save the whole file again as 'CSV UTF-8'"
    ),
    evaluate=mixed_encoding,
)
NUL_CHARACTER = Rule(
    id="nul_character",
    severity="error",
    source=CSV_SOURCE,
    title="A cell holds a NUL character (byte 0), which many programs cut the text at.",
    message=N_(
        "'{value}' holds a NUL character (shown as ␀), which many programs cut the text at; delete it"
    ),
    evaluate=nul_characters,
)
TOO_MANY_VALUES = Rule(
    id="too_many_values",
    severity="error",
    source=CSV_SOURCE,
    title="A row has more values than the header has columns (often a decimal comma in a comma-separated "
    "file): the dataset is not loaded rather than a value dropped or shifted. Empty cells ending every row "
    "(a trailing separator) are accepted.",
    message=N_(
        "this row has {count} values for the {width} columns of the header (beyond the last column: {extra}); "
        "a decimal comma in a comma-separated file? Write 71.4, put the value in quotes, or separate the "
        "columns with semicolons"
    ),
    evaluate=too_many_values,
)
UNCLOSED_QUOTE = Rule(
    id="unclosed_quote",
    severity="error",
    source=CSV_SOURCE,
    title="A quote opens in a cell and never closes, so the rest of the file would be one cell.",
    message=N_(
        "a quote opens in '{value}' and never closes, so every line after it would be part of this cell; "
        "close the quote or delete it"
    ),
    evaluate=unclosed_quote,
)
REPEATED_HEADER = Rule(
    id="repeated_header",
    severity="error",
    source=CSV_SOURCE,
    title="A row repeats the header, as when two files are pasted one after the other.",
    message=N_("this row repeats the header (were two files pasted together?); delete it"),
    evaluate=repeated_header,
)
TEXT_FILE_RULES = (MIXED_ENCODING, NUL_CHARACTER, UNCLOSED_QUOTE, TOO_MANY_VALUES, REPEATED_HEADER)
