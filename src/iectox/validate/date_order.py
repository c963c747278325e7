"""Dates written 06/03/2024 while the study has not said their order: one issue per column, with the fix.

Such a date is 6 March in Paris and 3 June in Boston, so it is never read without `--dates`; but refusing
each cell alone would bury the one fix (say the order) under hundreds of identical errors. The refused cells
of a column that look day-first or month-first are reported once: how many, the first rows (all of them in
the issue's values, for `--errors-json`), an example, and the option to give. A day above 12 proves the
order and the message then names the one option; dates of both orders in one column cannot be read with any.
"""

from __future__ import annotations

import pandas as pd

from iectox.errors import Issue
from iectox.i18n import N_
from iectox.message import Message
from iectox.rules import Rule
from iectox.validate.excerpt import excerpt, visible
from iectox.validate.frames import Frames

SLASHED = r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})"  # what --dates dmy or mdy reads...
WITH_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?"  # ...followed by a time in a date-and-time column
FIRST_ROWS = 5

DAY_FIRST = N_("{column} has {dates} written day first, like {example} ({rows}): say so with --dates dmy")
MONTH_FIRST = N_("{column} has {dates} written month first, like {example} ({rows}): say so with --dates mdy")
BOTH_ORDERS = N_(
    "{column} has {dates} written day first (like {example}) and month first (like {other}) ({rows}): "
    "write them as YYYY-MM-DD"
)


def _rows(rows: list[int]) -> Message:
    if len(rows) == 1:
        return Message(N_("row {row}"), row=rows[0])
    shown = ", ".join(str(row) for row in rows[:FIRST_ROWS]) + (", …" if len(rows) > FIRST_ROWS else "")
    return Message(N_("rows {rows}"), rows=shown)


def _dates(count: int) -> Message:
    return Message(N_("1 date")) if count == 1 else Message(N_("{count} dates"), count=count)


def date_order_issue(
    frames: Frames, table: str, column: str, refused: pd.Series, with_time: bool
) -> tuple[list[Issue], pd.Index]:
    """The one issue of the `refused` cells (text, by row) of a date column that `--dates dmy` or `mdy`
    would read, and their rows; nothing when there are none."""
    parts = refused.str.extract(SLASHED + (WITH_TIME if with_time else "") + "$").dropna()
    if parts.empty:
        return [], parts.index
    first, second = parts[0].astype(int), parts[1].astype(int)
    day_first = (first > 12) & (second <= 12)
    month_first = (second > 12) & (first <= 12)
    rows = [int(row) for row in parts.index]
    example = refused[
        day_first.idxmax() if day_first.any() else month_first.idxmax() if month_first.any() else rows[0]
    ]
    values: dict[str, object] = {
        "column": column,
        "dates": _dates(len(rows)),
        "example": excerpt(example),
        "rows": _rows(rows),
        "all_rows": rows,
    }
    if day_first.any() and month_first.any():
        template = BOTH_ORDERS
        values["other"] = excerpt(refused[month_first.idxmax()])
    elif day_first.any():
        template = DAY_FIRST
    elif month_first.any():
        template = MONTH_FIRST
    else:
        template = DATE_ORDER.message
    message = template.format(**values)
    issue = frames.issue(
        table,
        rows[0],
        column,
        visible(refused[rows[0]]),
        DATE_ORDER.id,
        message,
        DATE_ORDER.severity,
        template,
        values,
    )
    return [issue], parts.index


DATE_ORDER = Rule(
    id="date_order",
    severity="error",
    source="ISO 8601; the study's date order (--dates), never guessed: 06/03/2024 is 6 March (dmy) or 3 June (mdy)",
    title="Dates written with the day or the month first while the study has not said which: one issue per "
    "column with their count, first rows and the --dates option to give (a day above 12 tells which).",
    message=N_(
        "{column} has {dates} written like {example} ({rows}): say their order with --dates dmy (day first) "
        "or --dates mdy (month first)"
    ),
    settings=("date_order",),
    evaluate=date_order_issue,
)
