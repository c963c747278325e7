"""Cochran-Mantel-Haenszel tests of a group-outcome association within strata (centres, products), as R
`mantelhaen.test`: for 2 x 2 x K tables with Yates' correction (R's default) or exact (`exact = TRUE`), with
the Mantel-Haenszel common odds ratio and its Robins-Breslow-Greenland 95% CI, and the generalized test for
r x c x K tables. Input: one r x c counts table per stratum (rows: groups, columns: outcome levels), as a
K x r x c array -- R's `x[, , k]` is our `tables[k]`.
"""

from __future__ import annotations

from collections.abc import Callable
from math import comb

import numpy as np

from iectox.stats.methods.distributions import chi2_sf, norm_ppf
from iectox.stats.methods.effects import Effect
from iectox.stats.methods.result import MethodResult, NotComputable

Z95 = norm_ppf(0.975)
EXACT_TOLERANCE = 1 + 1e-7  # R: relErr <- 1 + 10^(-7)


def strata_tables(data: object) -> np.ndarray:
    """A K x r x c array of whole counts >= 0: one r x c table per stratum."""
    try:
        array = np.asarray(data, dtype=float)
    except (TypeError, ValueError):
        raise NotComputable(
            "stratified counts must be one table of numbers per stratum, all of one shape"
        ) from None
    if array.ndim != 3:
        raise NotComputable(
            f"stratified counts must be one table per stratum (3 dimensions), not {array.ndim}"
        )
    if not np.all(np.isfinite(array)) or np.any(array < 0) or np.any(array != np.round(array)):
        raise NotComputable("stratified counts must be whole numbers >= 0")
    return array


def _checked(tables: np.ndarray) -> np.ndarray:
    """R's own refusals, before any number is computed."""
    if min(tables.shape) < 2:
        strata, rows, columns = tables.shape
        raise NotComputable(
            f"each dimension in table must be >= 2 (R's message): {strata} strata of {rows} x {columns} tables "
            "(with a single stratum, use the unstratified test)"
        )
    sizes = tables.sum(axis=(1, 2))
    if np.any(sizes < 2):
        small = ", ".join(str(k + 1) for k in np.flatnonzero(sizes < 2))
        raise NotComputable(f"sample size in each stratum must be > 1 (R's message): stratum {small}")
    return tables


def _two_by_two(tables: np.ndarray) -> np.ndarray:
    tables = _checked(strata_tables(tables))
    if tables.shape[1:] != (2, 2):
        raise NotComputable(
            f"the Mantel-Haenszel odds ratio needs 2 x 2 tables, not {tables.shape[1]} x {tables.shape[2]}"
        )
    return tables


def mantel_haenszel(tables: object, correct: bool = True) -> MethodResult:
    """Mantel-Haenszel chi-squared test on 2 x 2 x K tables, R `mantelhaen.test(x)` (`correct = TRUE`: 0.5
    is taken off |sum(a - E(a))| when it is at least 0.5, as R does)."""
    x = _two_by_two(tables)
    n = x.sum(axis=(1, 2))
    rows, columns = x.sum(axis=2), x.sum(axis=1)
    delta = float(np.sum(x[:, 0, 0] - rows[:, 0] * columns[:, 0] / n))
    yates = 0.5 if correct and abs(delta) >= 0.5 else 0.0
    variance = float(np.sum(rows.prod(axis=1) * columns.prod(axis=1) / (n**2 * (n - 1))))
    if not variance > 0:
        raise NotComputable("every stratum has a single group or a single outcome: no information (R: NaN)")
    statistic = (abs(delta) - yates) ** 2 / variance
    method = f"Mantel-Haenszel chi-squared test {'with' if yates else 'without'} continuity correction"
    test = "mantel_haenszel" if correct else "mantel_haenszel_uncorrected"
    detail = f"{x.shape[0]} strata of 2 x 2 tables, continuity correction {yates:g}, chi-squared on 1 df"
    return MethodResult(test, chi2_sf(statistic, 1.0), statistic, 1.0, method, detail)


def mantel_haenszel_uncorrected(tables: object) -> MethodResult:
    """Mantel-Haenszel chi-squared test without continuity correction, R `mantelhaen.test(x, correct = FALSE)`."""
    return mantel_haenszel(tables, correct=False)


def mantel_haenszel_odds_ratio(tables: object) -> Effect:
    """The Mantel-Haenszel common odds ratio of 2 x 2 x K tables (first row vs second, first column's odds)
    and its Robins-Breslow-Greenland 95% CI, R `mantelhaen.test(x)$estimate` and `$conf.int`."""
    x = _two_by_two(tables)
    n = x.sum(axis=(1, 2))
    a, b, c, d = x[:, 0, 0], x[:, 0, 1], x[:, 1, 0], x[:, 1, 1]
    diagonal, off = float(np.sum(a * d / n)), float(np.sum(b * c / n))
    if diagonal == 0 or off == 0:
        which = "a x d" if diagonal == 0 else "b x c"
        raise NotComputable(
            f"the common odds ratio is {'0' if diagonal == 0 else 'infinite'}: {which} is 0 in every stratum"
        )
    sd = np.sqrt(
        np.sum((a + d) * a * d / n**2) / (2 * diagonal**2)
        + np.sum(((a + d) * b * c + (b + c) * a * d) / n**2) / (2 * diagonal * off)
        + np.sum((b + c) * b * c / n**2) / (2 * off**2)
    )
    estimate = diagonal / off
    low, high = estimate * np.exp(-Z95 * sd), estimate * np.exp(Z95 * sd)
    return Effect(
        estimate, float(low), float(high), "Mantel-Haenszel common odds ratio, Robins-Breslow-Greenland CI"
    )


def _hypergeometric(m: int, n: int, t: int) -> tuple[int, np.ndarray]:
    """The support's lowest value and the probabilities of a[1, 1] given the margins (R `dhyper`), exactly."""
    low, high = max(0, t - n), min(m, t)
    whole = comb(m + n, t)
    return low, np.array([comb(m, a) * comb(n, t - a) / whole for a in range(low, high + 1)])


class _Conditional:
    """The distribution of S = sum of the a cells given every stratum's margins (R's `d2x2xk`): the
    convolution of the strata's hypergeometric distributions, tilted by an odds ratio exp(log_ncp)."""

    def __init__(self, x: np.ndarray) -> None:
        self.low, density = 0, np.ones(1)
        for stratum in x:
            first, probabilities = _hypergeometric(
                int(stratum[:, 0].sum()), int(stratum[:, 1].sum()), int(stratum[0].sum())
            )
            self.low += first
            density = np.convolve(density, probabilities)
            density /= density.sum()
        self.density = density
        self.support = np.arange(self.low, self.low + density.size)
        self.high = int(self.support[-1])
        self.s = int(x[:, 0, 0].sum())

    def tilted(self, log_ncp: float) -> np.ndarray:
        with np.errstate(divide="ignore"):
            d = np.log(self.density) + log_ncp * self.support
        d = np.exp(d - d.max())
        return d / d.sum()

    def mean(self, log_ncp: float) -> float:
        return float(np.dot(self.support, self.tilted(log_ncp)))

    def at_most(self, log_ncp: float) -> float:
        return float(self.tilted(log_ncp)[self.support <= self.s].sum())

    def at_least(self, log_ncp: float) -> float:
        return float(self.tilted(log_ncp)[self.support >= self.s].sum())


def _log_root(increasing: Callable[[float], float], target: float) -> float:
    """The log odds ratio where an increasing function of it reaches `target`, by bisection to the last bit
    (R's `uniroot` stops at its default tolerance, about 1e-4)."""
    low, high = -1.0, 1.0
    while increasing(low) > target and low > -700:
        low *= 2
    while increasing(high) < target and high < 700:
        high *= 2
    for _ in range(200):
        middle = (low + high) / 2
        if middle in (low, high):
            break
        low, high = (middle, high) if increasing(middle) < target else (low, middle)
    return (low + high) / 2


def mantel_haenszel_exact_odds_ratio(tables: object) -> Effect:
    """The conditional maximum likelihood estimate of the common odds ratio and its exact 95% CI, R
    `mantelhaen.test(x, exact = TRUE)$estimate` and `$conf.int`: 0 or Inf at the ends of the support.

    The roots are found to machine precision; R's `uniroot` stops at its default tolerance, so R's printed
    estimate and limits can differ from these in the 4th significant digit (the 2nd, for a limit near 0)."""
    c = _Conditional(_two_by_two(tables).astype(np.int64))
    if c.s == c.low:
        estimate = 0.0
    elif c.s == c.high:
        estimate = float("inf")
    else:
        estimate = float(np.exp(_log_root(c.mean, c.s)))
    low = 0.0 if c.s == c.low else float(np.exp(_log_root(c.at_least, 0.025)))
    high = float("inf") if c.s == c.high else float(np.exp(_log_root(lambda t: -c.at_most(t), -0.025)))
    return Effect(estimate, low, high, "conditional maximum likelihood estimate, exact conditional CI")


def mantel_haenszel_exact(tables: object) -> MethodResult:
    """Exact conditional test of independence in 2 x 2 x K tables, R `mantelhaen.test(x, exact = TRUE)`:
    the distribution of S = sum of the a cells given every stratum's margins is the convolution of the
    strata's hypergeometric distributions; two-sided p = sum of the probabilities <= P(S = s) x (1 + 1e-7)."""
    x = _two_by_two(tables).astype(np.int64)
    conditional = _Conditional(x)
    s, low, density = conditional.s, conditional.low, conditional.density
    observed = density[s - low]
    p = float(density[density <= observed * EXACT_TOLERANCE].sum())
    detail = (
        f"{x.shape[0]} strata, S = {s} on {low}..{low + density.size - 1}, exact conditional distribution"
    )
    method = "Exact conditional test of independence in 2 x 2 x k tables"
    return MethodResult("mantel_haenszel_exact", min(1.0, p), float(s), None, method, detail)


def cmh_generalized(tables: object) -> MethodResult:
    """Generalized Cochran-Mantel-Haenszel test of r x c x K tables, R `mantelhaen.test(x)` on tables larger
    than 2 x 2 (on 2 x 2 x K it equals `mantelhaen.test(x, correct = FALSE)`): M^2 on (r-1)(c-1) df."""
    x = _checked(strata_tables(tables))
    r, c = x.shape[1:]
    df = (r - 1) * (c - 1)
    deviation, covariance = np.zeros(df), np.zeros((df, df))
    for f in x:
        total = f.sum()
        rows, columns = f.sum(axis=1)[:-1], f.sum(axis=0)[:-1]
        # R stacks f[-I, -J] column by column (c(...) of a matrix): Fortran order.
        deviation += f[:-1, :-1].ravel(order="F") - np.outer(rows, columns).ravel(order="F") / total
        covariance += np.kron(
            np.diag(total * columns) - np.outer(columns, columns),
            np.diag(total * rows) - np.outer(rows, rows),
        ) / (total**2 * (total - 1))
    if np.linalg.matrix_rank(covariance) < df:
        raise NotComputable(
            "the covariance matrix is singular (R: 'singular matrix 'a' in solve'): a level is empty in every "
            "stratum or the strata carry no information"
        )
    statistic = float(deviation @ np.linalg.solve(covariance, deviation))
    detail = f"{x.shape[0]} strata of {r} x {c} tables, M^2 on {df} df"
    return MethodResult(
        "cmh_generalized",
        chi2_sf(statistic, float(df)),
        statistic,
        float(df),
        "Cochran-Mantel-Haenszel test",
        detail,
    )
