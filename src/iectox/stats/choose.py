"""Choosing the method of one variable, with the reason written down (a `Message`, translated where it is
shown); the registry runs it."""

from __future__ import annotations

import numpy as np

from iectox.i18n import N_
from iectox.message import Message
from iectox.stats.methods import METHODS
from iectox.stats.policy import MethodPolicy

RANK_METHODS = ("mann_whitney", "kruskal_wallis")  # the two-group test first, then its k-group form


def expected_counts(table: np.ndarray) -> np.ndarray:
    total = table.sum()
    return np.outer(table.sum(axis=1), table.sum(axis=0)) / total if total else np.zeros_like(table, float)


def testable(table: np.ndarray) -> np.ndarray:
    """The table without levels or groups that have no observation at all (they carry no information)."""
    return table[table.sum(axis=1) > 0][:, table.sum(axis=0) > 0]


def choose_count_test(
    table: np.ndarray, policy: MethodPolicy, forced: str | None = None, full: np.ndarray | None = None
) -> tuple[str, Message]:
    """Pearson (with or without Yates) unless an expected count is too small for it: then Fisher's exact.

    `table` is what the test runs on (no empty level or group); `full` the table with every declared level,
    whose expected counts gtsummary checks (an unused level has expected count 0, so it means Fisher)."""
    shape = Message(N_("{rows} x {columns} table"), rows=table.shape[0], columns=table.shape[1])
    checked = full if (policy.fisher_counts_unused and full is not None) else table
    expected = expected_counts(checked)
    smallest = float(expected.min()) if expected.size else 0.0
    small = int((expected < (policy.fisher_below or 0)).sum())
    if forced is not None:
        return forced, Message(
            N_("{method_text} as set for this variable ({shape})"),
            method_text=METHODS[forced].name,
            shape=shape,
        )
    fisher_fits = not policy.fisher_2x2_only or table.shape == (2, 2)
    if policy.fisher_below is not None and fisher_fits and small:
        return "fisher_exact", Message(
            N_("{small} of {size} expected counts below {below:g} (smallest {smallest:.2f}) in the {shape}"),
            small=small,
            size=int(expected.size),
            below=float(policy.fisher_below),
            smallest=smallest,
            shape=shape,
        )
    if policy.categorical == "yates_chi2" and METHODS["yates_chi2"].accepts(*table.shape):
        return "yates_chi2", Message(
            N_("2 x 2 table, continuity correction by policy; smallest expected count {smallest:.2f}"),
            smallest=smallest,
        )
    if policy.categorical == "pearson_chi2":
        return "pearson_chi2", Message(
            N_("{shape}, smallest expected count {smallest:.2f}"), shape=shape, smallest=smallest
        )
    return "pearson_chi2", Message(
        N_("{shape}, smallest expected count {smallest:.2f}; Yates applies to 2 x 2 tables only"),
        shape=shape,
        smallest=smallest,
    )


def choose_rank_test(k: int, policy: MethodPolicy | None = None) -> str:
    """Wilcoxon rank sum for two groups, Kruskal-Wallis beyond: the first rank method that takes k groups;
    with two groups, the policy's own choice (both tableones run Kruskal-Wallis there too)."""
    if k == 2 and policy is not None:
        return policy.rank_test
    return METHODS.first(RANK_METHODS, k).id


def choose_sample_test(
    k: int, rank: bool, policy: MethodPolicy, forced: str | None = None
) -> tuple[str, Message]:
    if forced is not None:
        return forced, Message(N_("{method_text} as set for this variable"), method_text=METHODS[forced].name)
    if rank:
        test = choose_rank_test(k, policy)
        if k == 2:
            return test, Message(N_("two groups, summarised by median [IQR]"))
        return test, Message(N_("{k} groups, summarised by median [IQR]"), k=k)
    test = METHODS.first((policy.continuous, "anova"), k).id
    if test == policy.continuous:
        if policy.continuous == "welch_t":
            return test, Message(N_("two groups, summarised by mean (SD); unequal variances allowed"))
        return test, Message(N_("two groups, summarised by mean (SD); equal variances assumed"))
    return test, Message(N_("{k} groups, summarised by mean (SD)"), k=k)
