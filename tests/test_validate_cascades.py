"""One bad value, one error: a cell refused by one rule is never reported again by the rules after it.

The table-driven audit spoils one cell per case, for every column of the contract and every way a cell can be
refused (its type or vocabulary, its range, a required blank, a dangling reference), each case in its own copy
of the small dataset, so that a cascade (a second error caused by the same cell, anywhere) shows as an error
that is not one of the spoiled cells.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import pandas as pd
import pytest

from conftest import RawDataset
from iectox.schema import CONTRACT, Column, Kind
from iectox.validate import RawTable, check_raw

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


SPOILERS: dict[str, Callable[[Column, str | None], str | None]] = {
    "type": _refused_by_type,
    "range": _out_of_range,
    "required": _blank,
    "reference": _dangling,
    "uncertain": _marked_uncertain,
    "control": _control_character,
    "date order": _day_first,
}
ID_COLUMNS = {"patient_id", "infusion_id", "episode_id", "administration_id"}


def _first_filled_row(frame: pd.DataFrame, column: str) -> int:
    """The row where the cell means most: the first one that holds a value (the trial's trial_id...)."""
    filled = frame.index[frame[column].notna()]
    return int(filled[0]) if len(filled) else int(frame.index[0])


def cases(kind: str) -> list[tuple[str, int, str, str]]:
    """(table, row of the small dataset, column, spoiled value) for every column this kind can spoil."""
    small = RawDataset().tables
    found = []
    for table in CONTRACT.tables:
        for column in table.columns:
            row = _first_filled_row(small[table.name], column.name)
            value = SPOILERS[kind](column, small[table.name].at[row, column.name])
            if value is not None:
                found.append((table.name, row, column.name, value))
    return found


def spoiled_copies(spoiled: list[tuple[str, int, str, str]]) -> tuple[dict[str, RawTable], set]:
    """One copy of the small dataset per case (its ids suffixed), each with its one spoiled cell; and the
    spoiled cells as (file, row as the user sees it, column)."""
    small = RawDataset().tables
    frames: dict[str, list[pd.DataFrame]] = {name: [] for name in small}
    where = set()
    for copy, (table, row, column, value) in enumerate(spoiled):
        for name, frame in small.items():
            frame = frame.copy()
            for id_column in ID_COLUMNS & set(frame.columns):
                frame[id_column] = frame[id_column].where(
                    frame[id_column].isna(), frame[id_column] + f"-{copy}"
                )
            if name == table:
                frame.loc[row, column] = value if value != "" else None
            frames[name].append(frame)
        where.add((f"{table}.csv", copy * len(small[table]) + row, column))
    raw = {}
    for name, parts in frames.items():
        whole = pd.concat(parts, ignore_index=True)
        raw[name] = RawTable(f"{name}.csv", None, whole.set_axis(whole.index + 2))
    return raw, where


@pytest.mark.parametrize("kind", list(SPOILERS))
def test_one_spoiled_cell_gives_exactly_one_error(kind):
    spoiled = cases(kind)
    raw, where = spoiled_copies(spoiled)
    errors = [i for i in check_raw(raw)[1] if i.severity == "error"]
    located = Counter((e.file, e.row, e.column) for e in errors)
    extra = [
        f"{e.file} row {e.row} {e.column} [{e.rule}] {e.message}"
        for e in errors
        if located[(e.file, e.row, e.column)] > 1 or (e.file, e.row, e.column) not in where
    ]
    assert extra == [], f"{len(spoiled)} cells spoiled ({kind}), errors beyond one per cell:\n" + "\n".join(
        extra
    )
    assert set(located) == where


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
