"""What a comparison table is made of, as numbers: rows of a type, cells of a statistic kind, footnotes by id.

The idea of gtsummary's `table_body`: every row says what it is (`row_type`), every cell which statistic it
holds (`kind`) and its unrounded values, every p-value the id of the test that made it. Nothing here is text
for a reader: the render layer (`iectox.render.comparison`) formats it once, at the edge.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import numpy as np

from iectox.message import Message
from iectox.stats.estimate import Estimate, estimate_record
from iectox.stats.methods import MethodResult, Moments
from iectox.stats.variables import Variable

if TYPE_CHECKING:
    from iectox.stats.strata import StrataCounts, Stratified

StatisticKind = Literal["n_pct", "mean_sd", "median_iqr"]
RowType = Literal["variable", "level", "summary", "missing"]
# the variable's own line (label only), one of its levels (n, %), one of its summaries (mean, SD...), missing
FootnoteKind = Literal[
    "statistics",
    "test",
    "adjustment",
    "excluded",
    "subpopulation",
    "untested",
    "warning",
    "interval",
    "difference",
    "not_estimated",
]


@dataclass(frozen=True)
class Cell:
    """One statistic in one column: `n_pct` (n, %), `mean_sd` (mean, SD) or `median_iqr` (median, Q1, Q3)."""

    kind: StatisticKind
    values: tuple[float, ...]


@dataclass(frozen=True)
class Row:
    """A line of the table; `level` is the level's key (a category, a grade, "mean_sd"...), None on the
    variable's own line, "__missing__" on the missing line."""

    variable: str
    row_type: RowType
    label: str
    level: object | None
    cells: tuple[Cell, ...]  # one per group, then overall; none on the variable's own line

    @property
    def missing(self) -> bool:
        return self.row_type == "missing"


@dataclass(frozen=True, eq=False)
class VariableResult:
    """Everything the table shows for one variable, and what it was computed from."""

    variable: Variable
    kind: str
    rows: tuple[Row, ...]
    n: np.ndarray  # non-missing per group, then overall
    missing: np.ndarray  # per group, then overall
    counts: np.ndarray | None = None  # levels x groups, for count tests
    samples: tuple[np.ndarray, ...] | None = None  # per group, for tests on values
    moments: tuple[Moments, ...] | None = None  # per group mean, SD and n of those values (continuous)
    test: MethodResult | None = None
    reason: str | None = None  # a `Message` when the comparison wrote it: English, and its template
    smd: float | None = None
    q_value: float | None = None
    effect: Estimate | None = None  # the difference between the two groups (`add_difference`)
    intervals: tuple[tuple[Estimate | None, ...], ...] = ()  # per row, per cell (`add_ci`)
    warnings: tuple[str, ...] = field(default_factory=tuple)
    strata: StrataCounts | None = None  # the counts per stratum, when the table is stratified
    stratified: Stratified | None = None  # what the stratified test ran on

    @property
    def name(self) -> str:
        return self.variable.name

    @property
    def p_value(self) -> float | None:
        return None if self.test is None else self.test.p_value

    @property
    def label(self) -> str:
        """The variable's label in English (translated where it is shown)."""
        return self.variable.display_label()


@dataclass(frozen=True)
class Footnote:
    """One footnote of a table, as data: its stable `id` and `kind`, and the facts it states.

    `test` (kind "test": a test id; its `mark` is the superscript's number), `method` ("adjustment": holm or
    bh), `count` ("excluded": rows without a group), `variables` (the variables a "subpopulation", "untested"
    or "warning" note is about), `among` and `sizes` ("subpopulation": the column and its n per group),
    `message` ("untested", "warning", "not_estimated": an English message, translated where shown), `level`
    ("interval": the confidence level; `method` its `iectox.stats.estimate.ESTIMATES` id, as "difference").
    """

    id: str
    kind: FootnoteKind
    test: str | None = None
    mark: int | None = None
    method: str | None = None
    count: int | None = None
    variables: tuple[str, ...] = ()
    among: str | None = None
    sizes: tuple[int, ...] = ()
    message: str | None = None
    level: float | None = None
    strata: str | None = None  # "test" of a stratified method: the column it is stratified by


def _number(value: object) -> float | None:
    return None if value is None or (isinstance(value, float) and np.isnan(value)) else float(value)


def variable_record(r: VariableResult) -> dict[str, object]:
    """One variable with its rows' numbers, p-value and test, for report.json (numbers and ids, no text)."""
    test = r.test
    return {
        "name": r.name,
        "label": r.label,
        "kind": r.kind,
        "n": [_number(v) for v in r.n],
        "missing": [_number(v) for v in r.missing],
        "p_value": None if test is None else _number(test.p_value),
        "test": None if test is None else test.test,
        "method": None if test is None else test.method,
        "statistic": None if test is None else _number(test.statistic),
        "df": None if test is None else _number(test.df),
        "reason": r.reason,
        "reason_message": r.reason.record() if isinstance(r.reason, Message) else None,
        "detail": None if test is None else test.detail,
        "warnings": list(r.warnings),
        "warning_messages": [w.record() if isinstance(w, Message) else None for w in r.warnings],
        "q_value": _number(r.q_value),
        "smd": _number(r.smd),
        "effect": estimate_record(r.effect),
        "stratified": None if r.stratified is None else r.stratified.record(),
        "rows": [
            {
                "row_type": row.row_type,
                "label": row.label,
                "level": None if row.level is None else str(row.level),
                "cells": [{"kind": c.kind, "values": [_number(v) for v in c.values]} for c in row.cells],
                **({"intervals": [estimate_record(e) for e in r.intervals[i]]} if r.intervals else {}),
            }
            for i, row in enumerate(r.rows)
        ],
    }
