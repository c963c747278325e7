"""Confidence intervals of one group's statistic (gtsummary's `add_ci()`): a proportion by Wilson's score
interval (with or without continuity correction) or Clopper-Pearson's exact interval, a mean by the t
interval, a median by the Wilcoxon signed rank interval of the pseudo-median.

Each function computes what the R call of its method (`iectox.stats.estimate.ESTIMATES`) computes, in R's
order of operations, and raises `NotComputable` with R's reason where R gives no interval.
"""

from __future__ import annotations

import numpy as np
from scipy.special import betaincinv

from iectox.i18n import N_
from iectox.stats.estimate import Estimate
from iectox.stats.hodges_lehmann import pseudomedian
from iectox.stats.methods.distributions import norm_ppf, t_ppf
from iectox.stats.methods.result import NotComputable

_EPS = float(np.finfo(float).eps)


def check_level(level: float) -> float:
    """R: "'conf.level' must be a single number between 0 and 1"."""
    if not 0 < level < 1:
        raise NotComputable(N_("the confidence level must be between 0 and 1"))
    return float(level)


def check_count(x: int, n: int) -> tuple[int, int]:
    """R's refusals of `prop.test` and `binom.test`: n > 0, 0 <= x <= n, whole numbers."""
    if n <= 0:
        raise NotComputable(N_("the group is empty (R: elements of 'n' must be positive)"))
    if not 0 <= x <= n or x != int(x) or n != int(n):
        raise NotComputable(N_("a count needs 0 <= x <= n in whole numbers"))
    return int(x), int(n)


def wilson_limits(x: int, n: int, level: float = 0.95, correct: bool = True) -> tuple[float, float]:
    """The two limits of R `prop.test(x, n, correct = correct, conf.level = level)$conf.int`.

    R's continuity correction is min(0.5, |x - n/2|): it vanishes when x = n/2 (the test's null value)."""
    x, n = check_count(x, n)
    z = norm_ppf((1 + check_level(level)) / 2)
    yates = min(0.5 if correct else 0.0, abs(x - n * 0.5))
    estimate = x / n
    z22n = z**2 / (2 * n)
    p_c = estimate + yates / n
    p_u = (
        1.0 if p_c >= 1 else (p_c + z22n + z * np.sqrt(p_c * (1 - p_c) / n + z22n / (2 * n))) / (1 + 2 * z22n)
    )
    p_c = estimate - yates / n
    p_l = (
        0.0 if p_c <= 0 else (p_c + z22n - z * np.sqrt(p_c * (1 - p_c) / n + z22n / (2 * n))) / (1 + 2 * z22n)
    )
    return float(max(p_l, 0.0)), float(min(p_u, 1.0))


def wilson(x: int, n: int, level: float = 0.95, correct: bool = True) -> Estimate:
    """x/n with Wilson's score interval: gtsummary's default `"wilson"` has the continuity correction
    (`prop.test(x, n)`), `"wilson.no.correct"` has none (`prop.test(x, n, correct = FALSE)`)."""
    low, high = wilson_limits(x, n, level, correct)
    return Estimate("wilson_cc" if correct else "wilson", level, x / n, low, high)


def clopper_pearson(x: int, n: int, level: float = 0.95) -> Estimate:
    """x/n with the Clopper-Pearson interval of R `binom.test(x, n)$conf.int`: beta quantiles, 0 at x = 0
    and 1 at x = n (exact, hence conservative)."""
    x, n = check_count(x, n)
    alpha = (1 - check_level(level)) / 2
    low = 0.0 if x == 0 else float(betaincinv(x, n - x + 1, alpha))
    high = 1.0 if x == n else float(betaincinv(x + 1, n - x, 1 - alpha))
    return Estimate("clopper_pearson", level, x / n, low, high)


def observations(data: object) -> np.ndarray:
    """The group's values without missing ones (R's `t.test` and `wilcox.test` drop NA)."""
    array = np.asarray(data, dtype=float).ravel()
    return array[~np.isnan(array)]


def t_mean(data: object, level: float = 0.95) -> Estimate:
    """The mean with the t interval of R `t.test(x, conf.level = level)$conf.int`, in R's order of
    operations: (mean / se -/+ qt(1 - alpha / 2, n - 1)) * se."""
    x = observations(data)
    if x.size < 2:
        raise NotComputable(N_("a t interval needs 2 values or more (R: not enough 'x' observations)"))
    mean = float(x.mean())
    stderr = float(np.sqrt(x.var(ddof=1) / x.size))
    if stderr < 10 * _EPS * abs(mean) or stderr == 0:
        raise NotComputable(N_("the values are all equal (R: data are essentially constant)"))
    tstat = mean / stderr
    q = t_ppf(1 - (1 - check_level(level)) / 2, x.size - 1)
    return Estimate("t_mean", level, mean, (tstat - q) * stderr, (tstat + q) * stderr)


def wilcox_pseudomedian(data: object, level: float = 0.95) -> Estimate:
    """The pseudo-median (one-sample Hodges-Lehmann estimate) with the interval of R
    `wilcox.test(x, conf.int = TRUE)`: gtsummary's `add_ci(method = "wilcox.test")` beside a median."""
    return pseudomedian(observations(data), check_level(level))
