"""One bad value, one error: a cell refused by one rule is never reported again by the rules after it.

The table-driven audit spoils one cell per case, for every column of the contract and every way a cell can be
refused (its type or vocabulary, its range, a required blank, a dangling reference, an uncertainty mark, a
control character, a date whose order was not given, a direct identifier), each case in its own copy of the
small dataset, so that a cascade (a second error caused by the same cell, anywhere) shows.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import pytest

from iectox.schema import CONTRACT, Column, Kind
from spoiled import check_copies, small_tables

TYPE_SPOILERS = {
    Kind.NUMBER: "abc",
    Kind.INTEGER: "abc",
    Kind.BOOLEAN: "maybe",
    Kind.DATE: "tomorrow",
    Kind.DATETIME: "tomorrow",
    Kind.CATEGORY: "zzz",
}


def _refused_by_type(column: Column, current: str | None) -> str | None:
    if column.pattern is not None:
        return "A B"
    if column.name == "trial_id":
        return "NCT1"
    return TYPE_SPOILERS.get(column.kind)


def _out_of_range(column: Column, current: str | None) -> str | None:
    if column.maximum is not None:
        return str(int(column.maximum) + 1000)
    if column.minimum is not None:
        return str(int(column.minimum) - 1000)
    return None


def _blank(column: Column, current: str | None) -> str | None:
    return "" if column.required else None


def _dangling(column: Column, current: str | None) -> str | None:
    return "ZZZ-999" if column.references else None


def _marked_uncertain(column: Column, current: str | None) -> str | None:
    return None if column.kind is Kind.TEXT else f"{current or ''}?"


def _control_character(column: Column, current: str | None) -> str | None:
    return f"\x01{current or 'x'}"


def _day_first(column: Column, current: str | None) -> str | None:
    return {Kind.DATE: "17/05/2023", Kind.DATETIME: "17/05/2023 10:00"}.get(column.kind)


def _phone_number(column: Column, current: str | None) -> str | None:
    return "06 12 34 56 78" if column.kind is Kind.TEXT else None


SPOILERS: dict[str, Callable[[Column, str | None], str | None]] = {
    "type": _refused_by_type,
    "range": _out_of_range,
    "required": _blank,
    "reference": _dangling,
    "uncertain": _marked_uncertain,
    "control": _control_character,
    "date order": _day_first,
    "identifier": _phone_number,
}


def _first_filled_row(frame: pd.DataFrame, column: str) -> int:
    """The row where the cell means most: the first one that holds a value (the trial's trial_id...)."""
    filled = frame.index[frame[column].notna()]
    return int(filled[0]) if len(filled) else int(frame.index[0])


def cases(kind: str) -> list[tuple[str, int, str, str]]:
    """(table, row of the small dataset, column, spoiled value) for every column this kind can spoil."""
    small = small_tables()
    found = []
    for table in CONTRACT.tables:
        for column in table.columns:
            row = _first_filled_row(small[table.name], column.name)
            value = SPOILERS[kind](column, small[table.name].at[row, column.name])
            if value is not None:
                found.append((table.name, row, column.name, value))
    return found


@pytest.mark.parametrize("kind", list(SPOILERS))
def test_one_spoiled_cell_gives_exactly_one_error(kind):
    spoiled = cases(kind)
    extra = []
    for (table, _, column, value), (cells, issues) in zip(
        spoiled, check_copies([[c] for c in spoiled]), strict=True
    ):
        errors = [i for i in issues if i.severity == "error"]
        if [(e.file, e.row, e.column) for e in errors] != list(cells):
            extra.append(
                f"{table}.{column} = {value!r}: " + "; ".join(f"[{e.rule}] {e.message}" for e in errors)
            )
    assert extra == [], f"{len(spoiled)} cells spoiled ({kind}), not one error each:\n" + "\n".join(extra)


def test_a_text_date_in_a_required_date_column_is_one_error(raw):
    """'not a date' only, not also 'required and blank'."""
    errors = raw.set("outcomes", 2, "last_follow_up", "soon").errors()
    assert [(e.rule, e.row, e.column) for e in errors] == [("date", 2, "last_follow_up")]


def test_a_refused_status_is_not_read_as_not_dead_by_the_episodes(raw):
    """The episode says death, the follow-up's status is unreadable: one error, on the status."""
    raw.set("toxicity_episodes", 4, "outcome", "death").set("outcomes", 4, "status", "zzz")
    assert [(e.rule, e.file, e.row, e.column) for e in raw.errors()] == [
        ("vocabulary", "outcomes.csv", 4, "status")
    ]


def test_a_status_that_was_read_still_contradicts_the_episode(raw):
    raw.set("toxicity_episodes", 4, "outcome", "death")
    assert [(e.rule, e.row) for e in raw.errors()] == [("death_episode_means_dead", 4)]
