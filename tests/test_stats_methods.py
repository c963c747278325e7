"""Each test against the value R 4.2.2 gives; the R call that produced every reference value is beside it.

R is not needed to run these tests: the values were computed once and pasted with 15 significant digits.
"""

from __future__ import annotations

import time

import numpy as np
import pytest

from iectox.stats import (
    METHODS,
    NotComputable,
    anova,
    anova_from_stats,
    fisher_exact,
    kruskal_wallis,
    mann_whitney,
    pearson_chi2,
    student_t,
    student_t_from_stats,
    welch_t,
    welch_t_from_stats,
    yates_chi2,
)

R = dict(rel=1e-9)  # R prints 15 significant digits; the implementations agree to ~1e-12

SEX = [[230, 131], [27, 13]]  # sex <- matrix(c(230,131,27,13), 2, byrow=TRUE)
SMALL = [[3, 1], [1, 3]]  # small <- matrix(c(3,1,1,3), 2, byrow=TRUE)
ZERO = [[195, 5], [20, 0]]  # zero <- matrix(c(195,5,20,0), 2, byrow=TRUE)
NEAR = [[5, 5], [5, 6]]  # near <- matrix(c(5,5,5,6), 2, byrow=TRUE): |O - E| < 0.5
CORT = [[107, 93], [13, 7]]  # cort <- matrix(c(107,93,13,7), 2, byrow=TRUE)
CRS = [[57, 255, 45, 3], [20, 13, 5, 2]]  # crs <- matrix(c(57,255,45,3, 20,13,5,2), 2, byrow=TRUE)
ICANS = [
    [309, 6, 27, 17, 2],
    [32, 8, 4, 2, 2],
]  # icans <- matrix(c(309,6,27,17,2, 32,8,4,2,2), 2, byrow=TRUE)
G33 = [[8, 3, 1], [4, 6, 2], [1, 3, 7]]  # g33 <- matrix(c(8,3,1, 4,6,2, 1,3,7), 3, byrow=TRUE)
SYM = [[2, 0, 2], [0, 2, 0], [2, 0, 2]]  # sym <- matrix(c(2,0,2, 0,2,0, 2,0,2), 3, byrow=TRUE)
G26 = [
    [10, 8, 7, 6, 5, 4],
    [60, 60, 60, 60, 60, 61],
]  # g26 <- matrix(c(10,8,7,6,5,4, 60,...,61), 2, byrow=TRUE)


@pytest.mark.parametrize(
    ("table", "statistic", "p", "warns"),
    [
        (SEX, 0.224520611624888, 0.635616817978311, False),  # chisq.test(sex, correct=FALSE)
        (SMALL, 2, 0.157299207050284, True),  # chisq.test(small, correct=FALSE)
        (ZERO, 0.511627906976744, 0.474434995523743, True),  # chisq.test(zero, correct=FALSE)
        (CRS, None, 1.39146533082831e-07, True),  # chisq.test(crs)
        (ICANS, 35.4078564318551, 3.83013864338116e-07, True),  # chisq.test(icans)
        (G33, 13.5665792540793, 0.00881491111134626, True),  # chisq.test(g33)
    ],
)
def test_pearson_chi2_matches_chisq_test_without_correction(table, statistic, p, warns):
    result = pearson_chi2(table)
    assert result.p_value == pytest.approx(p, **R)
    if statistic is not None:
        assert result.statistic == pytest.approx(statistic, **R)
    assert result.df == (len(table) - 1) * (len(table[0]) - 1)
    assert result.method == "Pearson's Chi-squared test"
    assert (result.warnings == ("Chi-squared approximation may be incorrect",)) is warns


@pytest.mark.parametrize(
    ("table", "statistic", "p"),
    [
        (SEX, 0.0900923762422261, 0.764059751208172),  # chisq.test(sex)
        (SMALL, 0.5, 0.479500122186953),  # chisq.test(small)
        (
            ZERO,
            4.79300935980826e-30,
            0.999999999999998,
        ),  # chisq.test(zero): correction min(0.5, |O-E|) = 0.4545
        (NEAR, 0, 1),  # chisq.test(near): |O - E| = 0.238 < 0.5 everywhere, so the statistic is 0
        (CORT, None, 0.453673254003961),  # chisq.test(cort)
    ],
)
def test_yates_chi2_matches_chisq_test_default_on_2x2(table, statistic, p):
    result = yates_chi2(table)
    assert result.p_value == pytest.approx(p, **R)
    if statistic is not None:
        assert result.statistic == pytest.approx(statistic, rel=1e-9, abs=1e-28)
    assert result.method == "Pearson's Chi-squared test with Yates' continuity correction"


def test_yates_is_refused_beyond_2x2_as_r_applies_no_correction_there():
    with pytest.raises(NotComputable, match="2 x 2"):
        yates_chi2(CRS)


def test_an_empty_level_is_dropped_rather_than_giving_nan():
    # chisq.test(cbind(c(230,27), c(0,0), c(131,13)), correct=FALSE) is NaN in R; the level no one has is dropped.
    result = pearson_chi2([[230, 0, 131], [27, 0, 13]])
    assert result.p_value == pytest.approx(0.635616817978311, **R)
    assert "dropped 1 empty column(s)" in result.detail


@pytest.mark.parametrize(
    ("table", "p"),
    [
        (SEX, 0.729544341818235),  # fisher.test(sex)$p.value
        (SMALL, 0.485714285714286),  # fisher.test(small)$p.value
        (ZERO, 1),  # fisher.test(zero)$p.value
        (CORT, 0.356470786071645),  # fisher.test(cort)$p.value
        (CRS, 7.00547956088934e-07),  # fisher.test(crs)$p.value (2 x 4)
        (ICANS, 3.47524511617387e-05),  # fisher.test(icans)$p.value (2 x 5 grade table)
        (G33, 0.0148917778349888),  # fisher.test(g33)$p.value (3 x 3)
        (SYM, 0.146666666666666),  # fisher.test(sym)$p.value (3 x 3, tables tied with the observed one)
        (G26, 0.687217954429965),  # fisher.test(g26, workspace=2e8)$p.value (2 x 6, n = 401)
        # fisher.test(rbind(c(30,20,10), c(20,30,25), c(10,25,40)), workspace=2e8)$p.value: 3 x 3, 3 million tables
        ([[30, 20, 10], [20, 30, 25], [10, 25, 40]], 7.30742712043718e-06),
        (
            [[3, 0, 2], [1, 0, 5]],
            0.242424242424242,
        ),  # fisher.test(matrix(c(3,1,0,0,2,5),2))$p.value: empty column
    ],
)
def test_fisher_exact_matches_fisher_test(table, p):
    result = fisher_exact(table)
    assert result.p_value == pytest.approx(p, **R)
    assert result.method == "Fisher's exact test"
    assert "exact" in result.detail


def test_fisher_2x6_with_401_patients_is_fast():
    fisher_exact(G26)  # warm-up: imports, caches
    best = min(_timed(lambda: fisher_exact(G26)) for _ in range(3))
    assert best < 0.3


def test_welch_and_student_t_on_raw_values_match_t_test():
    a = [5.1, 4.9, 6.2, 5.8, 6.0, 5.5, 5.3]
    b = [6.5, 6.0, 7.1, 6.8, 5.9, 7.4]
    welch = welch_t(a, b)  # t.test(a, b)
    assert (welch.statistic, welch.df, welch.p_value) == pytest.approx(
        (-3.53256964666328, 9.59427989499761, 0.00578133533117893), **R
    )
    assert welch.method == "Welch Two Sample t-test"
    student = student_t(a, b)  # t.test(a, b, var.equal=TRUE)
    assert (student.statistic, student.df, student.p_value) == pytest.approx(
        (-3.59796585443752, 11, 0.00418481106438527), **R
    )


@pytest.mark.parametrize(
    ("args", "welch", "expected"),
    [
        # the seed's age and weight rows; R calls below the table, on the printed mean, SD and n
        ((62.7, 14.2, 361, 59.1, 13.6, 40), True, (1.58135854607963, 48.91382066105, 0.120241540759603)),
        ((62.7, 14.2, 361, 59.1, 13.6, 40), False, (1.52752548368304, 399, 0.127422709171253)),
        ((69.1, 14.5, 361, 77.2, 24.7, 40), True, (-2.03554471925413, 42.0286716511943, 0.0481328295469407)),
        ((69.1, 14.5, 361, 77.2, 24.7, 40), False, (-3.07827437558276, 399, 0.00222584447356892)),
    ],
)
def test_t_tests_from_printed_means_sds_and_ns(args, welch, expected):
    # R (t.test's own formulas, as t.test needs raw data):
    #   welch:  se <- sqrt(s1^2/n1 + s2^2/n2); df <- se^4/((s1^2/n1)^2/(n1-1) + (s2^2/n2)^2/(n2-1))
    #   pooled: df <- n1+n2-2; se <- sqrt(((n1-1)*s1^2 + (n2-1)*s2^2)/df * (1/n1+1/n2))
    #   t <- (m1-m2)/se; c(t, df, 2*pt(-abs(t), df))
    result = (welch_t_from_stats if welch else student_t_from_stats)(*args)
    assert (result.statistic, result.df, result.p_value) == pytest.approx(expected, **R)


def test_t_test_refuses_what_r_refuses():
    with pytest.raises(NotComputable, match="not enough"):
        welch_t([1.0], [2.0, 3.0])
    with pytest.raises(NotComputable, match="constant"):
        welch_t([2.0, 2.0], [2.0, 2.0])


def test_anova_matches_oneway_test_and_aov():
    a = [5.1, 4.9, 6.2, 5.8, 6.0, 5.5, 5.3]
    b = [6.5, 6.0, 7.1, 6.8, 5.9, 7.4]
    c = [5.9, 6.1, 5.2, 6.6, 6.3]
    # y <- c(a, b, cc); g <- factor(rep(1:3, c(7, 6, 5))); oneway.test(y ~ g, var.equal=TRUE)
    result = anova(a, b, c)
    assert (result.statistic, result.p_value) == pytest.approx((6.54009226346346, 0.00907161817395129), **R)
    assert result.df == 2 and "F on 2 and 15" in result.detail
    groups = [np.asarray(g) for g in (a, b, c)]
    from_stats = anova_from_stats([g.mean() for g in groups], [g.std(ddof=1) for g in groups], [7, 6, 5])
    assert from_stats.p_value == pytest.approx(0.00907161817395136, **R)  # summary(aov(y ~ g))


X1 = [1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30]
Y1 = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.04, 3.14, 1.21]


@pytest.mark.parametrize(
    ("a", "b", "w", "p", "exact"),
    [
        (X1, Y1, 58, 0.135911147675854, True),  # wilcox.test(x1, y1): W above mn/2, upper tail
        (Y1, X1, 23, 0.135911147675854, True),  # wilcox.test(y1, x1): W below mn/2, lower tail
        ([1, 2, 3], [4, 5, 6, 7], 0, 0.0571428571428571, True),  # wilcox.test(c(1,2,3), c(4,5,6,7))
        (
            2 * np.arange(1, 31),
            2 * np.arange(1, 46) + 1,
            435,
            0.00900942159347932,
            True,
        ),  # wilcox.test(2*(1:30), 2*(1:45)+1)
        (
            [1, 2, 2, 3, 5],
            [2, 4, 4, 6, 7, 8],
            5,
            0.079343683197715,
            False,
        ),  # wilcox.test(c(1,2,2,3,5), c(2,4,4,6,7,8))
        (
            2 * np.arange(1, 61),
            2 * np.arange(1, 56) + 7,
            1595,
            0.760258447110359,
            False,
        ),  # wilcox.test(2*(1:60), 2*(1:55)+7)
        (
            np.repeat(np.arange(4), [57, 255, 45, 3]),
            np.repeat(np.arange(4), [20, 13, 5, 2]),
            9042,
            0.0013959792652659,  # wilcox.test(rep(0:3, c(57,255,45,3)), rep(0:3, c(20,13,5,2)))
            False,
        ),
    ],
)
def test_mann_whitney_follows_wilcox_test(a, b, w, p, exact):
    result = mann_whitney(a, b)
    assert result.statistic == w
    assert result.p_value == pytest.approx(p, **R)
    if exact:
        assert result.method == "Wilcoxon rank sum exact test"
    else:
        assert result.method == "Wilcoxon rank sum test with continuity correction"


def test_mann_whitney_warns_as_r_when_ties_prevent_the_exact_test():
    result = mann_whitney([1, 2, 2, 3, 5], [2, 4, 4, 6, 7, 8])
    assert result.warnings == ("cannot compute exact p-value with ties",)
    assert mann_whitney(2 * np.arange(1, 61), 2 * np.arange(1, 56) + 7).warnings == ()  # n >= 50: no warning


def test_mann_whitney_on_a_million_values_is_fast():
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=500_000), rng.normal(size=500_000)
    mann_whitney(a[:100], b[:100])
    best = min(_timed(lambda: mann_whitney(a, b)) for _ in range(3))
    assert best < 0.3


@pytest.mark.parametrize(
    ("groups", "statistic", "p"),
    [
        # kruskal.test(list(c(2.9,3.0,2.5,2.6,3.2), c(3.8,2.7,4.0,2.4), c(2.8,3.4,3.7,2.2,2.0)))
        (
            ([2.9, 3.0, 2.5, 2.6, 3.2], [3.8, 2.7, 4.0, 2.4], [2.8, 3.4, 3.7, 2.2, 2.0]),
            0.771428571428572,
            0.679964773578894,
        ),
        # kruskal.test(list(a, b, cc)) with the ANOVA groups above
        (
            ([5.1, 4.9, 6.2, 5.8, 6.0, 5.5, 5.3], [6.5, 6.0, 7.1, 6.8, 5.9, 7.4], [5.9, 6.1, 5.2, 6.6, 6.3]),
            7.35235140591914,
            0.0253196196647203,
        ),
        # kruskal.test(list(rep(0:3, c(57,255,45,3)), rep(0:3, c(20,13,5,2)))): heavy ties
        (
            (np.repeat(np.arange(4), [57, 255, 45, 3]), np.repeat(np.arange(4), [20, 13, 5, 2])),
            10.2166451925774,
            0.00139178785118521,
        ),
    ],
)
def test_kruskal_wallis_matches_kruskal_test(groups, statistic, p):
    result = kruskal_wallis(*groups)
    assert (result.statistic, result.p_value) == pytest.approx((statistic, p), **R)
    assert result.df == len(groups) - 1


def test_registry_holds_the_summary_table_format_ids_in_its_order():
    # summary-table/1 (docs/summary_table_format.md) names its stated_test values and orders them so.
    assert tuple(METHODS) == (
        "pearson_chi2",
        "yates_chi2",
        "fisher_exact",
        "welch_t",
        "student_t",
        "mann_whitney",
        "kruskal_wallis",
        "anova",
        "welch_anova",
        "prop_trend",
        "linear_by_linear",
        "wilcoxon_exact",
        "wilcoxon_asymptotic",
        "mantel_haenszel",
        "mantel_haenszel_uncorrected",
        "mantel_haenszel_exact",
        "cmh_generalized",
        "mcnemar",
        "mcnemar_uncorrected",
    )
    assert METHODS["fisher_exact"].name == "Fisher's exact test"
    assert METHODS["mann_whitney"].name == "Wilcoxon rank sum test"


def _timed(call) -> float:
    """CPU seconds of `call`: a busy machine (CI shares its cores) does not inflate it as it does wall time."""
    start = time.process_time()
    call()
    return time.process_time() - start
