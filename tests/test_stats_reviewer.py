"""The tests a reviewer asks for, against R 4.2.2 (coin 1.4-2): Welch's ANOVA, trend tests, coin's exact
Wilcoxon with ties, Cochran-Mantel-Haenszel and McNemar. R never runs here: each expected value was printed
once with `sprintf("%.15g", ...)` and pasted with its R call beside it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from iectox.stats.compare import compare
from iectox.stats.methods import METHODS, Moments, NotComputable
from iectox.stats.methods.cmh import mantel_haenszel_exact_odds_ratio, mantel_haenszel_odds_ratio
from iectox.stats.methods.registry import POST_HOC
from iectox.stats.methods.welch_anova import welch_anova, welch_anova_from_moments
from iectox.stats.methods.wilcoxon_exact import wilcoxon_exact
from iectox.stats.variables import Variable

EXACT = dict(rel=1e-10)  # closed forms and exact counts: R's 15 printed digits, to 1e-10


def r_array(cells: list[float], rows: int, columns: int, strata: int) -> np.ndarray:
    """R's `array(cells, dim = c(rows, columns, strata))` as iectox's strata x rows x columns."""
    return np.asarray(cells, dtype=float).reshape(strata, columns, rows).transpose(0, 2, 1)


# --- Welch's ANOVA: oneway.test(y ~ g), var.equal = FALSE -------------------------------------------------
A = [5.1, 4.9, 6.2, 5.8, 6.0, 5.5]
B = [6.5, 6.0, 7.1, 6.8, 5.9]
C = [7.2, 8.1, 6.4, 9.0, 7.7, 8.8, 6.9]
D = [10.2, 30.5, 15.1, 45.0]


@pytest.mark.parametrize(
    "groups, statistic, df2, p",
    [
        # y <- c(A, B, C); g <- factor(rep(c("a", "b", "c"), c(6, 5, 7))); oneway.test(y ~ g)
        ((A, B, C), 12.7918756586567319, 9.79793276043015204, 0.00185404626985695),
        # four groups, the last one far more spread: oneway.test(c(A, B, C, D) ~ g2)
        ((A, B, C, D), 9.49794261804572848, 8.25944390343327939, 0.00474254691674846),
        # two groups: oneway.test(c(A, B) ~ g) equals t.test(A, B)$p.value = 0.0206554288654677, F = t^2
        ((A, B), 7.9881048619933104, 8.6342569060092718, 0.0206554288654677),
    ],
)
def test_welch_anova_matches_oneway_test(groups, statistic, df2, p):
    result = welch_anova(*groups)
    assert (result.statistic, result.p_value) == pytest.approx((statistic, p), **EXACT)
    assert result.df == len(groups) - 1
    assert f"and {df2:.4g} degrees of freedom" in result.detail
    assert result.method == "One-way analysis of means (not assuming equal variances)"
    moments = [Moments.of(g, "g") for g in groups]
    aggregate = welch_anova_from_moments(moments)
    assert (aggregate.statistic, aggregate.p_value) == pytest.approx((statistic, p), **EXACT)
    assert aggregate.detail.endswith("from mean, SD and n")


@pytest.mark.parametrize(
    "groups, reason",
    [
        ((A, [1.0, 1.0]), "a group has no variation"),  # oneway.test(c(A, 1, 1) ~ g): F = NaN
        ((A, B, [7.0]), "every group needs at least 2 observations"),  # R: "not enough observations"
        ((A,), "needs at least 2 groups"),  # R: "not enough groups"
        ((A, B, [7.0, np.nan, 8.0]), r"group 3 has 1 missing value\(s\)"),  # R drops NA: iectox says so
    ],
)
def test_welch_anova_says_why_it_cannot_run(groups, reason):
    with pytest.raises(NotComputable, match=reason):
        welch_anova(*groups)


def test_welch_anova_is_chosen_from_three_groups_and_rechecks_printed_means():
    assert METHODS["welch_anova"].refusal(2) == "welch_anova compares 3 or more groups, not 2"
    printed = [Moments(5.5, 0.5, 6), Moments(6.5, 0.6, 5), Moments(6.0, 0.5, 4)]
    assert METHODS["welch_anova"].run_from_aggregates(printed).test == "welch_anova"


# --- Trend tests --------------------------------------------------------------------------------------------
def events(x: list[int], n: list[int]) -> np.ndarray:
    """prop.trend.test's x (events) and n (totals) as a groups x (events, non-events) table."""
    return np.column_stack([x, np.subtract(n, x)])


@pytest.mark.parametrize(
    "x, n, statistic, p",
    [
        ([15, 10, 8, 3], [30, 28, 25, 20], 6.25651340432433, 0.0123737492364958),  # prop.trend.test(x, n)
        ([2, 0, 5], [10, 0, 12], 1.18031746031746, 0.277291376427606),  # an empty middle group keeps score 2
        ([0, 0, 4], [10, 8, 12], 5.51594746716698, 0.0188438635601115),  # zero events in two groups
        ([1, 2, 3, 4, 5], [5, 5, 5, 5, 5], 8.33333333333334, 0.00389241712277862),  # perfect linear fit
    ],
)
def test_prop_trend_matches_prop_trend_test(x, n, statistic, p):
    result = METHODS["prop_trend"].run(events(x, n))
    assert (result.statistic, result.p_value, result.df) == pytest.approx((statistic, p, 1.0), **EXACT)
    assert result.method == "Chi-squared Test for Trend in Proportions"


@pytest.mark.parametrize(
    "x, n, reason",
    [
        ([0, 0, 0], [5, 6, 7], "every patient has the event"),  # prop.trend.test(c(0,0,0), c(5,6,7)): NaN
        ([5, 6, 7], [5, 6, 7], "every patient has the event"),
        ([0, 3, 0], [0, 8, 0], "all patients are in one group"),
    ],
)
def test_prop_trend_says_why_it_cannot_run(x, n, reason):
    with pytest.raises(NotComputable, match=reason):
        METHODS["prop_trend"].run(events(x, n))


# rows are groups in order, columns grades in order; coin::lbl_test(as.table(m)) with m as written
LBL_4X3 = np.array([[10, 8, 4], [5, 6, 6], [3, 5, 7], [1, 2, 5]])  # matrix(c(10,5,3,1, 8,6,5,2, 4,6,7,5), 4)
LBL_3X4 = np.array(
    [[10, 8, 4, 5], [6, 6, 3, 5], [7, 1, 2, 5]]
)  # matrix(c(10,8,4,5,6,6,3,5,7,1,2,5), 3, byrow=T)
LBL_EMPTY = np.array([[12, 3, 0, 1], [0, 0, 0, 0], [5, 6, 4, 2]])  # an empty middle group (byrow = TRUE)
LBL_3X2 = np.array([[20, 5], [15, 10], [8, 12]])  # matrix(c(20,5, 15,10, 8,12), 3, byrow = TRUE)
LBL_2X3 = np.array([[20, 5, 3], [8, 12, 9]])  # matrix(c(20,5,3, 8,12,9), 2, byrow = TRUE)


@pytest.mark.parametrize(
    "table, z, p",
    [
        (LBL_4X3, 2.60858935536318, 0.00909162717071155),  # statistic(lbl_test(as.table(m))), pvalue(...)
        (LBL_3X4, 0.541891739955697, 0.587893087356939),
        (LBL_EMPTY, 2.31862418247277, 0.0204154227200992),
        (
            LBL_3X2,
            -2.72560829329444,
            0.00641831177379135,
        ),  # 2 levels: coin scores the first level's indicator
        (LBL_3X2.T, -2.72560829329444, 0.00641831177379131),
        (LBL_2X3, -3.04122441322236, 0.00235618146917358),
    ],
)
def test_linear_by_linear_matches_coin_lbl_test(table, z, p):
    result = METHODS["linear_by_linear"].run(table)
    assert (result.statistic, result.p_value) == pytest.approx((z, p), **EXACT)
    assert result.method == "Asymptotic Linear-by-Linear Association Test"


def test_linear_by_linear_refuses_what_coin_refuses():
    # lbl_test(as.table(matrix(c(20,5, 8,12), 2, byrow = TRUE))): "'object' does not represent a problem with
    # ordered data"
    with pytest.raises(NotComputable, match="does not represent a problem with ordered data"):
        METHODS["linear_by_linear"].run([[20, 5], [8, 12]])
    with pytest.raises(NotComputable, match="all patients are in one group or at one level"):
        METHODS["linear_by_linear"].run([[4, 3, 2], [0, 0, 0], [0, 0, 0]])


# --- coin's Wilcoxon-Mann-Whitney, exact with ties, and asymptotic ----------------------------------------
GRADES_A = [0, 1, 1, 2, 3, 0, 0, 1, 2, 2, 4, 1]
GRADES_B = [2, 2, 3, 3, 4, 1, 2, 3, 4, 4]
X1 = [1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30]
Y1 = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.04, 3.14, 1.21]
MANY = [0] * 20 + [1] * 15 + [2] * 8 + [3] * 4 + [4]
FEW = [0] * 3 + [1] * 5 + [2] * 6 + [3] * 4 + [4] * 2
# set.seed(1); a <- sample(0:4, 80, TRUE, prob = c(.3,.3,.2,.15,.05)); b <- sample(0:4, 60, TRUE,
# prob = c(.2,.3,.25,.15,.1)); cat(a, sep = ","); cat(b, sep = ",")
SEEDED_A = [
    1, 0, 0, 3, 1, 3, 3, 2, 2, 1, 1, 1, 2, 0, 2, 0, 2, 4, 0, 2, 3, 1, 2, 1, 1, 0, 1, 0, 3, 0, 0, 0, 0, 1, 3, 2,
    2, 1, 2, 0, 3, 2, 2, 0, 0, 2, 1, 0, 2, 2, 0, 3, 0, 1, 1, 1, 0, 0, 2, 0, 3, 1, 0, 0, 2, 1, 0, 2, 1, 3, 0, 3,
    0, 0, 0, 3, 3, 0, 2, 4,
]  # fmt: skip
SEEDED_B = [
    2, 0, 2, 2, 3, 1, 0, 1, 1, 1, 1, 1, 0, 3, 3, 3, 2, 2, 3, 0, 0, 2, 1, 4, 0, 1, 1, 2, 4, 0, 4, 0, 2, 2, 1, 1,
    0, 1, 2, 0, 4, 2, 2, 1, 3, 2, 2, 1, 1, 0, 0, 1, 1, 0, 4, 0, 0, 2, 4, 2,
]  # fmt: skip


@pytest.mark.parametrize(
    "a, b, z, exact_p, asymptotic_p",
    [
        # y <- c(a, b); g <- factor(rep(c("A", "B"), c(length(a), length(b))))
        # statistic(wilcox_test(y ~ g, distribution = "exact")), pvalue(...), pvalue(wilcox_test(y ~ g))
        (GRADES_A, GRADES_B, -2.46228345941635, 0.0121519347525539, 0.013805550925793),
        # no ties: the exact p is wilcox.test(X1, Y1)$p.value = 0.135911147675854 too
        (X1, Y1, 1.54528774990922, 0.135911147675854, 0.122276677214714),
        (MANY, FEW, -2.74901023396219, 0.00538375176399606, 0.00597755198612802),  # first group the larger
        ([0, 1, 2], [0, 1, 2], 0.0, 1.0, 1.0),  # Z = 0: p = 1
        ([3], [0, 1, 1, 2, 2, 3, 4], 0.888888888888889, 0.75, 0.374062797490883),  # a group of one
        (SEEDED_A, SEEDED_B, -1.0004302224768, 0.319001617459127, 0.317102350160778),  # 80 vs 60 grades
    ],
)
def test_wilcoxon_matches_coin_wilcox_test(a, b, z, exact_p, asymptotic_p):
    exact = METHODS["wilcoxon_exact"].run([a, b])
    assert exact.method == "Exact Wilcoxon-Mann-Whitney Test"
    assert (exact.statistic, exact.p_value) == pytest.approx((z, exact_p), **EXACT)
    asymptotic = METHODS["wilcoxon_asymptotic"].run([a, b])
    assert asymptotic.method == "Asymptotic Wilcoxon-Mann-Whitney Test"
    assert (asymptotic.statistic, asymptotic.p_value) == pytest.approx((z, asymptotic_p), **EXACT)


def test_exact_wilcoxon_too_large_to_count_runs_coins_asymptotic_test_and_says_so():
    result = wilcoxon_exact(GRADES_A, GRADES_B, max_cells=100)
    assert result.test == "wilcoxon_exact"
    assert result.method == "Asymptotic Wilcoxon-Mann-Whitney Test"
    assert result.detail.startswith("exact distribution too large to count (n = 12 and 10: over 100 cells")
    assert result.p_value == pytest.approx(0.013805550925793, **EXACT)  # pvalue(wilcox_test(y ~ g))
    rng = np.random.default_rng(5)
    large = wilcoxon_exact(rng.normal(size=300), rng.normal(size=300))
    assert large.method == "Asymptotic Wilcoxon-Mann-Whitney Test"


def test_exact_wilcoxon_counts_past_a_floats_range_where_coin_overflows():
    # 1,100 tied zeros: C(1100, 450) > 1e308. coin::wilcox_test(y ~ g, distribution = "exact") stops with
    # "overflow error; cannot compute exact distribution" (before: an OverflowError traceback here). With a yes/no
    # outcome the mid-rank sum is linear in the number of 1s in the first group, hypergeometric given the margins:
    # x <- 0:100; d <- dhyper(x, 100, 1100, 450); E <- 450 * 100 / 1200; sum(d[abs(x - E) >= abs(50 - E) - 1e-9])
    # = 0.00933069305216052
    first, second = [0] * 400 + [1] * 50, [0] * 700 + [1] * 50
    result = METHODS["wilcoxon_exact"].run([first, second])
    assert result.method == "Exact Wilcoxon-Mann-Whitney Test"
    assert result.p_value == pytest.approx(0.00933069305216052, **EXACT)


@pytest.mark.parametrize(
    "a, b, reason",
    [
        ([2, 2, 2], [2, 2], "all values are equal"),  # coin: Z = NaN
        (
            [1.0, np.nan],
            [2.0, 3.0],
            r"first group has 1 missing value\(s\): remove them first \(R drops them\)",
        ),
        ([], [1.0, 2.0], "first group has no observations"),
    ],
)
def test_wilcoxon_says_why_it_cannot_run(a, b, reason):
    for method in ("wilcoxon_exact", "wilcoxon_asymptotic"):
        with pytest.raises(NotComputable, match=reason):
            METHODS[method].run([a, b])


# --- Cochran-Mantel-Haenszel --------------------------------------------------------------------------------
# x <- array(c(12, 8, 18, 22,  5, 9, 15, 11,  7, 3, 3, 7), dim = c(2, 2, 3)): 3 centres, rows (trial,
# routine), columns (CRS, no CRS)
CENTRES = r_array([12, 8, 18, 22, 5, 9, 15, 11, 7, 3, 3, 7], 2, 2, 3)
NEAR = r_array([2, 2, 2, 2, 3, 3, 3, 4], 2, 2, 2)  # |sum(a - E(a))| < 0.5: R applies no correction
STRATA_1 = np.array([[[3, 2, 1], [1, 4, 2]]])  # one stratum of 2 x 3
ZEROS = r_array([0, 5, 6, 4, 1, 7, 8, 2], 2, 2, 2)


def test_r_array_reads_r_column_major_cells():
    assert CENTRES[0].tolist() == [[12, 18], [8, 22]]


@pytest.mark.parametrize(
    "tables, corrected, uncorrected, odds_ratio, exact",
    [
        # mantelhaen.test(x): statistic, p.value, estimate, conf.int; mantelhaen.test(x, correct = FALSE);
        # mantelhaen.test(x, exact = TRUE): statistic S, p.value
        (
            CENTRES,
            (0.319649797228793, 0.5718181800164),
            (0.568266306184522, 0.450948663694088),
            (1.32128514056225, 0.634854081549287, 2.74991446603004),
            (24, 0.570505843797669),
        ),
        (
            NEAR,
            (0.036950146627566, 0.847566583250893),  # "without continuity correction": |DELTA| < 0.5
            (0.036950146627566, 0.847566583250893),
            (1.19354838709677, 0.21435402013758, 6.64581775245913),
            (5, 1.0),
        ),
        (
            ZEROS,
            (9.95764462809917, 0.00160182856755084),
            None,
            (0.0217391304347826, 0.00152788633845336, 0.309309521373745),
            (1, 0.000395532069740214),
        ),
    ],
)
def test_mantel_haenszel_matches_mantelhaen_test(tables, corrected, uncorrected, odds_ratio, exact):
    result = METHODS["mantel_haenszel"].run(tables)
    assert (result.statistic, result.p_value) == pytest.approx(corrected, **EXACT)
    if uncorrected:
        plain = METHODS["mantel_haenszel_uncorrected"].run(tables)
        assert (plain.statistic, plain.p_value) == pytest.approx(uncorrected, **EXACT)
        assert plain.method == "Mantel-Haenszel chi-squared test without continuity correction"
    effect = mantel_haenszel_odds_ratio(tables)
    assert (effect.estimate, effect.low, effect.high) == pytest.approx(odds_ratio, **EXACT)
    conditional = METHODS["mantel_haenszel_exact"].run(tables)
    assert (conditional.statistic, conditional.p_value) == pytest.approx(exact, **EXACT)


@pytest.mark.parametrize(
    "tables, printed, precise",
    [
        # r <- mantelhaen.test(x, exact = TRUE); c(r$estimate, r$conf.int) ("printed"), and the same code of
        # mantelhaen.test with uniroot(..., tol = 1e-15) ("precise"): R's default tolerance is about 1e-4
        (
            CENTRES,
            (1.32940359355389, 0.593309980190788, 3.00452246021848),
            (1.3294190675659, 0.593313219603856, 3.004388301125),
        ),
        (
            NEAR,
            (1.17367874013822, 0.165940452324535, 8.44128318197175),
            (1.17368335033144, 0.165953895101841, 8.44157873377626),
        ),
        (
            ZEROS,
            (0.034235403784836, 0.000613229842607728, 0.348703702081865),
            (0.0342308203244311, 0.000605574686980072, 0.348705738888584),
        ),
        # S at the lowest value it can take: estimate 0, CI (0, ...)
        (r_array([0, 5, 6, 4, 0, 7, 8, 2], 2, 2, 2), (0, 0, 0.230383423191897), (0, 0, 0.230381498015319)),
        # S at the highest: estimate Inf, CI (..., Inf)
        (
            r_array([3, 0, 2, 4, 5, 0, 1, 2], 2, 2, 2),
            (np.inf, 1.31582500514086, np.inf),
            (np.inf, 1.31585907015249, np.inf),
        ),
    ],
)
def test_exact_conditional_odds_ratio_matches_mantelhaen_test(tables, printed, precise):
    effect = mantel_haenszel_exact_odds_ratio(tables)
    found = (effect.estimate, effect.low, effect.high)
    assert found == pytest.approx(precise, rel=1e-9)
    assert found == pytest.approx(printed, rel=2e-2)  # R's printed digits, to its uniroot tolerance


def test_mantel_haenszel_names_the_variant_r_ran():
    assert METHODS["mantel_haenszel"].run(CENTRES).method.endswith("with continuity correction")
    assert METHODS["mantel_haenszel"].run(NEAR).method.endswith("without continuity correction")


@pytest.mark.parametrize(
    "cells, dims, statistic, df, p",
    [
        # mantelhaen.test(array(c(10,6,3, 5,8,4, 2,5,9,  7,4,2, 6,6,5, 1,3,8), dim = c(3, 3, 2)))
        (
            [10, 6, 3, 5, 8, 4, 2, 5, 9, 7, 4, 2, 6, 6, 5, 1, 3, 8],
            (3, 3, 2),
            18.6170027498693,
            4,
            0.000934468682758218,
        ),
        # mantelhaen.test(array(c(10,6,3,4, 5,8,4,7,  7,4,2,1, 6,6,5,9,  3,3,3,3, 1,5,2,6), dim = c(4, 2, 3)))
        (
            [10, 6, 3, 4, 5, 8, 4, 7, 7, 4, 2, 1, 6, 6, 5, 9, 3, 3, 3, 3, 1, 5, 2, 6],
            (4, 2, 3),
            8.73874132122387,
            3,
            0.0329738975863244,
        ),
    ],
)
def test_generalized_cmh_matches_mantelhaen_test(cells, dims, statistic, df, p):
    result = METHODS["cmh_generalized"].run(r_array(cells, *dims))
    assert (result.statistic, result.df, result.p_value) == pytest.approx((statistic, df, p), **EXACT)
    assert result.method == "Cochran-Mantel-Haenszel test"


def test_generalized_cmh_on_2_x_2_tables_is_the_uncorrected_mantel_haenszel_test():
    general = METHODS["cmh_generalized"].run(CENTRES)
    assert (general.statistic, general.p_value) == pytest.approx(
        (0.568266306184522, 0.450948663694088), **EXACT
    )


@pytest.mark.parametrize(
    "method, tables, reason",
    [
        ("mantel_haenszel", np.array([[[1, 0], [0, 0]], [[3, 2], [1, 4]]]), r"stratum 1"),  # R: "> 1"
        # mantelhaen.test(array(c(12, 8, 18, 22), dim = c(2, 2, 1))): "each dimension in table must be >= 2"
        ("mantel_haenszel", CENTRES[:1], r"each dimension in table must be >= 2 \(R's message\): 1 strata"),
        ("cmh_generalized", STRATA_1, r"each dimension in table must be >= 2"),
        ("cmh_generalized", np.array([[[1, 0], [0, 0]], [[3, 2], [1, 4]]]), r"sample size in each stratum"),
        # mantelhaen.test(array(c(5,0,0,0, 3,0,0,0), dim = c(2, 2, 2))): X-squared = NaN
        ("mantel_haenszel", np.array([[[5, 0], [0, 0]], [[3, 0], [0, 0]]]), r"no information"),
        ("mantel_haenszel_exact", np.array([[[1, 0], [0, 0]], [[3, 2], [1, 4]]]), r"stratum 1"),
        # an outcome level empty in every stratum: mantelhaen.test(array(c(5,3, 2,4, 0,0,  6,1, 3,3, 0,0),
        # dim = c(2, 3, 2))): "singular matrix 'a' in solve"
        ("cmh_generalized", r_array([5, 3, 2, 4, 0, 0, 6, 1, 3, 3, 0, 0], 2, 3, 2), r"singular"),
    ],
)
def test_cmh_says_why_it_cannot_run(method, tables, reason):
    with pytest.raises(NotComputable, match=reason):
        METHODS[method].run(tables)


def test_common_odds_ratio_refuses_an_infinite_estimate():
    # mantelhaen.test(array(c(5, 0, 0, 4, 3, 0, 0, 2), dim = c(2, 2, 2))): estimate Inf, conf.int NaN NaN
    with pytest.raises(NotComputable, match="the common odds ratio is infinite: b x c is 0 in every stratum"):
        mantel_haenszel_odds_ratio(r_array([5, 0, 0, 4, 3, 0, 0, 2], 2, 2, 2))


# --- McNemar ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "table, corrected, uncorrected",
    [
        # m <- matrix(c(794, 86, 150, 570), 2): mcnemar.test(m); mcnemar.test(m, correct = FALSE)
        (
            [[794, 150], [86, 570]],
            (16.8177966101695, 1, 4.11456228134594e-05),
            (17.3559322033898, 1, 3.09929344104522e-05),
        ),
        # matrix(c(10, 0, 4, 12), 2): one discordant cell empty
        ([[10, 4], [0, 12]], (2.25, 1, 0.133614402537715), None),
        # matrix(c(10, 3, 3, 12), 2): b = c, R applies no correction ("McNemar's Chi-squared test")
        ([[10, 3], [3, 12]], (0.0, 1, 1.0), (0.0, 1, 1.0)),
        # m3 <- matrix(c(20,5,2, 9,30,4, 3,8,25), 3): no correction beyond 2 x 2, df = 3
        (np.array([[20, 9, 3], [5, 30, 8], [2, 4, 25]]), (2.67619047619048, 3, 0.444288649228033), None),
    ],
)
def test_mcnemar_matches_mcnemar_test(table, corrected, uncorrected):
    result = METHODS["mcnemar"].run(table)
    assert (result.statistic, result.df, result.p_value) == pytest.approx(corrected, **EXACT)
    if uncorrected:
        plain = METHODS["mcnemar_uncorrected"].run(table)
        assert (plain.statistic, plain.df, plain.p_value) == pytest.approx(uncorrected, **EXACT)
        assert plain.method == "McNemar's Chi-squared test"


def test_mcnemar_names_the_variant_r_ran():
    assert METHODS["mcnemar"].run([[794, 150], [86, 570]]).method.endswith("with continuity correction")
    assert METHODS["mcnemar"].run([[10, 3], [3, 12]]).method == "McNemar's Chi-squared test"


def test_mcnemar_without_discordant_pairs_says_why():
    # mcnemar.test(matrix(c(5, 0, 0, 7), 2)): statistic NaN
    with pytest.raises(NotComputable, match="no discordant pair between levels 1 and 2"):
        METHODS["mcnemar"].run([[5, 0], [0, 7]])


# --- Pairwise post-hoc comparisons ------------------------------------------------------------------------
# y <- c(A, B, C, D); g <- factor(rep(c("a", "b", "c", "d"), c(6, 5, 7, 4))); each row: the p.value matrix's
# lower triangle column by column, m[lower.tri(m, TRUE)], i.e. pairs b-a, c-a, d-a, c-b, d-b, d-c
GROUPS = (A, B, C, D)
PAIRS = [("b", "a"), ("c", "a"), ("d", "a"), ("c", "b"), ("d", "b"), ("d", "c")]


@pytest.mark.parametrize(
    "procedure, adjust, expected",
    [
        # pairwise.t.test(y, g)$p.value (pooled SD, holm)
        ("pairwise_t", "holm", [1, 1, 0.00108971776045376, 1, 0.00209389104585126, 0.00209389104585126]),
        # pairwise.t.test(y, g, p.adjust.method = "none")$p.value
        (
            "pairwise_t",
            "none",
            [
                0.825645429580741,
                0.559038841746651,
                0.000181619626742294,
                0.741876243657756,
                0.000418778209170253,
                0.000427639667378715,
            ],
        ),
        # pairwise.t.test(y, g, pool.sd = FALSE)$p.value
        (
            "pairwise_t_welch",
            "holm",
            [
                0.0826217154618707,
                0.00349401957257597,
                0.266223635572863,
                0.07893723225832,
                0.266223635572863,
                0.266223635572863,
            ],
        ),
        # pairwise.t.test(y, g, pool.sd = FALSE, p.adjust.method = "BH")$p.value
        (
            "pairwise_t_welch",
            "bh",
            [
                0.0413108577309353,
                0.00349401957257597,
                0.113524156984666,
                0.0413108577309353,
                0.113524156984666,
                0.113524156984666,
            ],
        ),
        # pairwise.wilcox.test(y, g)$p.value (b-a has a tie: normal approximation; the others exact)
        (
            "pairwise_wilcox",
            "holm",
            [
                0.0606060606060606,
                0.00699300699300699,
                0.0380952380952381,
                0.0606060606060606,
                0.0476190476190476,
                0.0303030303030303,
            ],
        ),
        # pairwise.wilcox.test(y, g, p.adjust.method = "bonferroni")$p.value
        (
            "pairwise_wilcox",
            "bonferroni",
            [
                0.264753417297556,
                0.00699300699300699,
                0.0571428571428571,
                0.181818181818182,
                0.0952380952380952,
                0.0363636363636364,
            ],
        ),
    ],
)
def test_pairwise_tests_on_values_match_r(procedure, adjust, expected):
    result = POST_HOC[procedure].run(GROUPS, adjust, labels="abcd")
    assert [(p.first, p.second) for p in result.pairs] == PAIRS
    assert [p.adjusted for p in result.pairs] == pytest.approx(expected, rel=1e-10)
    assert all(p.adjusted >= p.p_value for p in result.pairs)


def test_pairwise_methods_are_named_as_r_prints_them():
    assert POST_HOC["pairwise_t"].run(GROUPS).method == "t tests with pooled SD"
    assert POST_HOC["pairwise_t_welch"].run(GROUPS).method == "t tests with non-pooled SD"
    # pairwise.wilcox.test(y, g)$method: the first pair's, here tied
    assert (
        POST_HOC["pairwise_wilcox"].run(GROUPS).method == "Wilcoxon rank sum test with continuity correction"
    )
    welch = POST_HOC["pairwise_t_welch"].run(GROUPS, "by", labels="abcd")
    assert (welch.adjustment, welch.p_adjust) == ("by", "BY")
    assert welch.pair("a", "b").result.test == "welch_t"  # each pair keeps its own test's numbers


PROPORTIONS = np.column_stack(
    [[15, 10, 8, 3], [15, 18, 17, 17]]
)  # x <- c(15, 10, 8, 3); n <- c(30, 28, 25, 20)
GRADES_3X3 = [[8, 3, 1], [4, 6, 2], [1, 3, 7]]  # t3 <- matrix(c(8,3,1, 4,6,2, 1,3,7), 3, byrow = TRUE)


@pytest.mark.parametrize(
    "procedure, table, adjust, expected",
    [
        # pairwise.prop.test(x, n)$p.value
        ("pairwise_prop", PROPORTIONS, "holm", [1, 1, 0.156405213309113, 1, 1, 1]),
        # pairwise.prop.test(x, n, p.adjust.method = "hochberg")$p.value (R: 0.999999999999999 for 3-2)
        (
            "pairwise_prop",
            PROPORTIONS,
            "hochberg",
            [
                0.810243758368528,
                0.810243758368528,
                0.156405213309113,
                1.0,
                0.810243758368528,
                0.810243758368528,
            ],
        ),
        # pairwise.table(function(i, j) fisher.test(t3[c(i, j), ])$p.value, rownames(t3), "holm")
        ("pairwise_fisher", GRADES_3X3, "holm", [0.37264566097518, 0.0175507626039324, 0.186524741915775]),
        ("pairwise_fisher", GRADES_3X3, "none", [0.37264566097518, 0.0058502542013108, 0.0932623709578874]),
    ],
)
def test_pairwise_tests_on_counts_match_r(procedure, table, adjust, expected):
    result = POST_HOC[procedure].run(table, adjust)
    assert [p.adjusted for p in result.pairs] == pytest.approx(expected, rel=1e-10, abs=1e-14)


def test_a_pair_that_cannot_be_tested_says_why_and_is_not_counted():
    # pairwise.prop.test(c(0, 0, 5), c(10, 12, 11))$p.value: NaN for 2-1, 0.0656831312505627 for 3-1 and 3-2
    # (holm over the 2 tests R could run)
    result = POST_HOC["pairwise_prop"].run(np.column_stack([[0, 0, 5], [10, 12, 6]]))
    untested = result.pair("1", "2")
    assert (untested.result, untested.adjusted, untested.p_value) == (None, None, None)
    assert "non-empty" in untested.reason
    assert [p.adjusted for p in result.pairs[1:]] == pytest.approx([0.0656831312505627] * 2, rel=1e-10)


@pytest.mark.parametrize(
    "procedure, data, adjust, error, message",
    [
        (
            "pairwise_t",
            GROUPS,
            "fdr",
            ValueError,
            "unknown adjustment 'fdr'; use holm, bh, bonferroni, hochberg, by, none",
        ),
        ("pairwise_t", (A, [3.0]), "holm", None, "a group has a single value: R's pooled SD is NA"),
        (
            "pairwise_t",
            (A,),
            "holm",
            NotComputable,
            r"compares 2 or more groups, not 1 \(R: 'too few groups'\)",
        ),
        ("pairwise_prop", GRADES_3X3, "holm", NotComputable, "takes tables of at most 2 levels, not 3"),
        ("pairwise_wilcox", None, "holm", NotComputable, "takes one array of values per group"),
        ("pairwise_wilcox", (A, [1.0, np.nan]), "holm", NotComputable, r"group 2 has 1 missing value\(s\)"),
    ],
)
def test_pairwise_says_why_it_cannot_run(procedure, data, adjust, error, message):
    if error is None:  # every pair refused: each says why, none has a p-value
        result = POST_HOC[procedure].run(data, adjust)
        assert [p.reason for p in result.pairs] == [message]
        return
    with pytest.raises(error, match=message):
        POST_HOC[procedure].run(data, adjust)


def test_pair_lookup_names_the_groups():
    result = POST_HOC["pairwise_t"].run(GROUPS, labels="abcd")
    assert result.pair("a", "d") is result.pair("d", "a")
    with pytest.raises(KeyError, match="no pair 'a' - 'e'; groups: a, b, c, d"):
        result.pair("a", "e")


# --- In compare(): a trend test set for a variable gets the counts table; data compare() cannot give is refused
def _graded_cohorts() -> pd.DataFrame:
    # 3 ordered dose levels x grades 0-3; counts per level: [6, 9, 4, 11], [8, 10, 5, 7], [4, 11, 7, 8]
    counts = [[6, 9, 4, 11], [8, 10, 5, 7], [4, 11, 7, 8]]
    level = [
        name for name, row in zip("ABC", counts, strict=True) for grade, n in enumerate(row) for _ in range(n)
    ]
    grade = [grade for row in counts for grade, n in enumerate(row) for _ in range(n)]
    return pd.DataFrame({"dose": level, "grade": grade, "age": np.arange(len(grade), dtype=float)})


def test_compare_runs_a_trend_test_set_for_a_variable_on_its_counts_table():
    # Before: the test got each group's grade values as if they were counts (p = 0.634 here, a wrong number).
    # lbl_test(as.table(matrix(c(6,9,4,11, 8,10,5,7, 4,11,7,8), 3, byrow = TRUE))): Z = -0.116007160513138,
    # p = 0.907646866845436
    table = compare(_graded_cohorts(), "dose", [Variable("grade", kind="toxicity", test="linear_by_linear")])
    result = table.add_p().result("grade")
    assert result.test.test == "linear_by_linear"
    assert (result.test.statistic, result.p_value) == pytest.approx(
        (-0.116007160513138, 0.907646866845436), **EXACT
    )


@pytest.mark.parametrize(
    "variable, why",
    [
        (Variable("grade", kind="toxicity", test="mcnemar"), "mcnemar takes paired data"),
        (Variable("grade", kind="toxicity", test="cmh_generalized"), "cmh_generalized takes strata data"),
        (Variable("age", kind="continuous", test="linear_by_linear"), "linear_by_linear takes ordered data"),
        (Variable("age", kind="continuous", test="fisher_exact"), "fisher_exact takes counts data"),
    ],
)
def test_compare_refuses_a_test_whose_data_a_table_of_groups_does_not_give(variable, why):
    # Before: the groups' values went to the method as if a table (Fisher on whole-number ages gave p = 0.00018)
    result = compare(_graded_cohorts(), "dose", [variable]).add_p().result(variable.name)
    assert result.test is None and result.p_value is None
    assert why in str(result.reason.values["why_text"])


def test_pairwise_records_are_numbers_and_ids_with_the_reason_of_an_untested_pair():
    result = POST_HOC["pairwise_prop"].run(np.column_stack([[0, 0, 5], [10, 12, 6]]), labels=["A", "B", "C"])
    first, second = result.records()[:2]
    assert first == {
        "first": "B",
        "second": "A",
        "test": None,
        "statistic": None,
        "p": None,
        "p_adjusted": None,
        "adjustment": "holm",
        "reason": first["reason"],
    }
    assert "non-empty" in first["reason"]
    assert (second["test"], second["p_adjusted"]) == (
        "yates_chi2",
        pytest.approx(0.0656831312505627, rel=1e-10),
    )
