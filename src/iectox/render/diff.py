"""A dataset diff in words: what the re-import page and `iectox diff` show, in English or French.

    summary_lines(changes, "fr")   # ["patients : 2 ajoutée(s), 0 supprimée(s), 1 modifiée(s), 398 inchangée(s)", ...]
    row_lines(changes, "fr")       # ["infusions INF-0003 : weight_kg 71,4 -> 72", ...]

Values are shown exactly as stored, so that every change is visible: a float by its shortest exact text
(71.40000000000002), a date-time with its hour and a date alone without, a blank as "(blank)".
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from iectox.i18n import N_, tr
from iectox.io.diff import DatasetDiff, TableDiff

BLANK = N_("(blank)")
YES, NO = N_("yes"), N_("no")
SAME = N_("The two datasets hold the same rows and values.")
SUMMARY = N_("{table}: {added} added, {removed} removed, {changed} changed, {unchanged} unchanged")
ADDED = N_("{table} {key}: added")
REMOVED = N_("{table} {key}: removed")
CHANGED = N_("{table} {key}: {changes}")
CHANGE = N_("{column} {old} -> {new}")
MORE = N_("... and {n} more row(s)")


def value_text(value: Any, lang: str = "en") -> str:
    """A stored value, exactly: numbers by their shortest exact text (decimal comma in French), ISO dates."""
    if value is None:
        return tr(BLANK, lang)
    if isinstance(value, bool):
        return tr(YES if value else NO, lang)
    if isinstance(value, float):
        text = repr(value).removesuffix(".0")
        return text.replace(".", ",") if lang == "fr" else text
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S" if value.second else "%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def key_text(key: tuple[Any, ...], lang: str = "en") -> str:
    """A row's key: "INF-0003", or "INF-0001, 2024-03-06 08:00" for a key of several columns."""
    return ", ".join(value_text(v, lang) for v in key)


def summary_lines(changes: DatasetDiff, lang: str = "en") -> list[str]:
    """One line per table with its counts, or one sentence when nothing differs."""
    if changes.same:
        return [tr(SAME, lang)]
    return [tr(SUMMARY, lang).format(table=d.table, **d.counts()) for d in changes]


def table_lines(diff: TableDiff, lang: str = "en") -> list[str]:
    """One line per row of one table: removed, then added, then changed (each cell: old -> new)."""
    lines = [tr(REMOVED, lang).format(table=diff.table, key=key_text(r.key, lang)) for r in diff.removed]
    lines += [tr(ADDED, lang).format(table=diff.table, key=key_text(r.key, lang)) for r in diff.added]
    for row in diff.changed:
        cells = "; ".join(
            tr(CHANGE, lang).format(column=c.column, old=value_text(c.old, lang), new=value_text(c.new, lang))
            for c in row.changes
        )
        lines.append(tr(CHANGED, lang).format(table=diff.table, key=key_text(row.key, lang), changes=cells))
    return lines


def row_lines(changes: DatasetDiff, lang: str = "en", limit: int | None = None) -> list[str]:
    """Every row that differs, table by table; with `limit`, the first `limit` and how many more."""
    lines = [line for diff in changes for line in table_lines(diff, lang)]
    if limit is not None and len(lines) > limit:
        return [*lines[:limit], tr(MORE, lang).format(n=len(lines) - limit)]
    return lines


__all__ = ["key_text", "row_lines", "summary_lines", "table_lines", "value_text"]
