"""Effect sizes and p-value adjustment against R 4.2.2 (base `stats` only; each R call beside its value)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from iectox.stats import (
    NotComputable,
    benjamini_hochberg,
    holm,
    mean_difference,
    mean_difference_from_stats,
    odds_ratio,
    risk_difference,
    standardized_mean_difference,
    standardized_mean_difference_from_stats,
    wilson,
)

R = dict(rel=1e-9)
# Newcombe's method 10 from R's Wilson intervals:
# nw <- function(x1,n1,x2,n2) { w1 <- prop.test(x1,n1,correct=FALSE)$conf.int
#   w2 <- prop.test(x2,n2,correct=FALSE)$conf.int
#   p1 <- x1/n1; p2 <- x2/n2; d <- p1-p2
#   c(d, d - sqrt((p1-w1[1])^2 + (w2[2]-p2)^2), d + sqrt((w1[2]-p1)^2 + (p2-w2[1])^2)) }


def test_wilson_interval_matches_prop_test():
    # prop.test(81, 263, correct=FALSE)$conf.int
    assert wilson(81, 263) == pytest.approx((0.255288519878274, 0.3662095769828), **R)


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        (
            (56, 70, 48, 80),
            (0.2, 0.0524314724023649, 0.333872654036906),
        ),  # nw(56,70,48,80): Newcombe 1998 example
        ((107, 200, 13, 20), (-0.115, -0.297416132502201, 0.112488576335514)),  # nw(107,200,13,20)
        ((0, 20, 5, 200), (-0.025, -0.057178340406642, 0.136756298753918)),  # nw(0,20,5,200): a zero count
    ],
)
def test_risk_difference_newcombe_hybrid_score(counts, expected):
    effect = risk_difference(*counts)
    assert (effect.estimate, effect.low, effect.high) == pytest.approx(expected, **R)
    assert "Newcombe" in effect.method


# woolf <- function(t, h=any(t==0)) { if (h) t <- t+0.5; lo <- log(t[1,1]*t[2,2]/(t[1,2]*t[2,1]))
#   se <- sqrt(sum(1/t)); exp(c(lo, lo-qnorm(.975)*se, lo+qnorm(.975)*se)) }
def test_odds_ratio_with_woolf_interval():
    # woolf(matrix(c(107,93,13,7), 2, byrow=TRUE))
    effect = odds_ratio([[107, 93], [13, 7]])
    assert (effect.estimate, effect.low, effect.high) == pytest.approx(
        (0.619520264681555, 0.237224214977934, 1.61790126858173), **R
    )
    assert "Haldane" not in effect.method


def test_odds_ratio_adds_half_to_every_cell_only_when_a_cell_is_zero_and_says_so():
    # woolf(matrix(c(195,5,20,0), 2, byrow=TRUE))
    effect = odds_ratio([[195, 5], [20, 0]])
    assert (effect.estimate, effect.low, effect.high) == pytest.approx(
        (0.866962305986696, 0.0462655623853387, 16.2458554754314), **R
    )
    assert "Haldane" in effect.method


def test_mean_difference_has_t_test_conf_int():
    a = [5.1, 4.9, 6.2, 5.8, 6.0, 5.5, 5.3]
    b = [6.5, 6.0, 7.1, 6.8, 5.9, 7.4]
    welch = mean_difference(a, b)  # t.test(a, b)$conf.int
    assert (welch.low, welch.high) == pytest.approx((-1.75500836404005, -0.392610683579), **R)
    pooled = mean_difference(a, b, welch=False)  # t.test(a, b, var.equal=TRUE)$conf.int
    assert (pooled.low, pooled.high) == pytest.approx((-1.73069147385775, -0.416927573761302), **R)
    # seed age: 62.7 + c(-1,1) * qt(0.975, df) * se with t.test's Welch se and df
    age = mean_difference_from_stats(62.7, 14.2, 361, 59.1, 13.6, 40)
    assert (age.estimate, age.low, age.high) == pytest.approx((3.6, -0.97504927757821, 8.17504927757821), **R)


def test_standardized_mean_difference_continuous():
    # smdc <- function(m1,s1,m2,s2) (m1-m2)/sqrt((s1^2+s2^2)/2); smdc(62.7,14.2,59.1,13.6)
    assert standardized_mean_difference_from_stats(62.7, 14.2, 59.1, 13.6).estimate == pytest.approx(
        0.258932505532054, **R
    )
    a = [5.1, 4.9, 6.2, 5.8, 6.0, 5.5, 5.3]
    b = [6.5, 6.0, 7.1, 6.8, 5.9, 7.4]
    # smdc(mean(a), sd(a), mean(b), sd(b))
    assert standardized_mean_difference(a, b).estimate == pytest.approx(-1.98176770936895, **R)


# tableone's StdDiffMulti, in base R (solve() for MASS::ginv, same on a non-singular S):
# smdcat <- function(tab) { pr <- prop.table(tab, 1); T1 <- pr[1,-1]; T2 <- pr[2,-1]
#   S <- function(pp) { m <- -outer(pp, pp); diag(m) <- pp*(1-pp); m }
#   Sm <- (S(T1)+S(T2))/2; sqrt(drop(t(T1-T2) %*% solve(Sm) %*% (T1-T2))) }
@pytest.mark.parametrize(
    ("table", "smd"),
    [
        ([[230, 131], [27, 13]], 0.0798090940697501),  # smdcat(sex)
        ([[309, 6, 27, 17, 2], [32, 8, 4, 2, 2]], 0.618946444591472),  # smdcat(icans)
    ],
)
def test_standardized_mean_difference_categorical_yang_dalton(table, smd):
    assert standardized_mean_difference(table).estimate == pytest.approx(smd, **R)


def test_binary_smd_reduces_to_the_two_proportion_formula():
    p1, p2 = 230 / 361, 27 / 40
    expected = abs(p1 - p2) / np.sqrt((p1 * (1 - p1) + p2 * (1 - p2)) / 2)
    assert standardized_mean_difference([[230, 131], [27, 13]]).estimate == pytest.approx(expected, rel=1e-12)


def test_effects_refuse_impossible_input():
    with pytest.raises(NotComputable):
        risk_difference(5, 0, 1, 10)
    with pytest.raises(NotComputable):
        odds_ratio([[1, 2, 3], [4, 5, 6]])


P = [
    0.01,
    0.02,
    0.03,
    0.04,
    0.05,
    0.5,
    np.nan,
    0.001,
    0.04,
]  # pv <- c(0.01,0.02,0.03,0.04,0.05,0.5,NA,0.001,0.04)
SEED_P = [0.6356, 0.1202, 0.0481, 0.0270, 0.0286, 0.6124, 0.1806]  # pv2 <- c(0.6356,0.1202,...,0.1806)


@pytest.mark.parametrize(
    ("p", "expected"),
    [
        (P, [0.07, 0.12, 0.15, 0.16, 0.16, 0.5, np.nan, 0.008, 0.16]),  # p.adjust(pv, "holm")
        (SEED_P, [1, 0.4808, 0.2405, 0.189, 0.189, 1, 0.5418]),  # p.adjust(pv2, "holm")
    ],
)
def test_holm_matches_p_adjust(p, expected):
    np.testing.assert_allclose(holm(p), expected, rtol=1e-12)


@pytest.mark.parametrize(
    ("p", "expected"),
    [
        # p.adjust(pv, "BH"): ties and a missing value (NA stays NA and is not counted)
        (
            P,
            [
                0.04,
                0.0533333333333333,
                0.0533333333333333,
                0.0533333333333333,
                0.0571428571428571,
                0.5,
                np.nan,
                0.008,
                0.0533333333333333,
            ],
        ),
        # p.adjust(pv2, "BH")
        (SEED_P, [0.6356, 0.21035, 0.112233333333333, 0.1001, 0.1001, 0.6356, 0.25284]),
    ],
)
def test_benjamini_hochberg_matches_p_adjust(p, expected):
    np.testing.assert_allclose(benjamini_hochberg(p), expected, rtol=1e-12)


def test_smd_edge_cases_as_tableone():
    """R tableone's StdDiffFromLstMeans (R/modules-smd.R) run in R 4.2.2 on these tables: a zero covariance
    gives NaN unless the proportions are equal (0); otherwise t(d) %*% MASS::ginv(S) %*% d."""
    assert math.isnan(standardized_mean_difference([[5, 0], [0, 5]]).estimate)  # complete separation
    assert math.isnan(standardized_mean_difference([[0, 2, 0], [0, 0, 2]]).estimate)  # disjoint levels
    assert standardized_mean_difference([[0, 4], [0, 3]]).estimate == 0  # both on one level: equal
    # smdmulti(rbind(c(0, 1, 0), c(1, 0, 2))) -> 2; with an unused first level rbind(c(0, 0, 1, 0),
    # c(0, 1, 0, 2)) -> 0.5 (tableone drops the first column, whichever it is)
    assert standardized_mean_difference([[0, 1, 0], [1, 0, 2]]).estimate == pytest.approx(2, abs=1e-12)
    assert standardized_mean_difference([[0, 0, 1, 0], [0, 1, 0, 2]]).estimate == pytest.approx(
        0.5, abs=1e-12
    )
    # StdDiff: (1 - 2) / sqrt((0 + 0) / 2) -> -Inf (printed |.| = Inf); 0 / 0 set to 0
    assert standardized_mean_difference_from_stats(1, 0, 2, 0).estimate == -math.inf
    assert standardized_mean_difference_from_stats(1, 0, 1, 0).estimate == 0
    assert math.isnan(standardized_mean_difference_from_stats(1, math.nan, 2, 1).estimate)  # var of one value
