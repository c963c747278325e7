"""Tables and headers: which sheets or files are there, and whether their columns are the contract's."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

import pandas as pd

from iectox.errors import Issue
from iectox.schema import Schema, Table

HEADER_ROW = 1
IGNORED_SHEETS = ("_lists",)  # the template's hidden drop-down lists


@dataclass(frozen=True)
class RawTable:
    """One table as read from disk: cells untouched, index = the row number the user sees (header = 1)."""

    file: str
    sheet: str | None
    frame: pd.DataFrame


def header_key(name: object) -> str:
    """Headers match the contract whatever their case, surrounding spaces, or spaces for underscores."""
    return str(name).strip().lower().replace(" ", "_")


def _issue(
    raw: RawTable, column: str | None, value: str | None, rule: str, message: str, severity: str = "error"
) -> Issue:
    return Issue(raw.file, raw.sheet, HEADER_ROW, column, value, rule, message, severity)


def check_headers(table: Table, raw: RawTable) -> tuple[pd.DataFrame, list[Issue]]:
    """The frame with contract column names, and the header problems (unknown, duplicate, missing)."""
    issues: list[Issue] = []
    known = set(table.column_names)
    renamed: dict[object, str] = {}
    for original in raw.frame.columns:
        key = header_key(original)
        if key in renamed.values():
            issues.append(
                _issue(
                    raw,
                    str(original),
                    str(original),
                    "duplicate_column",
                    f"column '{original}' appears twice in {table.name}",
                )
            )
        elif key in known:
            renamed[original] = key
        elif key == "" or key.startswith("unnamed:"):
            if raw.frame[original].notna().any():
                issues.append(
                    _issue(
                        raw,
                        None,
                        None,
                        "unnamed_column",
                        f"a column of {table.name} holds values but has no header",
                    )
                )
        else:
            close = difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.6)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            issues.append(
                _issue(
                    raw,
                    str(original),
                    str(original),
                    "unknown_column",
                    f"column '{original}' is not part of the {table.name} table{hint}",
                )
            )
    for column in table.columns:
        if column.required and column.name not in renamed.values():
            issues.append(
                _issue(
                    raw,
                    column.name,
                    None,
                    "missing_column",
                    f"required column '{column.name}' is missing from {table.name}",
                )
            )
    frame = raw.frame[list(renamed)].rename(columns=renamed)
    return frame, issues


def check_tables(schema: Schema, found: dict[str, RawTable], where: str, extra: list[str]) -> list[Issue]:
    """Missing required tables are errors; sheets or files that are not tables are reported and left alone."""
    issues = [
        Issue(
            where,
            None,
            None,
            None,
            None,
            "missing_table",
            f"table '{t.name}' is missing (expected a sheet or a file named {t.name})",
        )
        for t in schema.tables
        if t.required and t.name not in found
    ]
    for name in extra:
        if name in IGNORED_SHEETS:
            continue
        close = difflib.get_close_matches(header_key(name), list(schema.table_names), n=1, cutoff=0.6)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        issues.append(
            Issue(
                where,
                name,
                None,
                None,
                None,
                "unknown_table",
                f"'{name}' is not a table of the dataset and was not read{hint}",
                "warning",
            )
        )
    return issues
