"""A record's audit trail: every creation, change and deletion, with who, when, and each old and new value.

The entries are django-simple-history's (one per save); a change lists the columns whose value differs from the
entry before. The trail of a deleted record stays readable by its code. The CSV export neutralises text that a
spreadsheet would run as a formula (`iectox.io.injection`), as every file iectox writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd
from django.db.models import QuerySet
from django.utils import timezone

from iectox.i18n import N_, tr
from iectox.io.sheets import csv_text
from iectox.web.registry.derive import stored_columns
from iectox.web.registry.models import Record

ACTIONS = {"+": N_("created"), "~": N_("changed"), "-": N_("deleted")}
CSV_COLUMNS = ("table", "record", "version", "when", "who", "action", "column", "old", "new")


@dataclass(frozen=True)
class Change:
    column: str
    old: object
    new: object


@dataclass(frozen=True)
class Entry:
    version: int
    when: datetime
    who: str
    action: str  # "+", "~" or "-"
    changes: tuple[Change, ...]

    def shown_when(self) -> str:
        """The moment in the server's time zone (TIME_ZONE), to the second."""
        return timezone.localtime(self.when).strftime("%Y-%m-%d %H:%M:%S")

    def label(self, lang: str) -> str:
        return tr(ACTIONS[self.action], lang)


def trail(model: type[Record], code: str) -> QuerySet[Any]:
    """The history rows of the record with this code (its number for a table without one), oldest first."""
    key = model.contract.key or "id"
    value: object = code if model.contract.key else int(code)
    return model.history.filter(**{key: value}).order_by("history_date", "history_id")


def entries(model: type[Record], rows: QuerySet[Any]) -> list[Entry]:
    """Each history row as who, when and what changed from the row before it."""
    columns = stored_columns(model.contract)
    found, before = [], None
    for row in rows.select_related("history_user"):
        changes = tuple(
            Change(name, None if before is None else getattr(before, name), getattr(row, name))
            for name in columns
            if row.history_type != "-" and (before is None or getattr(before, name) != getattr(row, name))
        )
        who = row.history_user.get_username() if row.history_user else ""
        found.append(Entry(row.version, row.history_date, who, row.history_type, changes))
        before = row
    return found


def shown(value: object) -> str:
    """A value as the trail shows it: blank for None, ISO for dates and times, yes/no."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if hasattr(value, "isoformat"):
        return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
    return str(value)


def as_csv(model: type[Record], code: str, found: list[Entry]) -> str:
    """The trail as CSV, one line per changed value (a deletion is one line without a column); text that a
    spreadsheet would run as a formula is written behind an apostrophe (`iectox.io.sheets.csv_text`)."""
    lines = []
    for entry in found:
        head = [
            model.contract.name,
            code,
            entry.version,
            entry.shown_when(),
            entry.who,
            ACTIONS[entry.action],
        ]
        for change in entry.changes or (Change("", None, None),):
            lines.append([*head, change.column, shown(change.old), shown(change.new)])
    return csv_text(pd.DataFrame(lines, columns=list(CSV_COLUMNS)))
