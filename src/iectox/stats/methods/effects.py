"""Effect sizes with their 95% confidence intervals, to print next to a p-value: risk difference, odds
ratio, mean difference and standardized mean difference. Each says in `method` how it was computed."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from iectox.stats.methods.distributions import norm_ppf, t_ppf
from iectox.stats.methods.means import Moments, t_parts
from iectox.stats.methods.result import NotComputable, counts_table

Z95 = norm_ppf(0.975)  # R: qnorm(0.975)


@dataclass(frozen=True)
class Effect:
    """An effect size and its 95% confidence interval (None when the method gives none)."""

    estimate: float
    low: float | None
    high: float | None
    method: str


def wilson(x: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval of x/n, R `prop.test(x, n, correct = FALSE)$conf.int`."""
    if n <= 0 or not 0 <= x <= n:
        raise NotComputable(f"a proportion needs 0 <= x <= n and n > 0, got {x}/{n}")
    p = x / n
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
    return float(max(0.0, centre - half)), float(min(1.0, centre + half))


def risk_difference(x1: int, n1: int, x2: int, n2: int) -> Effect:
    """x1/n1 - x2/n2 with Newcombe's hybrid score interval (Newcombe 1998, method 10).

    Built from the two Wilson intervals; unlike the Wald interval it stays inside [-1, 1] and keeps its
    coverage with small counts or proportions near 0 or 1, common for severe grades.
    """
    l1, u1 = wilson(x1, n1)
    l2, u2 = wilson(x2, n2)
    p1, p2 = x1 / n1, x2 / n2
    d = p1 - p2
    low = d - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = d + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return Effect(d, float(low), float(high), "risk difference, Newcombe hybrid score (Wilson) 95% CI")


def odds_ratio(table2x2: object) -> Effect:
    """Sample odds ratio (a d) / (b c) of [[a, b], [c, d]] (rows: groups, columns: event, no event).

    Woolf's logit 95% CI. With a zero cell the OR or its log is infinite, so then (only then) 0.5 is added
    to every cell (Haldane-Anscombe), and `method` says so.
    """
    table = counts_table(table2x2).astype(float)
    if table.shape != (2, 2):
        raise NotComputable(f"an odds ratio needs a 2 x 2 table, got {table.shape[0]} x {table.shape[1]}")
    method = "odds ratio, Woolf logit 95% CI"
    if np.any(table == 0):
        table = table + 0.5
        method += "; Haldane correction: 0.5 added to every cell because a cell is 0"
    (a, b), (c, d) = table
    log_or = np.log(a * d / (b * c))
    se = np.sqrt(np.sum(1 / table))
    return Effect(
        float(np.exp(log_or)), float(np.exp(log_or - Z95 * se)), float(np.exp(log_or + Z95 * se)), method
    )


def _mean_difference(x: Moments, y: Moments, welch: bool) -> Effect:
    parts = t_parts(x, y, welch)
    q = t_ppf(0.975, parts.df)
    kind = "Welch" if welch else "pooled-variance"
    return Effect(
        parts.difference,
        parts.difference - q * parts.stderr,
        parts.difference + q * parts.stderr,
        f"difference in means, {kind} t 95% CI (R t.test conf.int)",
    )


def mean_difference(a: object, b: object, welch: bool = True) -> Effect:
    """mean(a) - mean(b) with the t confidence interval of R `t.test(a, b, var.equal = !welch)`."""
    return _mean_difference(Moments.of(a, "first group"), Moments.of(b, "second group"), welch)


def mean_difference_from_stats(
    m1: float, s1: float, n1: int, m2: float, s2: float, n2: int, welch: bool = True
) -> Effect:
    """The same from printed means, SDs and sizes."""
    return _mean_difference(Moments(m1, s1, n1), Moments(m2, s2, n2), welch)


def standardized_mean_difference_from_stats(m1: float, s1: float, m2: float, s2: float) -> Effect:
    """(m1 - m2) / sqrt((s1^2 + s2^2) / 2): the balance measure of tableone and of Austin (2009).

    As R tableone's `StdDiff`: two constant groups (both SDs 0) give 0 when their values are equal and an
    infinite SMD when they differ (R's x / 0); an SD that is not a number (a group of one value) gives NaN.
    """
    pooled = np.sqrt((s1**2 + s2**2) / 2)
    difference = m1 - m2
    method = "standardized mean difference, SD sqrt((s1^2 + s2^2) / 2), signed (tableone prints |d|); no CI"
    if pooled == 0:
        estimate = 0.0 if difference == 0 else float(np.copysign(np.inf, difference))
        return Effect(
            estimate, None, None, method + "; both groups constant (tableone: 0 if equal, else Inf)"
        )
    return Effect(float(difference / pooled), None, None, method)


def _multinomial_cov(p: np.ndarray) -> np.ndarray:
    cov = -np.outer(p, p)
    np.fill_diagonal(cov, p * (1 - p))
    return cov


def standardized_mean_difference(a: object, b: object | None = None) -> Effect:
    """Standardized difference between two groups, as R tableone's `ExtractSmd`.

    Two arrays of values: continuous, (mean(a) - mean(b)) / sqrt((var(a) + var(b)) / 2), signed. One
    2 x k counts table (rows: the two groups, columns: levels): Yang & Dalton's (2012) multi-level SMD,
    sqrt((T1 - T2)' S^-1 (T1 - T2)) over the proportions T of levels 2..k, S the mean of the two multinomial
    covariance matrices, inverted with a generalised inverse as tableone does (MASS::ginv); >= 0.
    """
    if b is not None:
        x, y = Moments.of(a, "first group"), Moments.of(b, "second group")
        return standardized_mean_difference_from_stats(x.mean, x.sd, y.mean, y.sd)
    table = counts_table(a).astype(float)
    if table.shape[0] != 2:
        raise NotComputable(f"a categorical SMD compares 2 groups (rows), got {table.shape[0]}")
    if np.any(table.sum(axis=1) == 0):
        raise NotComputable("a group has no observations")
    props = table / table.sum(axis=1, keepdims=True)
    t1, t2 = props[0, 1:], props[1, 1:]
    s = (_multinomial_cov(t1) + _multinomial_cov(t2)) / 2
    diff = t1 - t2
    method = "standardized mean difference for categorical levels (Yang & Dalton 2012); no CI"
    if not s.any():
        # tableone's StdDiffFromLstMeans: a zero covariance (each group on a single level) has a zero
        # generalised inverse, which would call complete separation perfect balance; R tableone gives NaN
        # there, and 0 only when the proportions are equal too.
        estimate = 0.0 if not diff.any() else float("nan")
        return Effect(
            estimate, None, None, method + "; every group on one level (tableone: NaN unless equal)"
        )
    ginv = np.linalg.pinv(s, rcond=np.sqrt(np.finfo(float).eps))  # MASS::ginv's tolerance
    smd = float(np.sqrt(max(0.0, diff @ ginv @ diff)))
    return Effect(smd, None, None, method)
