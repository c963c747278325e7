"""Confidence intervals and differences against R 4.2.2 (R 4.2.2 Patched, 2022-11-10 r83330; epitools).

Every expected value was printed by R with sprintf('%.17g', ...) from the call written beside it; R never
runs here. Exact algorithms agree to 1e-10 (relative); the roots R's uniroot finds (fisher.test's odds
ratio, wilcox.test's normal-approximation limits) too, because `iectox.stats.roots` takes R's steps.
"""

from __future__ import annotations

import pytest

from iectox.stats.conditional_odds import conditional_odds_ratio
from iectox.stats.dhyper import dhyper_log, phyper
from iectox.stats.differences import (
    mean_difference,
    newcombe,
    odds_ratio_wald,
    prop_test,
    risk_ratio_wald,
    smd_proportions,
    smd_values,
)
from iectox.stats.estimate import ESTIMATES, Estimate
from iectox.stats.hodges_lehmann import location_shift
from iectox.stats.intervals import clopper_pearson, t_mean, wilcox_pseudomedian, wilson
from iectox.stats.methods import NotComputable
from iectox.stats.roots import uniroot
from iectox.stats.table_estimates import LOCATION, PROPORTION, TWO_PROPORTIONS, TWO_SAMPLES


def near(value: float | None, expected: float, tol: float = 1e-10) -> bool:
    return value == pytest.approx(expected, rel=tol, abs=1e-13)


def limits(e: Estimate, low: float, high: float, estimate: float | None = None) -> None:
    assert near(e.low, low) and near(e.high, high), (e.low, e.high, low, high)
    if estimate is not None:
        assert near(e.estimate, estimate), (e.estimate, estimate)


A = [1.2, 3.4, 2.2, 5.1, 4.4]
B = [2.5, 6.1, 7.7, 4.9, 8.2, 5.5]
# R: set.seed(1); a <- round(rnorm(60, 10, 3), 3); b <- round(rnorm(55, 11, 3), 3)
# (ties among the 115 values, groups of 50 or more: the normal approximation)
BIG_A = [8.121, 10.551, 7.493, 14.786, 10.989, 7.539, 11.462, 12.215, 11.727, 9.084, 14.535, 11.170, 8.136, 3.356,
         13.375, 9.865, 9.951, 12.832, 12.464, 11.782, 12.757, 12.346, 10.224, 4.032, 11.859, 9.832, 9.533, 5.588,
         8.566, 11.254, 14.076, 9.692, 11.163, 9.839, 5.869, 8.755, 8.817, 9.822, 13.300, 12.290, 9.506, 9.240,
         12.091, 11.670, 7.934, 7.878, 11.094, 12.306, 9.663, 12.643, 11.194, 8.164, 11.023, 6.612, 14.299,
         15.941, 8.898, 6.868, 11.709, 9.595]  # fmt: skip
BIG_B = [18.205, 10.882, 13.069, 11.084, 8.770, 11.566, 5.585, 15.397, 11.460, 17.518, 12.427, 8.870, 12.832,
         8.198, 7.239, 11.874, 9.670, 11.003, 11.223, 9.231, 9.294, 10.594, 14.534, 6.429, 12.782, 11.999, 14.189,
         10.087, 12.110, 11.801, 9.372, 14.624, 14.481, 13.101, 15.761, 12.675, 7.170, 9.280, 7.326, 9.580, 9.139,
         11.126, 8.267, 11.474, 9.036, 16.302, 13.150, 13.731, 12.153, 16.047, 9.093, 9.615, 15.297, 9.048,
         10.378]  # fmt: skip


def test_wilson_with_and_without_continuity_correction():
    limits(wilson(7, 20), 0.1630866797163093, 0.59051043384857327)  # prop.test(7, 20)$conf.int
    limits(wilson(7, 20, correct=False), 0.18119182410108206, 0.56714572331476365)  # correct = FALSE
    limits(wilson(7, 20, 0.9), 0.18283396494918916, 0.55767277085376887)  # prop.test(7, 20, conf.level = 0.9)
    # x = n/2: R's correction min(0.5, |x - n/2|) is 0, so the corrected interval is the plain one
    limits(wilson(10, 20), 0.2992980081982124, 0.70070199180178772)  # prop.test(10, 20)$conf.int
    limits(wilson(3, 6), 0.18761630648265057, 0.8123836935173494)  # prop.test(3, 6)$conf.int
    limits(wilson(0, 15), 0.0, 0.25346786096061685)  # prop.test(0, 15)$conf.int
    limits(wilson(15, 15), 0.7465321390393832, 1.0)  # prop.test(15, 15)$conf.int
    limits(wilson(1, 1), 0.054620755528852032, 1.0)  # prop.test(1, 1)$conf.int
    assert wilson(7, 20).method == "wilson_cc" and wilson(7, 20, correct=False).method == "wilson"


def test_clopper_pearson():
    limits(clopper_pearson(7, 20), 0.15390920478454115, 0.59218853453282816)  # binom.test(7, 20)$conf.int
    limits(clopper_pearson(7, 20, 0.99), 0.11387976326673221, 0.65656858423192133)  # conf.level = 0.99
    limits(clopper_pearson(0, 15), 0.0, 0.21801936091053398)  # binom.test(0, 15)$conf.int
    limits(clopper_pearson(15, 15), 0.78198063908946602, 1.0)  # binom.test(15, 15)$conf.int
    limits(clopper_pearson(1, 1), 0.025000000000000022, 1.0)  # binom.test(1, 1)$conf.int


def test_t_interval_of_a_mean():
    limits(t_mean(A), 1.2897018393633339, 5.2302981606366652)  # t.test(c(1.2, 3.4, 2.2, 5.1, 4.4))$conf.int
    # t.test(c(12.1, 14.3, 9.8, 11.0), conf.level = 0.9)$conf.int
    limits(t_mean([12.1, 14.3, 9.8, 11.0, float("nan")], 0.9), 9.5488753249808784, 14.051124675019125)


def test_pseudomedian_exact_and_normal_approximation():
    # wilcox.test(c(1.2, 3.4, 2.2, 5.1, 4.4, -0.7, 6.3), conf.int = TRUE)[c("estimate", "conf.int")]: exact
    limits(
        wilcox_pseudomedian([1.2, 3.4, 2.2, 5.1, 4.4, -0.7, 6.3]),
        0.75000000000000011,
        5.3499999999999996,
        3.225,
    )
    # wilcox.test(c(1, 2, 2, 3, 4, 5, 5, 6, 8, -1), conf.int = TRUE): ties, normal approximation (uniroot)
    e = wilcox_pseudomedian([1, 2, 2, 3, 4, 5, 5, 6, 8, -1])
    limits(e, 1.5000294030870966, 5.4999705969129051, 3.5)
    assert "ties" in e.detail
    limits(
        wilcox_pseudomedian(BIG_A), 9.7219765935810951, 11.074573593460844, 10.424755362498761
    )  # wilcox.test(a, conf.int = TRUE)


def test_pseudomedian_reports_the_level_r_achieves():
    # wilcox.test(c(0, 1.5, 2.5, 4, -0.5, 3.25, 7), conf.int = TRUE): R drops the zero, widens alpha, warns
    # "requested conf.level not achievable" and reports conf.level 0.89999999999999991
    e = wilcox_pseudomedian([0, 1.5, 2.5, 4, -0.5, 3.25, 7])
    limits(e, 0.99999360515148983, 5.125044508312655, 2.8750765613926639)
    assert near(e.level, 0.89999999999999991) and "not achievable" in e.detail
    # wilcox.test(c(1.5, 2.5, 4), conf.int = TRUE): exact, conf.level 0.75
    e = wilcox_pseudomedian([1.5, 2.5, 4])
    limits(e, 1.5, 4.0, 2.625)
    assert e.level == 0.75
    # wilcox.test(c(0.5, 0.5, 1.5, 1.5, -2), conf.int = TRUE): ties, alpha widened to 0.2
    e = wilcox_pseudomedian([0.5, 0.5, 1.5, 1.5, -2])
    limits(e, -0.7499943264176856, 1.5, 0.50000564906812994)
    assert near(e.level, 0.79999999999999982)


def test_newcombe_against_the_paper_and_r():
    """Newcombe (1998), Stat Med 17:873-890, Table II, method 10 (to 4 decimals), and the same formula in R
    from prop.test(x, n, correct = FALSE)$conf.int of each group (17 digits)."""
    cases = [
        ((56, 70, 48, 80), (0.0524, 0.3339), (0.052431472402364926, 0.33387265403690586)),
        ((9, 10, 3, 10), (0.1705, 0.8090), (0.17052272393450307, 0.80901797353548799)),
        ((6, 7, 2, 7), (0.0582, 0.8062), (0.058227927482312314, 0.80624963752422774)),
        ((5, 56, 0, 29), (-0.0381, 0.1926), (-0.038137147903536853, 0.19256001385511157)),
        ((0, 10, 0, 20), (-0.1611, 0.2775), (-0.1611251580528193, 0.27753279986288915)),
        ((0, 10, 0, 10), (-0.2775, 0.2775), (-0.27753279986288915, 0.27753279986288915)),
        ((10, 10, 0, 20), (0.6791, 1.0000), (0.67908603714191484, 1.0)),
        ((10, 10, 0, 10), (0.6075, 1.0000), (0.60750935043052434, 1.0)),
    ]
    for counts, paper, from_r in cases:
        e = newcombe(*counts)
        assert (round(e.low, 4), round(e.high, 4)) == paper, counts
        limits(e, *from_r)


def test_prop_test_difference():
    # p <- prop.test(c(15, 8), c(40, 42)); c(p$conf.int, p$p.value)
    e = prop_test(15, 40, 8, 42)
    limits(e, -0.031222879747225124, 0.40027049879484422)
    assert near(e.p_value, 0.10667974368377522)
    e = prop_test(10, 20, 10, 20)  # prop.test(c(10, 10), c(20, 20)): Yates' correction min(0.5, 0) = 0
    limits(e, -0.30989751615228073, 0.30989751615228073)
    assert e.p_value == 1.0 and "0" in e.detail
    e = prop_test(0, 10, 3, 12)  # prop.test(c(0, 3), c(10, 12))
    limits(e, -0.58666216473417343, 0.086662164734173375, -0.25)
    assert near(e.p_value, 0.28123522492541625)
    e = prop_test(20, 40, 20, 41)  # prop.test(c(20, 20), c(40, 41))
    limits(e, -0.21775838156316754, 0.24214862546560659)
    assert near(e.p_value, 0.99999999999999933)


def test_mean_differences_welch_and_pooled():
    e = mean_difference(A, B)  # t.test(a, b)[c("conf.int", "p.value")]
    limits(e, -5.0482534895385625, -0.065079843794770859)
    assert near(e.p_value, 0.0453965234663124)
    e = mean_difference(A, B, welch=False)  # t.test(a, b, var.equal = TRUE)
    limits(e, -5.1120168407529993, -0.0013164925803341575)
    assert near(e.p_value, 0.049904844926989045)
    # t.test(c(12.1, 14.3, 9.8, 11.0), c(15.2, 13.9, 16.8), conf.level = 0.9)
    e = mean_difference([12.1, 14.3, 9.8, 11.0], [15.2, 13.9, 16.8], 0.9)
    limits(e, -6.0662460653904269, -0.93375393460957312, -3.5)
    assert near(e.p_value, 0.040464135910847479)


def test_odds_and_risk_ratios_wald_as_epitools():
    # epitools::oddsratio.wald(matrix(c(42 - 8, 8, 40 - 15, 15), 2, byrow = TRUE))$measure[2, ]
    limits(odds_ratio_wald(15, 40, 8, 42), 0.93672400055508476, 6.9417459103714041, 2.5499999999999998)
    # epitools::riskratio.wald(matrix(c(42 - 8, 8, 40 - 15, 15), 2, byrow = TRUE))$measure[2, ]
    limits(risk_ratio_wald(15, 40, 8, 42), 0.93856991335875584, 4.1296620606870649, 1.96875)
    # oddsratio.wald(matrix(c(160, 40, 28, 12), 2, byrow = TRUE), conf.level = 0.9)$measure[2, ]
    limits(odds_ratio_wald(12, 40, 40, 200, 0.9), 0.90602874177591031, 3.2435786799034387, 1.7142857142857142)
    # riskratio.wald(matrix(c(160, 40, 28, 12), 2, byrow = TRUE), conf.level = 0.9)$measure[2, ]
    limits(risk_ratio_wald(12, 40, 40, 200, 0.9), 0.94658164714209592, 2.376974037890089, 1.4999999999999998)


def test_conditional_odds_ratio_as_fisher_test():
    # ft <- fisher.test(matrix(c(15, 25, 8, 34), 2, byrow = TRUE)); c(ft$estimate, ft$conf.int, ft$p.value)
    e = conditional_odds_ratio(15, 40, 8, 42)
    limits(e, 0.8468282289071678, 8.019569319891982, 2.5205069300777994)
    assert near(e.p_value, 0.085849074630584804)
    e = conditional_odds_ratio(
        2, 5, 3, 6
    )  # fisher.test(matrix(c(2, 3, 3, 3), 2, byrow = TRUE)): docs' example
    limits(e, 0.032462909436575565, 12.149242821268805, 0.69182953684205728)
    e = conditional_odds_ratio(3, 10, 5, 12)  # fisher.test(matrix(c(3, 7, 5, 7), 2, byrow = TRUE))
    limits(e, 0.067319155551242099, 4.7457874961472726, 0.61412002202400806)
    e = conditional_odds_ratio(
        40, 200, 12, 40, 0.9
    )  # fisher.test(matrix(c(40, 160, 12, 28), 2, byrow = TRUE), conf.level = 0.9)
    limits(e, 0.29196497042857178, 1.2079213176738302, 0.58479991860538483)
    assert near(e.p_value, 0.20566365754995214)
    # a zero cell: the estimate is at an end of its support, with a one-sided exact limit
    e = conditional_odds_ratio(0, 10, 5, 12)  # fisher.test(matrix(c(0, 10, 5, 7), 2, byrow = TRUE))
    assert e.estimate == 0.0 and e.low == 0.0 and near(e.high, 1.0831908005899271)
    assert near(e.p_value, 0.039644565960355455)
    e = conditional_odds_ratio(5, 5, 3, 7)  # fisher.test(matrix(c(5, 0, 3, 4), 2, byrow = TRUE))
    assert e.estimate == float("inf") and e.high == float("inf") and near(e.low, 0.5726992200684714)
    e = conditional_odds_ratio(195, 200, 20, 20)  # the seed's CRS 195/5 vs 20/0: fisher.test(...)
    assert e.estimate == 0.0 and e.low == 0.0 and near(e.high, 11.345234223630627) and e.p_value == 1.0


def test_conditional_odds_ratio_takes_r_steps_on_a_knife_edge():
    """f(0) = -f(1) puts Brent's first step on the boundary between interpolation and bisection: a density 1
    ulp away from R's (gammaln instead of R's dhyper) took the other step and stopped 1e-4 away. R's dhyper,
    phyper and sum() (long double) give R's root."""
    # fisher.test(matrix(c(8, 16, 48, 12), 2, byrow = TRUE), conf.level = 0.9)
    e = conditional_odds_ratio(8, 24, 48, 60, 0.9)
    limits(e, 0.045242870011366905, 0.34576279390724063, 0.12898444452813035)
    assert near(e.p_value, 8.2564936243674551e-05)
    e = conditional_odds_ratio(8, 48, 20, 36)  # fisher.test(matrix(c(8, 40, 20, 16), 2, byrow = TRUE))
    limits(e, 0.051044978937153034, 0.48228056499396543, 0.16404800171823969)


def test_hypergeometric_as_r_to_the_bit():
    assert dhyper_log(7, 56, 28, 24) == -11.766793599563144  # dhyper(7, 56, 28, 24, log = TRUE)
    assert dhyper_log(0, 56, 28, 24) == -37.984087363765127  # dhyper(0, 56, 28, 24, log = TRUE)
    assert phyper(8, 56, 28, 24) == 7.5780904549269996e-05  # phyper(8, 56, 28, 24)
    assert (
        phyper(30, 80, 70, 60, lower_tail=False) == 0.69196096879085123
    )  # phyper(30, 80, 70, 60, lower.tail = FALSE)


def test_hodges_lehmann_difference():
    # w <- wilcox.test(a, b, conf.int = TRUE); c(w$estimate, w$conf.int, w$p.value): exact, no ties
    e = location_shift(A, B)
    limits(e, -5.5, 0.19999999999999929, -2.7000000000000002)
    assert near(e.p_value, 0.051948051948051951)
    # wilcox.test(c(1, 2, 2, 3, 4, 5), c(2, 3, 3, 5, 7, 8, 9), conf.int = TRUE): ties, uniroot(tol = 1e-4)
    e = location_shift([1, 2, 2, 3, 4, 5], [2, 3, 3, 5, 7, 8, 9])
    limits(e, -5.9999368415111309, 0.99996407036489277, -2.0000555218652667)
    assert near(e.p_value, 0.11155930545078221)
    e = location_shift(BIG_A, BIG_B)  # wilcox.test(a, b, conf.int = TRUE): 60 and 55 values
    limits(e, -1.9310014301432892, 0.16105508851403133, -0.89765816388202146)
    assert near(e.p_value, 0.094114502466390304)
    # wilcox.test(c(1.5, 2.5), c(4.5, 3.1), conf.int = TRUE): "Requested conf.level not achievable", 0.667
    e = location_shift([1.5, 2.5], [4.5, 3.1])
    limits(e, -3.0, -0.60000000000000009, -1.8)
    assert near(e.level, 0.66666666666666674) and "not achievable" in e.detail


def test_smd_with_hedges_olkin_interval():
    """smd is not installed here: its formulas (smd::smd, smd::compute_smd_var) computed in R 4.2.2:
    d <- (mean(a) - mean(b)) / sqrt((var(a) + var(b)) / 2); se <- sqrt((n1 + n2) / (n1 * n2) + d^2 / (2 * (n1 + n2)))
    c(d, d - qnorm(0.975) * se, d + qnorm(0.975) * se)."""
    limits(smd_values(A, B), -2.7111548310391429, -0.068556022277870943, -1.3898554266585068)
    # the same on the 0/1 values: a <- c(rep(1, 15), rep(0, 25)); b <- c(rep(1, 8), rep(0, 34))
    limits(smd_proportions(15, 40, 8, 42), -0.024145483596432871, 0.85107821820704577, 0.41346636730530645)


@pytest.mark.parametrize(
    ("make", "args", "why"),
    [
        (wilson, (0, 0), "empty"),
        (clopper_pearson, (3, 2), "0 <= x <= n"),
        (t_mean, ([1.0],), "2 values"),
        (t_mean, ([2.5, 2.5, 2.5],), "essentially constant"),
        (wilcox_pseudomedian, ([0, 0, 0],), "other than 0"),
        # wilcox.test(c(1, 1, 2), conf.int = TRUE): conf.level 0, the median twice: no interval
        (wilcox_pseudomedian, ([1, 1, 2],), "any level"),
        (location_shift, ([2, 2, 2], [2, 2]), "tied"),
        (location_shift, ([], [1, 2]), "no values"),
        (prop_test, (0, 10, 0, 12), "NaN"),
        (odds_ratio_wald, (0, 10, 5, 12), "cell"),
        (risk_ratio_wald, (0, 10, 5, 12), "no event"),
        (conditional_odds_ratio, (0, 10, 0, 12), "none has"),
        (mean_difference, ([1, 1], [1, 1, 1]), "constant"),
        (smd_values, ([1, 1, 1], [2, 2]), "constant"),
        (smd_proportions, (0, 10, 0, 12), "no SMD"),
    ],
)
def test_no_interval_says_why(make, args, why):
    with pytest.raises(NotComputable, match=why):
        make(*args)


def test_uniroot_takes_r_steps():
    """At R's default tolerance (eps^0.25, about 1.2e-4) the root is where R's steps stop, not the true root."""
    assert (
        uniroot(lambda x: x**3 - 2, 0.0, 3.0) == 1.2599043367375089
    )  # uniroot(function(x) x^3 - 2, c(0, 3))$root
    # uniroot(function(x) exp(x) - 5, c(-1, 4), tol = 1e-8)$root
    assert near(uniroot(lambda x: 2.718281828459045**x - 5, -1.0, 4.0, tol=1e-8), 1.6094379124136287)


def test_every_method_declares_its_r_call():
    for method in ESTIMATES.values():
        assert method.r_call and method.name and method.what
    offered = {*PROPORTION, *LOCATION, *TWO_PROPORTIONS, *TWO_SAMPLES}
    assert offered == set(ESTIMATES)  # every choice of the verbs is declared, every declared method offered
