"""Differences between two groups with their confidence intervals (gtsummary's `add_difference()`):
proportions (Newcombe's hybrid score interval; `prop.test`'s interval and p), odds and risk ratios (Wald,
as `epitools`; the conditional odds ratio of `fisher.test` is in `conditional_odds`), means (Welch or
pooled t), locations (Hodges-Lehmann, in `hodges_lehmann`) and the standardized mean difference.

Always group 1 against group 2 (a difference is group 1 minus group 2, a ratio group 1 over group 2).
Each function follows its R call (`iectox.stats.estimate.ESTIMATES`) in R's order of operations, and raises
`NotComputable` where R would give no number or a number that would mislead (an infinite ratio, an interval
of width 0 from a test that is NaN).
"""

from __future__ import annotations

import numpy as np

from iectox.i18n import N_
from iectox.stats.estimate import Estimate
from iectox.stats.intervals import check_count, check_level, observations, wilson_limits
from iectox.stats.methods.distributions import chi2_sf, norm_ppf, t_ppf, t_sf
from iectox.stats.methods.means import Moments, t_parts
from iectox.stats.methods.result import NotComputable


def newcombe(x1: int, n1: int, x2: int, n2: int, level: float = 0.95) -> Estimate:
    """p1 - p2 with Newcombe's (1998) method 10, from each group's Wilson interval without continuity
    correction (l_i, u_i): p1 - p2 - sqrt((p1 - l1)^2 + (u2 - p2)^2), p1 - p2 + sqrt((u1 - p1)^2 + (p2 - l2)^2).
    Stays in [-1, 1] and keeps its coverage with 0 or n events, where the Wald interval collapses."""
    l1, u1 = wilson_limits(x1, n1, level, correct=False)
    l2, u2 = wilson_limits(x2, n2, level, correct=False)
    p1, p2 = x1 / n1, x2 / n2
    d = p1 - p2
    low = d - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = d + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return Estimate("newcombe", level, d, float(low), float(high))


def prop_test(x1: int, n1: int, x2: int, n2: int, level: float = 0.95) -> Estimate:
    """R `prop.test(c(x1, x2), c(n1, n2), conf.level = level)`: p1 - p2, its Wald interval widened by
    Yates' correction min(0.5, |p1 - p2| / (1/n1 + 1/n2)) (1/n1 + 1/n2), and the corrected chi-squared p.
    gtsummary's `add_difference()` default for a yes/no variable."""
    (x1, n1), (x2, n2) = check_count(x1, n1), check_count(x2, n2)
    z = norm_ppf((1 + check_level(level)) / 2)
    e1, e2 = x1 / n1, x2 / n2
    delta = e1 - e2
    inverse = 1 / n1 + 1 / n2
    yates = min(0.5, abs(delta) / inverse)
    width = z * np.sqrt(e1 * (1 - e1) / n1 + e2 * (1 - e2) / n2) + yates * inverse
    pooled = (x1 + x2) / (n1 + n2)
    if pooled in (0.0, 1.0):
        raise NotComputable(N_("no patient has the event, or all have: prop.test gives no p-value (NaN)"))
    observed = (x1, x2, n1 - x1, n2 - x2)
    expected = (n1 * pooled, n2 * pooled, n1 * (1 - pooled), n2 * (1 - pooled))
    statistic = sum((abs(o - e) - yates) ** 2 / e for o, e in zip(observed, expected, strict=True))
    low, high = max(delta - width, -1.0), min(delta + width, 1.0)
    detail = "Yates' correction " + ("applied" if yates else "0 (the proportions are equal)")
    return Estimate(
        "prop_test", level, delta, float(low), float(high), chi2_sf(statistic, 1.0), detail=detail
    )


def mean_difference(a: object, b: object, level: float = 0.95, welch: bool = True) -> Estimate:
    """mean(a) - mean(b) with the interval and p of R `t.test(a, b, var.equal = !welch)`, in R's order of
    operations: ((m1 - m2) / se -/+ qt(1 - alpha / 2, df)) * se."""
    x, y = observations(a), observations(b)
    if x.size == 0 or y.size == 0:
        raise NotComputable(N_("a group has no values (R: not enough observations)"))
    parts = t_parts(Moments.of(x, "first group"), Moments.of(y, "second group"), welch)
    tstat = parts.difference / parts.stderr
    q = t_ppf(1 - (1 - check_level(level)) / 2, parts.df)
    p = 2 * t_sf(abs(tstat), parts.df)
    method = "welch_t_difference" if welch else "student_t_difference"
    detail = f"t = {tstat:.6g}, df = {parts.df:.6g}"
    low, high = (tstat - q) * parts.stderr, (tstat + q) * parts.stderr
    return Estimate(method, level, parts.difference, low, high, p, detail=detail)


def _ratio_counts(x1: int, n1: int, x2: int, n2: int) -> tuple[float, float, float, float]:
    (x1, n1), (x2, n2) = check_count(x1, n1), check_count(x2, n2)
    return float(x1), float(n1), float(x2), float(n2)


def odds_ratio_wald(x1: int, n1: int, x2: int, n2: int, level: float = 0.95) -> Estimate:
    """The sample odds ratio (x1 / (n1 - x1)) / (x2 / (n2 - x2)) with the Wald (Woolf) interval of R
    `epitools::oddsratio.wald` (group 2 the reference row): exp(log OR -/+ z sqrt(sum of 1 / cells)).
    A zero cell makes the odds ratio 0 or infinite and the interval meaningless: not computed (the
    conditional odds ratio of Fisher's test gives a one-sided exact interval there)."""
    a1, n1f, a0, n0 = _ratio_counts(x1, n1, x2, n2)
    b1, b0 = n1f - a1, n0 - a0
    if 0 in (a0, a1, b0, b1):
        raise NotComputable(
            N_("a cell of the 2 x 2 table is 0: the Wald odds ratio is 0 or infinite, no interval")
        )
    z = norm_ppf(0.5 * (1 + check_level(level)))
    estimate = (b0 * a1) / (a0 * b1)
    se = np.sqrt((1 / b0) + (1 / a0) + (1 / b1) + (1 / a1))
    low, high = np.exp(np.log(estimate) + np.array([-1, 1]) * z * se)
    return Estimate("odds_ratio_wald", level, float(estimate), float(low), float(high))


def risk_ratio_wald(x1: int, n1: int, x2: int, n2: int, level: float = 0.95) -> Estimate:
    """(x1 / n1) / (x2 / n2) with the Wald interval of R `epitools::riskratio.wald` (group 2 the reference
    row): exp(log RR -/+ z sqrt(1/x1 - 1/n1 + 1/x2 - 1/n2)). No event in a group: not computed."""
    a1, n1f, a0, n0 = _ratio_counts(x1, n1, x2, n2)
    if a1 == 0 or a0 == 0:
        raise NotComputable(N_("a group has no event: the risk ratio is 0 or infinite, no Wald interval"))
    z = norm_ppf(0.5 * (1 + check_level(level)))
    estimate = (a1 / n1f) / (a0 / n0)
    se = np.sqrt((1 / a1) - (1 / n1f) + (1 / a0) - (1 / n0))
    low, high = np.exp(np.log(estimate) + np.array([-1, 1]) * z * se)
    return Estimate("risk_ratio_wald", level, float(estimate), float(low), float(high))


def _smd_interval(d: float, n1: int, n2: int, level: float, detail: str) -> Estimate:
    """smd's Hedges-Olkin variance (n1 + n2) / (n1 n2) + d^2 / (2 (n1 + n2)) (`smd::compute_smd_var`);
    the interval d -/+ qnorm(1 - alpha / 2) se, as gtsummary (`cardx::ard_smd_smd`) prints it."""
    total = n1 + n2
    se = float(np.sqrt(total / (n1 * n2) + d**2 / (2 * total)))
    z = norm_ppf(1 - (1 - check_level(level)) / 2)
    return Estimate("smd", level, d, d - z * se, d + z * se, detail=detail)


def smd_values(a: object, b: object, level: float = 0.95) -> Estimate:
    """R `smd::smd(x, g, std.error = TRUE)` on values: (m1 - m2) / sqrt((v1 + v2) / 2), signed."""
    x, y = observations(a), observations(b)
    if x.size < 2 or y.size < 2:
        raise NotComputable(N_("a group has fewer than 2 values: no standard deviation, no SMD"))
    pooled = (float(x.var(ddof=1)) + float(y.var(ddof=1))) / 2
    if not pooled > 0:
        raise NotComputable(N_("both groups are constant: the SMD is undefined"))
    d = float(np.sqrt((x.mean() - y.mean()) ** 2 / pooled) * np.sign(x.mean() - y.mean()))
    return _smd_interval(d, x.size, y.size, level, "continuous: variances with n - 1")


def smd_proportions(x1: int, n1: int, x2: int, n2: int, level: float = 0.95) -> Estimate:
    """The same for a yes/no variable, as `smd::smd` on its 0/1 values: variances p(1 - p) n / (n - 1)."""
    (x1, n1), (x2, n2) = check_count(x1, n1), check_count(x2, n2)
    if n1 < 2 or n2 < 2:
        raise NotComputable(N_("a group has fewer than 2 patients: no variance, no SMD"))
    p1, p2 = x1 / n1, x2 / n2
    pooled = (p1 * (1 - p1) * n1 / (n1 - 1) + p2 * (1 - p2) * n2 / (n2 - 1)) / 2
    if not pooled > 0:
        raise NotComputable(N_("the event is absent, or present, in every patient of both groups: no SMD"))
    d = float(np.sqrt((p1 - p2) ** 2 / pooled) * np.sign(p1 - p2))
    return _smd_interval(d, n1, n2, level, "yes/no: variances of the 0/1 values with n - 1")


def smd_levels(d: float, n1: int, n2: int, level: float = 0.95) -> Estimate:
    """A categorical variable's SMD (Yang & Dalton, as tableone: `standardized_mean_difference(table)`,
    >= 0) with the same Hedges-Olkin interval; the lower limit may be below 0, as smd prints it."""
    return _smd_interval(d, n1, n2, level, "categorical: Yang & Dalton over levels 2..k, as tableone")
