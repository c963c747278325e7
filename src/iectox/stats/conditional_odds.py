"""The odds ratio of a 2 x 2 table as R's `fisher.test` gives it: the conditional maximum likelihood
estimate (the mean of the noncentral hypergeometric distribution equals the observed count) and its exact
limits (the odds ratios at which the observed count is in the alpha / 2 tail), found by R's `uniroot`
(`iectox.stats.roots`, the same steps) on R's own densities (`iectox.stats.dhyper`) summed as R's `sum()`
does, with the two-sided exact p-value.

It is not the sample odds ratio a d / (b c): it is shrunk towards 1, stays finite-or-0 with a zero cell
(0 or infinity when the observed count is at an end of its support, with a one-sided exact limit) and is
what papers quoting `fisher.test` print.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from iectox.i18n import N_
from iectox.stats.dhyper import dhyper_log, phyper
from iectox.stats.estimate import Estimate
from iectox.stats.methods.contingency import fisher_exact
from iectox.stats.methods.result import NotComputable
from iectox.stats.roots import EPSILON, uniroot


def r_sum(values: np.ndarray) -> float:
    """R's `sum()` of doubles: added in order in a long double, then rounded to a double."""
    return float(np.cumsum(values, dtype=np.longdouble)[-1]) if values.size else 0.0


class _Noncentral:
    """The distribution of the top-left count given the margins, for odds ratio `ncp` (R's closures)."""

    def __init__(self, table: np.ndarray) -> None:
        self.m = int(table[:, 0].sum())  # first column
        self.n = int(table[:, 1].sum())
        self.k = int(table[0].sum())  # first row
        self.x = int(table[0, 0])
        self.lo, self.hi = max(0, self.k - self.n), min(self.k, self.m)
        self.support = np.arange(self.lo, self.hi + 1, dtype=float)
        self.logdc = np.array([dhyper_log(int(s), self.m, self.n, self.k) for s in self.support])

    def density(self, ncp: float) -> np.ndarray:
        d = self.logdc + np.log(ncp) * self.support
        d = np.exp(d - d.max())
        return d / r_sum(d)

    def mean(self, ncp: float) -> float:
        if ncp == 0:
            return float(self.lo)
        if ncp == np.inf:
            return float(self.hi)
        return r_sum(self.support * self.density(ncp))

    def tail(self, ncp: float, upper: bool) -> float:
        """P(X <= x), or P(X >= x) when `upper`."""
        q = self.x
        if ncp == 1:  # R: phyper itself
            return (
                phyper(q - 1, self.m, self.n, self.k, False) if upper else phyper(q, self.m, self.n, self.k)
            )
        if ncp == 0:
            return float(q <= self.lo) if upper else float(q >= self.lo)
        if ncp == np.inf:
            return float(q <= self.hi) if upper else float(q >= self.hi)
        d = self.density(ncp)
        return r_sum(d[self.support >= q] if upper else d[self.support <= q])


def _solve(f: Callable[[float], float], target: float, at_one: float, below_one: bool) -> float:
    """R's pattern: 1 when f(1) is the target, else the root in (0, 1) of f(t) - target (`below_one`),
    else 1 / the root in (eps, 1) of f(1 / t) - target."""
    if at_one == target:
        return 1.0
    if below_one:
        return uniroot(lambda t: f(t) - target, 0.0, 1.0)
    return 1 / uniroot(lambda t: f(1 / t) - target, EPSILON, 1.0)


def conditional_odds_ratio(x1: int, n1: int, x2: int, n2: int, level: float = 0.95) -> Estimate:
    """R `fisher.test(matrix(c(x1, n1 - x1, x2, n2 - x2), 2, byrow = TRUE), conf.level = level)`: its
    `estimate`, `conf.int` and `p.value` (the odds of the event in group 1 over group 2)."""
    if n1 <= 0 or n2 <= 0:
        raise NotComputable(N_("a group is empty: no odds ratio"))
    table = np.array([[x1, n1 - x1], [x2, n2 - x2]])
    if np.any(table.sum(axis=0) == 0):
        raise NotComputable(N_("every patient has the event, or none has: no odds ratio"))
    d = _Noncentral(table)
    if d.x == d.lo:
        estimate = 0.0
    elif d.x == d.hi:
        estimate = np.inf
    else:
        mu = d.mean(1.0)
        estimate = _solve(d.mean, d.x, mu, mu > d.x)
    alpha = (1 - level) / 2
    if d.x == d.lo:
        low = 0.0
    else:
        p = d.tail(1.0, upper=True)
        low = _solve(lambda t: d.tail(t, upper=True), alpha, p, p > alpha)
    if d.x == d.hi:
        high = np.inf
    else:
        p = d.tail(1.0, upper=False)
        high = _solve(lambda t: d.tail(t, upper=False), alpha, p, p < alpha)
    p_value = fisher_exact(table).p_value
    return Estimate("odds_ratio_fisher", level, float(estimate), float(low), float(high), p_value)
