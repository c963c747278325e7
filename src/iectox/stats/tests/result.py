"""What every statistical test returns, and the registry of test ids that footnotes and summary tables use.

One result type for all tests so a comparison table can print any of them the same way: the p-value, the
statistic, and -- as gtsummary does -- the method as R names it, plus why that variant was used.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from iectox.errors import IectoxError


class NotComputable(IectoxError, ValueError):
    """A test cannot be run on these numbers (too few groups or observations, constant data...)."""


@dataclass(frozen=True)
class TestResult:
    """One test's outcome; `method` is R's name for it and `detail` says which variant ran and why."""

    __test__ = False  # not a pytest test class, despite the name

    test: str
    p_value: float
    statistic: float | None
    df: float | None
    method: str
    detail: str
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class TestSpec:
    """A test id with its footnote name, the R call it reproduces, and what it needs as input.

    `data` is ``"counts"`` (a groups x levels table) or ``"values"`` (one array per group; such tests whose
    `from_stats` is True can also run on means, SDs and ns).
    """

    __test__ = False

    id: str
    name: str
    r_call: str
    data: str
    min_groups: int = 2
    max_groups: int | None = None
    from_stats: bool = False


_SPECS = (
    TestSpec("pearson_chi2", "Pearson's Chi-squared test", "chisq.test(x, correct = FALSE)", "counts"),
    TestSpec(
        "yates_chi2",
        "Pearson's Chi-squared test with Yates' continuity correction",
        "chisq.test(x, correct = TRUE)",
        "counts",
        max_groups=2,
    ),
    TestSpec("fisher_exact", "Fisher's exact test", "fisher.test(x)", "counts"),
    TestSpec("welch_t", "Welch Two Sample t-test", "t.test(a, b)", "values", max_groups=2, from_stats=True),
    TestSpec(
        "student_t",
        "Two Sample t-test",
        "t.test(a, b, var.equal = TRUE)",
        "values",
        max_groups=2,
        from_stats=True,
    ),
    TestSpec("mann_whitney", "Wilcoxon rank sum test", "wilcox.test(a, b)", "values", max_groups=2),
    TestSpec("kruskal_wallis", "Kruskal-Wallis rank sum test", "kruskal.test(list(...))", "values"),
    TestSpec(
        "anova",
        "One-way analysis of means",
        "oneway.test(y ~ g, var.equal = TRUE)",
        "values",
        from_stats=True,
    ),
)

REGISTRY: Mapping[str, TestSpec] = MappingProxyType({spec.id: spec for spec in _SPECS})
"""Every test id iectox knows, in the order of the `summary-table/1` format."""

TESTS: Mapping[str, str] = MappingProxyType({spec.id: spec.name for spec in _SPECS})
"""Test id -> the human name printed in a table footnote."""


def counts_table(table: object) -> np.ndarray:
    """A counts table as a 2-D integer array; rejects negative, fractional or non-finite cells."""
    array = np.asarray(table, dtype=float)
    if array.ndim != 2:
        raise NotComputable(f"a counts table must be two-dimensional, got {array.ndim} dimension(s)")
    if not np.all(np.isfinite(array)) or np.any(array < 0) or np.any(array != np.round(array)):
        raise NotComputable("a counts table must hold whole numbers >= 0")
    return array.astype(np.int64)


def drop_empty(table: np.ndarray) -> tuple[np.ndarray, str]:
    """The table without all-zero rows and columns, and a note when some were dropped.

    A level no one has (e.g. 'Death 0' in both groups) has expected count 0: R's `chisq.test` then returns
    NaN, while `fisher.test` ignores it. Dropping it first gives every test the table R would see from
    `table()` of factors without unused levels.
    """
    rows, cols = table.sum(axis=1) > 0, table.sum(axis=0) > 0
    kept = table[rows][:, cols]
    dropped = []
    if not rows.all():
        dropped.append(f"{int((~rows).sum())} empty row(s)")
    if not cols.all():
        dropped.append(f"{int((~cols).sum())} empty column(s)")
    if kept.shape[0] < 2 or kept.shape[1] < 2:
        raise NotComputable(
            f"needs at least 2 non-empty rows and 2 non-empty columns, got a {kept.shape[0]} x "
            f"{kept.shape[1]} table after dropping empty ones"
        )
    return kept, ("; dropped " + " and ".join(dropped)) if dropped else ""


def values(data: object, name: str = "group") -> np.ndarray:
    """A 1-D float array of one group's observations."""
    array = np.asarray(data, dtype=float).ravel()
    if array.size == 0:
        raise NotComputable(f"{name} has no observations")
    return array
