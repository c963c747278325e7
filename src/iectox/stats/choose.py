"""Choosing the method of one variable, with the reason written down; the registry runs it."""

from __future__ import annotations

import numpy as np

from iectox.stats.methods import METHODS
from iectox.stats.policy import MethodPolicy

RANK_METHODS = ("mann_whitney", "kruskal_wallis")  # the two-group test first, then its k-group form


def expected_counts(table: np.ndarray) -> np.ndarray:
    total = table.sum()
    return np.outer(table.sum(axis=1), table.sum(axis=0)) / total if total else np.zeros_like(table, float)


def testable(table: np.ndarray) -> np.ndarray:
    """The table without levels or groups that have no observation at all (they carry no information)."""
    return table[table.sum(axis=1) > 0][:, table.sum(axis=0) > 0]


def choose_count_test(table: np.ndarray, policy: MethodPolicy, forced: str | None = None) -> tuple[str, str]:
    """Pearson (with or without Yates) unless an expected count is too small for it: then Fisher's exact."""
    shape = f"{table.shape[0]} x {table.shape[1]} table"
    expected = expected_counts(table)
    smallest = float(expected.min()) if expected.size else 0.0
    small = int((expected < (policy.fisher_below or 0)).sum())
    if forced is not None:
        return forced, f"{METHODS[forced].name} as set for this variable ({shape})"
    if policy.fisher_below is not None and small:
        return "fisher_exact", (
            f"{small} of {expected.size} expected counts below {policy.fisher_below:g} "
            f"(smallest {smallest:.2f}) in the {shape}"
        )
    if policy.categorical == "yates_chi2" and METHODS["yates_chi2"].accepts(*table.shape):
        return (
            "yates_chi2",
            f"2 x 2 table, continuity correction by policy; smallest expected count {smallest:.2f}",
        )
    correction = "" if policy.categorical == "pearson_chi2" else "; Yates applies to 2 x 2 tables only"
    return "pearson_chi2", f"{shape}, smallest expected count {smallest:.2f}{correction}"


def choose_rank_test(k: int) -> str:
    """Wilcoxon rank sum for two groups, Kruskal-Wallis beyond: the first rank method that takes k groups."""
    return METHODS.first(RANK_METHODS, k).id


def choose_sample_test(
    k: int, rank: bool, policy: MethodPolicy, forced: str | None = None
) -> tuple[str, str]:
    if forced is not None:
        return forced, f"{METHODS[forced].name} as set for this variable"
    if rank:
        test = choose_rank_test(k)
        return test, ("two groups" if k == 2 else f"{k} groups") + ", summarised by median [IQR]"
    test = METHODS.first((policy.continuous, "anova"), k).id
    if test == policy.continuous:
        variances = (
            "unequal variances allowed" if policy.continuous == "welch_t" else "equal variances assumed"
        )
        return test, f"two groups, summarised by mean (SD); {variances}"
    return test, f"{k} groups, summarised by mean (SD)"
