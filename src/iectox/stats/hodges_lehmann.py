"""Hodges-Lehmann estimates and intervals exactly as R's `wilcox.test(..., conf.int = TRUE)` computes them.

R takes one of two routes, and so does this module:

- exact (fewer than 50 values in each group, no ties, and for one sample no zero): the estimate is the
  median of the Walsh averages (one sample) or of all differences x_i - y_j (two samples), and the limits
  are order statistics of them at R's `qsignrank` / `qwilcox` quantile;
- otherwise the normal approximation: the limits are the shifts d where the continuity-corrected,
  tie-corrected z statistic of (x - d) against the normal quantiles is 0, and the estimate the shift where
  the uncorrected z is 0, all found by R's `uniroot` with `tol.root = 1e-4` (`iectox.stats.roots`, step
  for step). The estimate is then not the median of the differences: R's, to about 1e-4.

A requested level that cannot be achieved (tiny groups) gives the level R reports instead, in `level`,
with R's warning in `detail`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import numpy as np

from iectox.i18n import N_
from iectox.stats.estimate import Estimate
from iectox.stats.methods.distributions import norm_ppf
from iectox.stats.methods.ranks import EXACT_BELOW, mann_whitney, ranks, wilcox_counts
from iectox.stats.methods.result import NotComputable
from iectox.stats.roots import uniroot

TOL_ROOT = 1e-4  # wilcox.test(tol.root = 1e-4)
_FUZZ = 10 * float(np.finfo(float).eps)  # R's qwilcox / qsignrank: x - 10 * DBL_EPSILON
NOT_ACHIEVABLE = "requested conf.level not achievable"


@lru_cache(maxsize=64)
def signrank_counts(n: int) -> np.ndarray:
    """How many of the 2^n sign patterns give each signed rank sum V = 0..n(n+1)/2 (R's `csignrank`)."""
    counts = np.zeros(n * (n + 1) // 2 + 1)
    counts[0] = 1.0
    for k in range(1, n + 1):
        counts[k:] = counts[k:] + counts[: counts.size - k].copy()
    return counts


def _quantile(p: float, counts: np.ndarray) -> int:
    """R's `qwilcox` / `qsignrank` for p <= 0.5: the smallest q with P(X <= q) >= p - 10 eps."""
    cumulative = np.cumsum(counts / counts.sum())
    return int(np.searchsorted(cumulative, p - _FUZZ, side="left"))


def _cdf(q: int, counts: np.ndarray) -> float:
    return float(counts[: q + 1].sum() / counts.sum()) if q >= 0 else 0.0


def _exact(
    walsh: np.ndarray, counts: np.ndarray, level: float, signif: bool
) -> tuple[float, float, float, str]:
    """R's exact limits: the qu-th and (N - qu + 1)-th ordered values, qu = q(alpha / 2) (at least 1)."""
    alpha = 1 - level
    qu = max(_quantile(alpha / 2, counts), 1)
    ql = walsh.size - qu
    achieved = 2 * _cdf(qu - 1, counts)
    detail = ""
    if achieved - alpha > alpha / 2:
        level = 1 - float(f"{achieved:.2g}") if signif else 1 - achieved
        detail = NOT_ACHIEVABLE
    return float(walsh[qu - 1]), float(walsh[ql]), level, detail


def _run_rank_sum(data: np.ndarray, split: int, after: bool) -> tuple[float, np.ndarray]:
    """The sum of the mid-ranks (R's `rank`) of data[split:] (`after`) or data[:split], and the tie sizes,
    for data made of two ascending runs: a stable sort (timsort) merges them in linear time, which matters
    as the roots evaluate the statistic some 50 times."""
    mid, sizes = ranks(data, kind="stable")
    chosen = slice(split, None) if after else slice(None, split)
    return float(mid[chosen].sum()), sizes


def _tie_term(tie_sizes: np.ndarray) -> float:
    return float(np.sum(tie_sizes.astype(float) ** 3 - tie_sizes))


def _normal_limits(
    z_of: Callable[[float, bool], float], lower: float, upper: float, level: float, one_sample: bool
) -> tuple[float, float, float, float, str]:
    """Limits and estimate in R's normal approximation: roots of z(d) -/+ the normal quantile."""
    alpha = 1 - level
    at_min, at_max = z_of(lower, True), z_of(upper, True)
    if not (np.isfinite(at_min) and np.isfinite(at_max)):
        raise NotComputable(N_("all observations are zero or tied: no interval (R gives NaN)"))
    detail = ""
    if one_sample:  # R widens alpha until both quantiles lie within [z(max), z(min)]
        while at_min - (-norm_ppf(alpha / 2)) < 0 or at_max - norm_ppf(alpha / 2) > 0:
            alpha *= 2
        if alpha >= 1 or 1 - level < alpha * 0.75:
            level, detail = 1 - min(1.0, alpha), NOT_ACHIEVABLE

    def root(zq: float) -> float:
        f_lower, f_upper = at_min - zq, at_max - zq
        if not one_sample and f_lower <= 0:
            return lower
        if not one_sample and f_upper >= 0:
            return upper
        return uniroot(lambda d: z_of(d, True) - zq, lower, upper, TOL_ROOT, f_lower, f_upper)

    if alpha >= 1:  # R prints the median twice at conf.level 0: no interval at all
        raise NotComputable(N_("too few distinct values for an interval at any level (R: conf.level 0)"))
    low, high = root(-norm_ppf(alpha / 2)), root(norm_ppf(alpha / 2))
    estimate = uniroot(lambda d: z_of(d, False), lower, upper, TOL_ROOT)
    return low, high, estimate, level, detail


def pseudomedian(x: np.ndarray, level: float = 0.95) -> Estimate:
    """R `wilcox.test(x, conf.int = TRUE, conf.level = level)`: its `estimate` and `conf.int` (mu = 0)."""
    zeroes = bool(np.any(x == 0))
    x = x[x != 0]  # R drops the zeros before everything, the interval included
    n = x.size
    if n == 0:
        raise NotComputable(N_("no value other than 0 (R: not enough (non-missing) 'x' observations)"))
    _, tie_sizes = ranks(np.abs(x))
    if n < EXACT_BELOW and not np.any(tie_sizes > 1) and not zeroes:
        upper = np.triu_indices(n)
        walsh = np.sort(np.add.outer(x, x)[upper]) / 2
        low, high, level, detail = _exact(walsh, signrank_counts(n), level, signif=True)
        return Estimate("wilcox_pseudomedian", level, float(np.median(walsh)), low, high, detail=detail)

    ordered = np.sort(x)

    def z_of(d: float, correct: bool) -> float:
        xd = ordered - d
        below, above = -xd[xd < 0][::-1], xd[xd > 0]  # |x - d| in two ascending runs, zeros dropped
        nx = below.size + above.size
        data = np.concatenate([below, above])
        positive, ties = _run_rank_sum(data, below.size, after=True) if nx else (0.0, np.empty(0))
        zd = positive - nx * (nx + 1) / 4
        sigma = np.sqrt(nx * (nx + 1) * (2 * nx + 1) / 24 - _tie_term(ties) / 48)
        with np.errstate(divide="ignore", invalid="ignore"):
            return float((zd - (np.sign(zd) * 0.5 if correct else 0.0)) / sigma)

    low, high, estimate, level, detail = _normal_limits(z_of, float(x.min()), float(x.max()), level, True)
    route = "normal approximation with continuity correction"
    reason = "ties" if np.any(tie_sizes > 1) else ("zeros" if zeroes else f"{EXACT_BELOW} values or more")
    detail = "; ".join(filter(None, (f"{route} ({reason})", detail)))
    return Estimate("wilcox_pseudomedian", level, estimate, low, high, detail=detail)


def location_shift(a: object, b: object, level: float = 0.95) -> Estimate:
    """R `wilcox.test(a, b, conf.int = TRUE, conf.level = level)`: the Hodges-Lehmann difference in
    location (a minus b) with its interval and the test's p-value."""
    from_a = np.asarray(a, dtype=float).ravel()
    from_b = np.asarray(b, dtype=float).ravel()
    x, y = from_a[~np.isnan(from_a)], from_b[~np.isnan(from_b)]
    if x.size == 0 or y.size == 0:
        raise NotComputable(N_("a group has no values (R: not enough observations)"))
    nx, ny = x.size, y.size
    _, tie_sizes = ranks(np.concatenate([x, y]))
    if nx < EXACT_BELOW and ny < EXACT_BELOW and not np.any(tie_sizes > 1):
        diffs = np.sort(np.subtract.outer(x, y).ravel())
        low, high, level, detail = _exact(diffs, wilcox_counts(nx, ny), level, signif=False)
        p = mann_whitney(x, y).p_value
        return Estimate("hodges_lehmann", level, float(np.median(diffs)), low, high, p, detail=detail)
    n = nx + ny

    x_ordered, y_ordered = np.sort(x), np.sort(y)

    def z_of(d: float, correct: bool) -> float:
        in_x, ties = _run_rank_sum(np.concatenate([x_ordered - d, y_ordered]), nx, after=False)
        dz = in_x - nx * (nx + 1) / 2 - nx * ny / 2
        sigma = np.sqrt((nx * ny / 12) * ((n + 1) - _tie_term(ties) / (n * (n - 1))))
        with np.errstate(divide="ignore", invalid="ignore"):
            return float((dz - (np.sign(dz) * 0.5 if correct else 0.0)) / sigma)

    lower, upper = float(x.min() - y.max()), float(x.max() - y.min())
    low, high, estimate, level, _ = _normal_limits(z_of, lower, upper, level, False)
    reason = "ties" if np.any(tie_sizes > 1) else f"a group of {EXACT_BELOW} or more"
    detail = f"normal approximation with continuity correction ({reason})"
    return Estimate("hodges_lehmann", level, estimate, low, high, mann_whitney(x, y).p_value, detail=detail)
