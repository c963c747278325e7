"""Tables and headers: which sheets or files are there, and whether their columns are the contract's.

Each problem is a `Rule` (id, severity, source, message) whose `evaluate` finds it; `check_tables` and
`check_headers` run them in `READING`'s order, before any cell is typed.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from iectox.errors import Issue
from iectox.i18n import N_
from iectox.rules import Rule
from iectox.schema import Schema, Table

HEADER_ROW = 1
IGNORED_SHEETS = ("_lists",)  # the template's hidden drop-down lists


@dataclass(frozen=True)
class RawTable:
    """One table as read from disk: cells untouched, index = the row number the user sees (header = 1).

    `issues` are the problems the reader itself found in the file (a cell it cannot trust as read, a line it
    cannot split): they are reported with the validation's, so that nothing is dropped in silence.
    """

    file: str
    sheet: str | None
    frame: pd.DataFrame
    issues: tuple[Issue, ...] = ()


def header_key(name: object) -> str:
    """Headers match the contract whatever their case, surrounding spaces, or spaces for underscores."""
    return str(name).strip().lower().replace(" ", "_")


CONTRACT_SOURCE = "dataset contract (docs/data_dictionary.md)"


def _closest(name: str, known: Iterable[str]) -> str | None:
    close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
    return close[0] if close else None


def _issue(
    rule: Rule,
    where: tuple[str, str | None, int | None],
    column: str | None,
    value: str | None,
    template: str | None = None,
    /,
    **values: str,
) -> Issue:
    text = template or rule.message
    file, sheet, row = where
    return Issue(file, sheet, row, column, value, rule.id, text.format(**values), rule.severity, text, values)


def _missing_tables(
    schema: Schema, found: Mapping[str, RawTable], where: str, extra: list[str]
) -> list[Issue]:
    return [
        _issue(MISSING_TABLE, (where, None, None), None, None, table=t.name)
        for t in schema.tables
        if t.required and t.name not in found
    ]


def _unknown_tables(
    schema: Schema, found: Mapping[str, RawTable], where: str, extra: list[str]
) -> list[Issue]:
    issues = []
    for name in extra:
        if name not in IGNORED_SHEETS:
            hint = _closest(header_key(name), schema.table_names)
            template = UNKNOWN_TABLE_HINT if hint else None
            issues.append(
                _issue(UNKNOWN_TABLE, (where, name, None), None, None, template, name=name, hint=hint or "")
            )
    return issues


def _headers(table: Table, raw: RawTable) -> list[tuple[object, str, str]]:
    """Each header of the file, its contract spelling and what it is: known, duplicate, unnamed or unknown."""
    known, seen, found = set(table.column_names), set(), []
    for original in raw.frame.columns:
        key = header_key(original)
        if key in seen:
            status = "duplicate"
        elif key in known:
            status = "known"
            seen.add(key)
        elif key == "" or key.startswith("unnamed:"):
            status = "unnamed" if raw.frame[original].notna().any() else "empty"
        else:
            status = "unknown"
        found.append((original, key, status))
    return found


def _flag_headers(rule: Rule, status: str, table: Table, raw: RawTable) -> list[Issue]:
    where = (raw.file, raw.sheet, HEADER_ROW)
    return [
        _issue(rule, where, str(original), str(original), column=str(original), table=table.name)
        for original, _, found in _headers(table, raw)
        if found == status
    ]


def _unknown_columns(table: Table, raw: RawTable) -> list[Issue]:
    issues = []
    for original, key, status in _headers(table, raw):
        if status == "unknown":
            hint = _closest(key, table.column_names)
            issues.append(
                _issue(
                    UNKNOWN_COLUMN,
                    (raw.file, raw.sheet, HEADER_ROW),
                    str(original),
                    str(original),
                    UNKNOWN_COLUMN_HINT if hint else None,
                    column=str(original),
                    table=table.name,
                    hint=hint or "",
                )
            )
    return issues


def _duplicate_columns(table: Table, raw: RawTable) -> list[Issue]:
    return _flag_headers(DUPLICATE_COLUMN, "duplicate", table, raw)


def _unnamed_columns(table: Table, raw: RawTable) -> list[Issue]:
    """One issue per header-less column holding values, at its first value, with how many and where."""
    issues = []
    for original, _, status in _headers(table, raw):
        if status == "unnamed":
            rows = raw.frame.index[raw.frame[original].notna().to_numpy()]
            shown = ", ".join(str(row) for row in rows[:5]) + (", ..." if len(rows) > 5 else "")
            where = (raw.file, raw.sheet, int(rows[0]))
            values = {"column": str(original), "table": table.name, "count": str(len(rows)), "rows": shown}
            issues.append(_issue(UNNAMED_COLUMN, where, str(original), None, **values))
    return issues


def _missing_columns(table: Table, raw: RawTable) -> list[Issue]:
    present = {key for _, key, status in _headers(table, raw) if status == "known"}
    where = (raw.file, raw.sheet, HEADER_ROW)
    return [
        _issue(MISSING_COLUMN, where, column.name, None, column=column.name, table=table.name)
        for column in table.columns
        if column.required and column.name not in present
    ]


MISSING_TABLE = Rule(
    id="missing_table",
    severity="error",
    source=CONTRACT_SOURCE,
    title="A required table has no sheet (workbook) or file (CSV folder) of its name.",
    message=N_("table '{table}' is missing (expected a sheet or a file named {table})"),
    evaluate=_missing_tables,
)
UNKNOWN_TABLE = Rule(
    id="unknown_table",
    severity="warning",
    source=CONTRACT_SOURCE,
    title="A sheet or CSV file that is not a table is reported and not read.",
    message=N_("'{name}' is not a table of the dataset and was not read"),
    evaluate=_unknown_tables,
)
UNKNOWN_TABLE_HINT = N_("'{name}' is not a table of the dataset and was not read; did you mean '{hint}'?")
UNKNOWN_COLUMN = Rule(
    id="unknown_column",
    severity="error",
    source=CONTRACT_SOURCE,
    title="A header that is not a column of the table (with a 'did you mean').",
    message=N_("column '{column}' is not part of the {table} table"),
    evaluate=_unknown_columns,
)
UNKNOWN_COLUMN_HINT = N_("column '{column}' is not part of the {table} table; did you mean '{hint}'?")
DUPLICATE_COLUMN = Rule(
    id="duplicate_column",
    severity="error",
    source=CONTRACT_SOURCE,
    title="The same column appears twice in a table.",
    message=N_("column '{column}' appears twice in {table}"),
    evaluate=_duplicate_columns,
)
UNNAMED_COLUMN = Rule(
    id="unnamed_column",
    severity="error",
    source=CONTRACT_SOURCE,
    title="Values stand under an empty header.",
    message=N_("column '{column}' of {table} has no header but holds {count} value(s), in rows {rows}"),
    evaluate=_unnamed_columns,
)
MISSING_COLUMN = Rule(
    id="missing_column",
    severity="error",
    source=CONTRACT_SOURCE,
    title="A required column has no header in its table.",
    message=N_("required column '{column}' is missing from {table}"),
    evaluate=_missing_columns,
)
TABLE_RULES = (MISSING_TABLE, UNKNOWN_TABLE)
HEADER_RULES = (UNKNOWN_COLUMN, DUPLICATE_COLUMN, UNNAMED_COLUMN, MISSING_COLUMN)


def check_headers(table: Table, raw: RawTable) -> tuple[pd.DataFrame, list[Issue]]:
    """The frame with contract column names, and the header problems (unknown, duplicate, missing...)."""
    issues = [issue for rule in HEADER_RULES for issue in rule.evaluate(table, raw)]
    renamed = {original: key for original, key, status in _headers(table, raw) if status == "known"}
    return raw.frame[list(renamed)].rename(columns=renamed), issues


def check_tables(schema: Schema, found: dict[str, RawTable], where: str, extra: list[str]) -> list[Issue]:
    """Missing required tables are errors; sheets or files that are not tables are reported and left alone."""
    return [issue for rule in TABLE_RULES for issue in rule.evaluate(schema, found, where, extra)]
