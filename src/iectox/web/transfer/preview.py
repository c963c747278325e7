"""The preview page's content, in the user's language: every issue where the user will find it (sheet, row,
column, value, rule, the library's sentence) and, for a file without error, what a commit would change, row by
row, worded by `iectox.render.diff`.

Every issue is listed. Rows added, changed or missing are listed up to `SHOWN` per table and kind, then counted
("... and 120 more row(s)"): a first import of thousands of observations is summed up, a re-import's few
changes are all shown, each cell with its old and new value.
"""

from __future__ import annotations

from typing import Any

from iectox.errors import Issue
from iectox.i18n import tr
from iectox.io.diff import DatasetDiff
from iectox.render.diff import MORE, key_text, value_text

SHOWN = 200


def issue_rows(issues: tuple[Issue, ...] | list[Issue], lang: str) -> list[dict[str, Any]]:
    return [
        {
            "error": issue.severity == "error",
            "severity": tr(issue.severity, lang),
            "sheet": issue.sheet or issue.file,
            "row": issue.row,
            "column": issue.column or "",
            "value": issue.value if issue.value is not None else "",
            "rule": issue.rule,
            "message": issue.text(lang),
            "where": issue.where(lang),
        }
        for issue in issues
    ]


def _more(rows: tuple[Any, ...], lang: str) -> str:
    return tr(MORE, lang).format(n=len(rows) - SHOWN) if len(rows) > SHOWN else ""


def diff_tables(changes: DatasetDiff, lang: str) -> list[dict[str, Any]]:
    """Each table with a difference: its rows added, changed (each cell: old, new) and missing from the file."""
    tables = []
    for diff in changes:
        if diff.same:
            continue
        tables.append(
            {
                "table": diff.table,
                "key": ", ".join(diff.key),
                "counts": diff.counts(),
                "added": [key_text(row.key, lang) for row in diff.added[:SHOWN]],
                "more_added": _more(diff.added, lang),
                "removed": [key_text(row.key, lang) for row in diff.removed[:SHOWN]],
                "more_removed": _more(diff.removed, lang),
                "changed": [
                    {
                        "key": key_text(row.key, lang),
                        "cells": [
                            (c.column, value_text(c.old, lang), value_text(c.new, lang)) for c in row.changes
                        ],
                    }
                    for row in diff.changed[:SHOWN]
                ],
                "more_changed": _more(diff.changed, lang),
            }
        )
    return tables
