"""Typed tables under validation, each row still numbered as the user sees it in their file."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from iectox.errors import Issue


def fmt(value: object) -> str | None:
    """A value as the user would have typed it, for messages and the `value` field of an issue."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float):
        if value != value:
            return None
        return str(int(value)) if value.is_integer() else repr(float(value))
    if isinstance(value, pd.Timestamp):
        if value.hour == value.minute == value.second == 0:
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


@dataclass
class Frames:
    """Typed frames (index = row number shown to the user) and where each table came from."""

    tables: dict[str, pd.DataFrame]
    sources: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    absent: set[tuple[str, str]] = field(default_factory=set)  # (table, column) missing from the file

    def issue(
        self,
        table: str,
        row: int | None,
        column: str | None,
        value: str | None,
        rule: str,
        message: str,
        severity: str = "error",
    ) -> Issue:
        file, sheet = self.sources.get(table, (f"{table}.csv", None))
        return Issue(file, sheet, None if row is None else int(row), column, value, rule, message, severity)
