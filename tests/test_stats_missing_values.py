"""The public test functions leave missing values out as R does, and refuse what R cannot compute.

Every expected value is R 4.2.2's, with the call beside it. Before: NaN was ranked as the largest value
(`mann_whitney`, `kruskal_wallis`) and the t-tests said "data are essentially constant" for a NaN.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from iectox.stats.methods import (
    NotComputable,
    anova,
    kruskal_wallis,
    mann_whitney,
    student_t,
    welch_t,
    welch_t_from_stats,
)

A = [1.5, 2, np.nan, 7]
B = [3, 4, 5, np.nan, 6]


def test_wilcoxon_leaves_missing_values_out():
    # R 4.2.2: wilcox.test(c(1.5, 2, NaN, 7), c(3, 4, 5, NA, 6)) -> W = 4, p = 0.62857142857142856,
    # "Wilcoxon rank sum exact test"
    result = mann_whitney(A, B)
    assert result.statistic == 4
    assert result.p_value == pytest.approx(0.62857142857142856, abs=1e-12)
    assert result.method == "Wilcoxon rank sum exact test"
    assert "2 missing value(s) left out" in result.detail


def test_wilcoxon_with_ties_after_leaving_missing_values_out():
    # R 4.2.2: wilcox.test(c(1, 2, 2, NaN, 7), c(3, 4, 5, 6, NA)) -> W = 4, p = 0.30942406036465891,
    # "Wilcoxon rank sum test with continuity correction" (warning: cannot compute exact p-value with ties)
    result = mann_whitney([1, 2, 2, np.nan, 7], [3, 4, 5, 6, np.nan])
    assert result.statistic == 4
    assert result.p_value == pytest.approx(0.30942406036465891, abs=1e-12)
    assert result.warnings == ("cannot compute exact p-value with ties",)


def test_wilcoxon_ranks_infinite_values_as_r_4():
    # R 4.2.2: wilcox.test(c(1.5, 2, Inf, 7), c(3, 4, 5, -Inf, 6)) -> W = 12, p = 0.73015873015873023
    result = mann_whitney([1.5, 2, np.inf, 7], [3, 4, 5, -np.inf, 6])
    assert result.statistic == 12
    assert result.p_value == pytest.approx(0.73015873015873023, abs=1e-12)


def test_kruskal_wallis_leaves_missing_values_out():
    # R 4.2.2: kruskal.test(list(c(1, 2, NaN), c(3, 4, 5), c(6, 7, NA)))
    # -> Kruskal-Wallis chi-squared = 5.35714285714285765, p = 0.06866117151308497
    result = kruskal_wallis([1, 2, np.nan], [3, 4, 5], [6, 7, np.nan])
    assert result.statistic == pytest.approx(5.35714285714285765, abs=1e-12)
    assert result.p_value == pytest.approx(0.06866117151308497, abs=1e-12)
    # R 4.2.2: kruskal.test(list(c(1, 2, Inf), c(3, 4, 5), c(6, 7))) -> 1.80555555555555713, p = 0.40544186667908028
    ranked = kruskal_wallis([1, 2, np.inf], [3, 4, 5], [6, 7])
    assert ranked.p_value == pytest.approx(0.40544186667908028, abs=1e-12)


def test_a_group_of_missing_values_only_is_refused_by_name():
    with pytest.raises(NotComputable, match="second group has no observations \\(all 2 missing\\)"):
        mann_whitney([1, 2], [np.nan, np.nan])


def test_t_tests_leave_missing_values_out():
    # R 4.2.2: t.test(c(1.5, 2, NaN, 7), c(3, 4, 5, NA, 6))
    # -> t = -0.53452248382484868, df = 2.54606687515034968, p = 0.63606996034742791
    welch = welch_t(A, B)
    assert welch.statistic == pytest.approx(-0.53452248382484868, abs=1e-12)
    assert welch.df == pytest.approx(2.54606687515034968, abs=1e-10)
    assert welch.p_value == pytest.approx(0.63606996034742791, abs=1e-12)
    # R 4.2.2: t.test(c(1.5, 2, NaN, 7), c(3, 4, 5, NA, 6), var.equal = TRUE)
    # -> t = -0.6039384416787742, df = 5, p = 0.5722363100543254
    student = student_t(A, B)
    assert student.statistic == pytest.approx(-0.6039384416787742, abs=1e-12)
    assert student.df == 5
    assert student.p_value == pytest.approx(0.5722363100543254, abs=1e-12)
    assert "2 missing value(s) left out" in student.detail


def test_anova_leaves_missing_values_out():
    # R 4.2.2: oneway.test(y ~ g, data.frame(y = c(1.5, 2, NaN, 7, 3, 4, 5, NA, 6, 8, 9, 9.5),
    #   g = rep(c("a", "b", "c"), each = 4)), var.equal = TRUE) -> F = 5.854401805869074771, p = 0.032039230981500515
    result = anova([1.5, 2, np.nan, 7], [3, 4, 5, np.nan], [6, 8, 9, 9.5])
    assert result.statistic == pytest.approx(5.854401805869074771, abs=1e-12)
    assert result.p_value == pytest.approx(0.032039230981500515, abs=1e-12)


def test_t_tests_name_the_real_cause():
    # R 4.2.2: t.test(c(1.5, 2, Inf, 7), c(3, 4, 5, 6)) -> error "missing value where TRUE/FALSE needed"
    with pytest.raises(NotComputable, match="first group holds an infinite value"):
        welch_t([1.5, 2, np.inf, 7], [3, 4, 5, 6])
    # R 4.2.2: t.test(c(1, NaN), c(3, 4, 5)) -> error "not enough 'x' observations"
    with pytest.raises(NotComputable, match="not enough observations in the first group"):
        welch_t([1, np.nan], [3, 4, 5])
    # R 4.2.2: t.test(c(1, 1, NaN), c(1, 1, 1)) -> error "data are essentially constant" (really constant)
    with pytest.raises(NotComputable, match="essentially constant"):
        welch_t([1, 1, np.nan], [1, 1, 1])
    assert not math.isnan(welch_t([1, 2, np.nan], [3, 4, 6]).p_value)


def test_printed_moments_that_are_not_numbers_are_named_as_such():
    with pytest.raises(NotComputable, match="a mean or SD is not a finite number"):
        welch_t_from_stats(1.0, math.nan, 3, 2.0, 1.0, 3)
