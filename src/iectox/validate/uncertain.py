"""A value marked uncertain ("CRS?", "yes?", "72?", "2021-06-15?") is neither read as certain nor dropped.

Codes are matched whatever their punctuation, numbers and dates by their form, so a question mark would
otherwise vanish or make the cell unreadable for a reason that is not the real one. The cell is refused with
what to do: confirm the value, or leave the cell blank. Identifiers and free text are kept as written (an
identifier with '?' fails its pattern; a '?' in a note is the note).
"""

from __future__ import annotations

import pandas as pd

from iectox.errors import Issue
from iectox.i18n import N_
from iectox.rules import Rule
from iectox.schema import Column, Kind
from iectox.schema.model import UNCERTAINTY_MARK
from iectox.validate.excerpt import excerpt, visible
from iectox.validate.frames import Frames


def check_uncertain(
    frames: Frames, table: str, column: Column, suspect: pd.Series
) -> tuple[list[Issue], pd.Index]:
    """The issues of the `suspect` text cells of a read (not free-text) column that carry an uncertainty
    mark, and their rows, to be refused."""
    if column.kind is Kind.TEXT:
        return [], pd.Index([])
    marked = suspect[suspect.str.contains(UNCERTAINTY_MARK)]
    issues = []
    for row, text in marked.items():
        values = {"column": column.name, "value": excerpt(text.strip())}
        message = UNCERTAIN_VALUE.message.format(**values)
        issues.append(
            frames.issue(
                table,
                row,
                column.name,
                visible(text.strip()),
                UNCERTAIN_VALUE.id,
                message,
                UNCERTAIN_VALUE.severity,
                UNCERTAIN_VALUE.message,
                values,
            )
        )
    return issues, marked.index


UNCERTAIN_VALUE = Rule(
    id="uncertain_value",
    severity="error",
    source="dataset contract (docs/data_dictionary.md): a value is recorded as known, or the cell is left "
    "blank; iectox never drops an uncertainty mark",
    title="A code, yes/no, number or date marked uncertain with a question mark ('CRS?', 'yes?', '72?', "
    "'2021-06-15?'): refused, never read as certain.",
    message=N_(
        "{column} '{value}' is marked uncertain ('?'): confirm the value and remove the '?', or leave the "
        "cell blank"
    ),
    evaluate=check_uncertain,
)
