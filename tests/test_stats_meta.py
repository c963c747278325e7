"""iectox.stats.meta against base R 4.2.2 running meta's and metafor's documented formulas
(tests/data/r/meta.R: each value below is printed by the R line quoted beside it)."""

from __future__ import annotations

from math import exp, log

import numpy as np
import pytest

from iectox.stats.meta import (
    log_odds_ratio,
    logit_proportion,
    meta_analysis,
    mh_odds_ratio,
    mh_risk_difference,
    risk_difference,
    shown,
)
from iectox.stats.methods.result import NotComputable

CENTRES = ("A", "B", "C", "D")
TABLES = [(12, 40, 5, 38), (30, 95, 22, 101), (7, 20, 9, 25), (0, 15, 3, 14)]  # a, n1, c, n2 (D: a zero cell)


def _analysis(measure, effect, mh=None):
    pairs = [effect(*t) for t in TABLES]
    return meta_analysis(measure, CENTRES, [p[0] for p in pairs], [p[1] for p in pairs], mh)


def test_log_odds_ratios_and_variances_as_escalc_with_half_added_to_a_zero_cell():
    pairs = [log_odds_ratio(*t) for t in TABLES]
    # R: yi <- log(((a + add) * (d + add)) / ((b + add) * (cc + add))); vi <- 1/(a+add) + ...
    assert [p[0] for p in pairs] == pytest.approx(
        [1.039771788645176276, 0.505215510875223872, -0.043675063502661531, -2.244403137611310051], rel=1e-14
    )
    assert [p[1] for p in pairs] == pytest.approx(
        [0.34935064935064930, 0.10683072202059544, 0.39339133089133088, 2.43718693648567397], rel=1e-14
    )


def test_odds_ratio_fixed_and_random_effects_as_r():
    m = _analysis("OR", log_odds_ratio, mh_odds_ratio(TABLES))
    fixed = m.model("fixed_iv")  # R: pool(yi, vi)$fe
    assert (fixed.estimate, fixed.se, fixed.p_value) == pytest.approx(
        (0.439758771055943520, 0.256702703617001260, 0.086693162744344618), rel=1e-12
    )
    assert (m.q, m.q_p_value) == pytest.approx(
        (4.6208846163324617, 0.20175779735226454), rel=1e-12
    )  # $Q, $Qp
    dl = m.model("random_dl")  # R: pool(yi, vi)$dl
    assert (dl.estimate, dl.se, dl.p_value, dl.tau2, dl.i2) == pytest.approx(
        (
            0.36832089307180937,
            0.37074725965950928,
            0.32048804096977385,
            0.19239800889025202,
            0.35077366152001815,
        ),
        rel=1e-12,
    )
    reml = m.model("random_reml")  # R: $reml, tau2 4.8e-11: REML at its boundary, both stop within 1e-10
    assert reml.tau2 == pytest.approx(0, abs=1e-9)
    assert (reml.estimate, reml.se) == pytest.approx((0.43975877103351579, 0.25670270365867759), rel=1e-8)
    mh = m.model("fixed_mh")  # R: mantelhaen.test(array(rbind(a, b, cc, d), c(2, 2, 4)))
    assert exp(mh.estimate) == pytest.approx(1.4844347723516165, rel=1e-13)
    assert (exp(mh.low), exp(mh.high)) == pytest.approx((0.91068753004844494, 2.41965165949881378), rel=1e-12)


def test_risk_difference_fixed_random_and_mantel_haenszel_as_r():
    m = _analysis("RD", risk_difference, mh_risk_difference(TABLES))
    fixed = m.model("fixed_iv")  # R: pool(yr, vr)$fe
    assert (fixed.estimate, fixed.se, fixed.p_value) == pytest.approx(
        (0.053090268285117356, 0.044487519427498234, 0.232722763279307410), rel=1e-12
    )
    assert (m.q, m.q_p_value) == pytest.approx((8.2571192766149739, 0.040986218910852364), rel=1e-12)
    dl, reml = m.model("random_dl"), m.model("random_reml")
    assert (dl.estimate, dl.se, dl.p_value, dl.tau2, dl.i2) == pytest.approx(
        (
            0.025570309313701977,
            0.080244966643135116,
            0.749989564471048142,
            0.015846043716570696,
            0.636677163124394374,
        ),
        rel=1e-12,
    )
    assert (reml.estimate, reml.se, reml.p_value, reml.tau2, reml.i2) == pytest.approx(
        (
            0.024416544078585813,
            0.083502725087883492,
            0.769977628925899160,
            0.017891194373651793,
            0.664265158358433472,
        ),
        rel=1e-9,
    )
    mh = m.model("fixed_mh")  # R: c(rd_mh = rd, se = sqrt(vrd)), Greenland-Robins
    assert (mh.estimate, mh.se) == pytest.approx((0.073912399066012768, 0.045799514870009710), rel=1e-13)


def test_homogeneous_centres_have_tau2_zero_by_both_methods():
    m = meta_analysis("RD", ("A", "B", "C"), [0.10, 0.12, 0.11], [0.04, 0.05, 0.06])
    # R: pool(c(0.10, 0.12, 0.11), c(0.04, 0.05, 0.06))
    assert m.q == pytest.approx(0.0044594594594594547, rel=1e-12)
    for model in ("random_dl", "random_reml"):
        p = m.model(model)
        assert (p.tau2, p.i2) == (0.0, 0.0)
        assert (p.estimate, p.se) == pytest.approx((0.10918918918918918, 0.12734290799340264), rel=1e-13)


def test_mean_difference_from_means_and_sds_as_r():
    m1, s1, k1 = np.array([62.1, 60.4, 65.0]), np.array([14.0, 13.2, 15.1]), np.array([120, 90, 60])
    m2, s2, k2 = np.array([58.0, 61.3, 57.2]), np.array([12.9, 14.4, 13.0]), np.array([30, 25, 12])
    m = meta_analysis("MD", ("A", "B", "C"), m1 - m2, s1**2 / k1 + s2**2 / k2)
    # R: pool(m1 - m2, s1^2 / k1 + s2^2 / k2)
    assert m.model("fixed_iv").estimate == pytest.approx(3.137857709878998591, rel=1e-13)
    dl, reml = m.model("random_dl"), m.model("random_reml")
    assert (dl.estimate, dl.tau2, dl.i2) == pytest.approx(
        (3.23172319824647580, 5.11381050823221184, 0.31927233684597378), rel=1e-12
    )
    assert (reml.estimate, reml.se, reml.tau2, reml.i2) == pytest.approx(
        (3.21614770997318278, 2.22265490246199038, 4.20209630446703652, 0.27818567303641550), rel=1e-9
    )


def test_centres_without_information_and_a_single_centre():
    assert log_odds_ratio(0, 10, 0, 12) is None  # no event in either cohort
    assert risk_difference(0, 10, 0, 12) is None
    assert log_odds_ratio(3, 10, 0, 12)[0] == pytest.approx(log(3.5 * 12.5 / (7.5 * 0.5)))
    with pytest.raises(NotComputable):
        meta_analysis("OR", ("A",), [0.1], [0.2])


def test_a_cohorts_proportion_pooled_on_the_logit_scale_as_r():
    """R (tests/data/r/meta.R, last block): escalc(measure = "PLO")'s logit with 0.5 added to a zero count."""
    pairs = [logit_proportion(x, n) for x, n in ((12, 40), (30, 95), (7, 20), (0, 15))]
    m = meta_analysis("PLO", CENTRES, [p[0] for p in pairs], [p[1] for p in pairs])
    fixed, dl = m.model("fixed_iv"), m.model("random_dl")
    assert (fixed.estimate, fixed.se) == pytest.approx((-0.80881769923524327, 0.17159781051396289), rel=1e-12)
    assert (m.q, m.q_p_value) == pytest.approx((3.5404427427820684, 0.31555458943718823), rel=1e-12)
    assert (dl.estimate, dl.se, dl.tau2, dl.i2) == pytest.approx(
        (-0.82081565823800606, 0.20328886218268841, 0.028655360573571761, 0.15264834995111098), rel=1e-12
    )
    assert m.model("random_reml").tau2 == pytest.approx(0, abs=1e-9)  # R: 3.9e-11, at the boundary
    # R: plogis(c(r$fe["est"], r$dl["est"]))
    assert shown("PLO", fixed.estimate) == pytest.approx(0.30814249403182931, rel=1e-13)
    assert shown("PLO", dl.estimate) == pytest.approx(0.30559054572345984, rel=1e-13)


def test_a_centre_without_a_positive_variance_is_refused():
    with pytest.raises(NotComputable, match="variance"):
        meta_analysis("MD", ("A", "B"), [1.0, 2.0], [0.0, 0.5])
