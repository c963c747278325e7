"""Characters a cell cannot hold: control characters are refused, invisible ones removed with a warning.

A zero-width space or a byte-order mark pasted inside a code ("CRS<U+200B>") makes it a different code that
looks the same; removing it is a certain fix, so the cell is read without it and a warning names the cell. A
control character (C0 other than tab and line breaks, DEL, C1, or a code point XML 1.0 cannot hold) is no part
of any value, cannot be written to a workbook, and can drive a terminal: the cell is refused. Both are shown as
their code points, never raw.
"""

from __future__ import annotations

import re

import pandas as pd

from iectox.errors import Issue
from iectox.i18n import N_
from iectox.rules import Rule
from iectox.validate.excerpt import excerpt, visible
from iectox.validate.frames import Frames

CONTROL_CHARS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff"
INVISIBLE_CHARS = "\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
CONTROL = re.compile(f"[{CONTROL_CHARS}]")
INVISIBLE = re.compile(f"[{INVISIBLE_CHARS}]")


def code_points(text: str, pattern: re.Pattern[str]) -> str:
    """The distinct characters of `pattern` in `text`, as code points: "U+0001, U+001B"."""
    return ", ".join(dict.fromkeys(f"U+{ord(char):04X}" for char in pattern.findall(text)))


def check_characters(
    frames: Frames, table: str, column: str, cells: pd.Series, suspect: pd.Series
) -> tuple[pd.Series, list[Issue], pd.Index]:
    """The raw cells of a column with invisible characters removed, the issues of both rules, and the rows
    refused for a control character; only the `suspect` text cells (found by one search) are looked at."""
    issues = []
    controlled = suspect[suspect.str.contains(CONTROL)]
    for row, text in controlled.items():
        values = {"column": column, "value": excerpt(text), "chars": code_points(text, CONTROL)}
        issues.append(_issue(frames, (table, row, column), text, CONTROL_CHARACTER, values))
    rest = suspect.drop(controlled.index)
    hidden = rest[rest.str.contains(INVISIBLE)]
    if not hidden.empty:
        cleaned = hidden.str.replace(INVISIBLE, "", regex=True)
        cells = cells.copy()
        cells[hidden.index] = cleaned
        for row, text in hidden.items():
            values = {
                "column": column,
                "value": excerpt(text),
                "chars": code_points(text, INVISIBLE),
                "cleaned": excerpt(cleaned[row].strip()),
            }
            issues.append(_issue(frames, (table, row, column), text, INVISIBLE_CHARACTER, values))
    issues.sort(key=lambda issue: issue.row or 0)
    return cells, issues, controlled.index


def _issue(
    frames: Frames, cell: tuple[str, int, str], text: str, rule: Rule, values: dict[str, str]
) -> Issue:
    table, row, column = cell
    message = rule.message.format(**values)
    return frames.issue(
        table, row, column, visible(text), rule.id, message, rule.severity, rule.message, values
    )


CONTROL_CHARACTER = Rule(
    id="control_character",
    severity="error",
    source="XML 1.0 (W3C), section 2.2: the characters a workbook can hold; ECMA-48: control functions",
    title="A cell holds a control character (C0 other than tab and line breaks, DEL, C1, or a code point "
    "XML 1.0 cannot hold): refused, shown as its code point.",
    message=N_("{column} '{value}' holds a control character ({chars}): retype the value without it"),
    evaluate=check_characters,
)
INVISIBLE_CHARACTER = Rule(
    id="invisible_character",
    severity="warning",
    source="Unicode: zero-width spaces and joiners, word joiner, direction marks, byte-order mark and soft "
    "hyphen carry no text",
    title="A cell holds an invisible character (U+200B-U+200F, U+202A-U+202E, U+2060-U+2064, U+2066-U+2069, "
    "U+FEFF, U+00AD): removed, and the cell named in a warning.",
    message=N_("{column} '{value}' holds an invisible character ({chars}), removed: read as '{cleaned}'"),
    evaluate=check_characters,
)
