"""The values a comparison table is made of: cells, rows and per-variable results (plain data)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from iectox.stats.methods import Effect, MethodResult
from iectox.stats.variables import Variable

CellKind = Literal["n_pct", "mean_sd", "median_iqr"]


@dataclass(frozen=True)
class Cell:
    """One statistic in one column: n (%), mean (SD) or median [Q1, Q3]."""

    kind: CellKind
    values: tuple[float, ...]


@dataclass(frozen=True)
class Row:
    """A line of the table: the variable's own line (`level` None) or one of its levels or statistics."""

    variable: str
    label: str
    level: object | None
    cells: tuple[Cell, ...]  # one per group, then overall
    missing: bool = False


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
    test: MethodResult | None = None
    reason: str | None = None
    smd: float | None = None
    q_value: float | None = None
    effect: Effect | None = None
    warnings: tuple[str, ...] = field(default_factory=tuple)

    @property
    def name(self) -> str:
        return self.variable.name

    @property
    def p_value(self) -> float | None:
        return None if self.test is None else self.test.p_value
