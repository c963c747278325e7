"""A comparison table as a pandas frame, as Markdown, with its footnotes, and as records for JSON.

HTML, XLSX and DOCX renderings are built from `to_frame` and `footnotes` by `iectox.render.document`,
for a whole report or for one table alone (`iectox.render.single`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from iectox import i18n
from iectox.stats.methods import METHODS
from iectox.stats.table import Cell

if TYPE_CHECKING:
    from iectox.stats.compare import Comparison

SUPERSCRIPTS = "¹²³⁴⁵⁶⁷⁸⁹"


def cell_text(cell: Cell, lang: str, digits: int = 1) -> str:
    v = cell.values
    if cell.kind == "n_pct":
        return f"{int(v[0])} ({i18n.percent(v[1], digits, lang)})"
    if cell.kind == "mean_sd":
        return f"{i18n.number(v[0], digits, lang)} ({i18n.number(v[1], digits, lang)})"
    median, q1, q3 = (i18n.number(x, digits, lang) for x in v)
    return f"{median} [{q1}{' ; ' if lang == 'fr' else ', '}{q3}]"


def test_markers(table: Comparison) -> dict[str, str]:
    """A superscript per test used, in order of first use: the footnote that names it."""
    used: list[str] = []
    for r in table.results:
        if r.test is not None and r.test.test not in used:
            used.append(r.test.test)
    return {test: SUPERSCRIPTS[i] if i < len(SUPERSCRIPTS) else f"[{i + 1}]" for i, test in enumerate(used)}


def footnotes(table: Comparison, lang: str = "en") -> list[str]:
    notes = [i18n.tr("n (%); Mean (SD); Median [IQR]", lang)]
    for test, mark in test_markers(table).items():
        notes.append(f"{mark} {i18n.tr(METHODS[test].name, lang)}")
    if table.q_method:
        name = "Holm" if table.q_method == "holm" else "Benjamini-Hochberg"
        notes.append(i18n.tr(f"q-values: {name} adjustment", lang))
    if table.excluded:
        notes.append(f"{table.excluded} rows without {table.by} are left out.")
    return notes


def _header(table: Comparison, lang: str) -> list[str]:
    sizes = table.groups.sizes
    columns = [f"{label} (N = {n})" for label, n in zip(table.groups.labels, sizes, strict=True)]
    if table.show_overall:
        columns.append(f"{i18n.tr('Overall', lang)} (N = {sizes.sum()})")
    return columns


def to_frame(table: Comparison, lang: str = "en", digits: int = 1, p_digits: int = 3) -> pd.DataFrame:
    """The table as people read it: one line per variable and per level, formatted in `lang`."""
    marks = test_markers(table)
    groups = _header(table, lang)
    lines = []
    for r in table.results:
        for row in r.rows:
            first = row.level is None
            cells = (
                [cell_text(c, lang, digits) for c in row.cells] if row.cells else [""] * (table.groups.k + 1)
            )
            line = {
                i18n.tr("Characteristic", lang): row.label if first else f"    {i18n.tr(row.label, lang)}"
            }
            line.update(zip(groups, cells[: len(groups)], strict=False))
            if table.show_p:
                p = i18n.p_value(r.p_value, p_digits, lang) if first and r.test else ""
                line[i18n.tr("p-value", lang)] = f"{p}{marks[r.test.test]}" if p else ""
            if table.q_method:
                line[i18n.tr("q-value", lang)] = i18n.p_value(r.q_value, p_digits, lang) if first else ""
            if table.show_smd:
                line[i18n.tr("SMD", lang)] = (
                    i18n.number(r.smd, 3, lang) if first and r.smd is not None else ""
                )
            if table.show_difference:
                e = r.effect
                text = (
                    ""
                    if not first or e is None
                    else (
                        f"{i18n.number(e.estimate, 2, lang)} ({i18n.number(e.low, 2, lang)}"
                        f"{' ; ' if lang == 'fr' else ', '}{i18n.number(e.high, 2, lang)})"
                    )
                )
                line[i18n.tr("Difference (95% CI)", lang)] = text
            lines.append(line)
    return pd.DataFrame(lines)


def to_markdown(table: Comparison, lang: str = "en", digits: int = 1, p_digits: int = 3) -> str:
    frame = to_frame(table, lang, digits, p_digits)
    head = "| " + " | ".join(frame.columns) + " |"
    rule = "| " + " | ".join("---" for _ in frame.columns) + " |"
    body = [
        "| " + " | ".join(str(v).replace("|", "\\|") for v in row) + " |"
        for row in frame.itertuples(index=False)
    ]
    notes = [f"\n{note}" for note in footnotes(table, lang)]
    return "\n".join([head, rule, *body]) + "\n" + "".join(notes) + "\n"


def _num(value: object) -> float | None:
    return None if value is None or (isinstance(value, float) and np.isnan(value)) else float(value)


def records(table: Comparison) -> list[dict[str, object]]:
    """Every variable with its rows' numbers, p-value and test, for report.json (numbers, not text)."""
    out = []
    for r in table.results:
        out.append(
            {
                "name": r.name,
                "label": r.variable.display_label(),
                "kind": r.kind,
                "n": [_num(v) for v in r.n],
                "missing": [_num(v) for v in r.missing],
                "p_value": None if r.test is None else _num(r.test.p_value),
                "test": None if r.test is None else r.test.test,
                "method": None if r.test is None else r.test.method,
                "statistic": None if r.test is None else _num(r.test.statistic),
                "df": None if r.test is None else _num(r.test.df),
                "reason": r.reason,
                "detail": None if r.test is None else r.test.detail,
                "warnings": list(r.warnings),
                "q_value": _num(r.q_value),
                "smd": _num(r.smd),
                "effect": None if r.effect is None else r.effect.__dict__,
                "rows": [
                    {
                        "label": row.label,
                        "level": None if row.level is None else str(row.level),
                        "cells": [{"kind": c.kind, "values": [_num(v) for v in c.values]} for c in row.cells],
                    }
                    for row in r.rows
                ],
            }
        )
    return out
