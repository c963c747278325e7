"""Choosing and running the test of one variable, with the reason written down."""

from __future__ import annotations

import numpy as np

from iectox.stats import tests
from iectox.stats.policy import TestPolicy
from iectox.stats.tests import TESTS

COUNT_TESTS = ("pearson_chi2", "yates_chi2", "fisher_exact")
SAMPLE_TESTS = ("welch_t", "student_t", "mann_whitney", "kruskal_wallis", "anova")


def expected_counts(table: np.ndarray) -> np.ndarray:
    total = table.sum()
    return np.outer(table.sum(axis=1), table.sum(axis=0)) / total if total else np.zeros_like(table, float)


def testable(table: np.ndarray) -> np.ndarray:
    """The table without levels or groups that have no observation at all (they carry no information)."""
    return table[table.sum(axis=1) > 0][:, table.sum(axis=0) > 0]


def choose_count_test(table: np.ndarray, policy: TestPolicy, forced: str | None = None) -> tuple[str, str]:
    """Pearson (with or without Yates) unless an expected count is too small for it: then Fisher's exact."""
    shape = f"{table.shape[0]} x {table.shape[1]} table"
    expected = expected_counts(table)
    smallest = float(expected.min()) if expected.size else 0.0
    small = int((expected < (policy.fisher_below or 0)).sum())
    if forced is not None:
        return forced, f"{TESTS[forced]} as set for this variable ({shape})"
    if policy.fisher_below is not None and small:
        return "fisher_exact", (
            f"{small} of {expected.size} expected counts below {policy.fisher_below:g} "
            f"(smallest {smallest:.2f}) in the {shape}"
        )
    if policy.categorical == "yates_chi2" and table.shape == (2, 2):
        return (
            "yates_chi2",
            f"2 x 2 table, continuity correction by policy; smallest expected count {smallest:.2f}",
        )
    correction = "" if policy.categorical == "pearson_chi2" else "; Yates applies to 2 x 2 tables only"
    return "pearson_chi2", f"{shape}, smallest expected count {smallest:.2f}{correction}"


def choose_sample_test(k: int, rank: bool, policy: TestPolicy, forced: str | None = None) -> tuple[str, str]:
    if forced is not None:
        return forced, f"{TESTS[forced]} as set for this variable"
    if rank:
        return (
            ("mann_whitney", "two groups, summarised by median [IQR]")
            if k == 2
            else ("kruskal_wallis", f"{k} groups, summarised by median [IQR]")
        )
    if k == 2:
        variances = (
            "unequal variances allowed" if policy.continuous == "welch_t" else "equal variances assumed"
        )
        return policy.continuous, f"two groups, summarised by mean (SD); {variances}"
    return "anova", f"{k} groups, summarised by mean (SD)"


def run_count_test(test: str, table: np.ndarray) -> tests.TestResult:
    runners = {
        "pearson_chi2": tests.pearson_chi2,
        "yates_chi2": tests.yates_chi2,
        "fisher_exact": tests.fisher_exact,
    }
    if test not in runners:
        raise ValueError(f"{test} does not apply to counts; use one of {', '.join(runners)}")
    return runners[test](table)


def run_sample_test(test: str, samples: list[np.ndarray]) -> tests.TestResult:
    if test in ("welch_t", "student_t", "mann_whitney") and len(samples) != 2:
        raise ValueError(f"{test} compares two groups, not {len(samples)}")
    runners = {
        "welch_t": tests.welch_t,
        "student_t": tests.student_t,
        "mann_whitney": tests.mann_whitney,
        "kruskal_wallis": tests.kruskal_wallis,
        "anova": tests.anova,
    }
    if test not in runners:
        raise ValueError(f"{test} does not apply to continuous values; use one of {', '.join(runners)}")
    return runners[test](*samples)
