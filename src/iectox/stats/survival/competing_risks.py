"""Cumulative incidence with competing risks, as R's `cmprsk::cuminc(ftime, fstatus, group)` computes it:
the Aalen-Johansen estimate of each cause, cuminc's own variance (Gray's delta-method estimate, not Greenwood's),
and Gray's test between groups (cuminc's `Tests`: statistic, p, df; rho = 0, no strata).

Re-implemented from the method (Gray 1988, Ann Stat 16:1141) and checked against cmprsk 2.2-11 in
`tests/test_stats_survival.py`. Neither statsmodels (`CumIncidenceRight`: another variance) nor lifelines
(`AalenJohansenFitter` jitters tied times) gives cuminc's numbers. Ties stay ties: at one time, events of every
cause and censorings are counted together, the censored still at risk.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.special import chdtr

from iectox.i18n import N_
from iectox.stats.methods.distributions import norm_ppf
from iectox.stats.methods.result import NotComputable
from iectox.stats.survival.data import at_risk, codes_of, counts_at, distinct_times, groups_of, times_of

RANK_TOLERANCE = 1e-7  # R's qr() tolerance: cuminc refuses (statistic -1) a variance matrix of lower rank


@dataclass(frozen=True)
class CumulativeIncidence:
    """One group's cumulative incidence of one cause: the estimate and its variance right after each time
    with an event of that cause (`time`); 0 before the first; unknown (NaN) after `last_time`, the group's
    largest follow-up time, as `cmprsk::timepoints`. `risk_time`, `n_risk`: who is still at risk (any cause)."""

    group: str
    cause: int
    time: np.ndarray
    estimate: np.ndarray
    variance: np.ndarray
    last_time: float
    n: int
    events: int  # of this cause
    competing: int  # of the other causes
    risk_time: np.ndarray
    n_risk: np.ndarray

    def at(self, times: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
        """The estimate and its variance at each time (right-continuous), as `cmprsk::timepoints(fit, times)`."""
        wanted = np.asarray(times, dtype=float)
        index = np.searchsorted(self.time, wanted, side="right")  # 0 before the first event: the estimate 0
        estimate = np.concatenate(([0.0], self.estimate))[index]
        variance = np.concatenate(([0.0], self.variance))[index]
        beyond = wanted > self.last_time
        return np.where(beyond, np.nan, estimate), np.where(beyond, np.nan, variance)

    def interval(self, times: Sequence[float], conf_level: float = 0.95) -> tuple[np.ndarray, ...]:
        """The estimate with its confidence limits at each time, on the log(-log) scale so that they stay
        within [0, 1]: F^exp(-/+ z se / (F log F)) (Pintilie 2006; tidycmprsk's `conf.low`, `conf.high`).
        The limits are NaN where the estimate is 0 (or 1), as there."""
        estimate, variance = self.at(times)
        z = norm_ppf(1 - (1 - conf_level) / 2)
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = np.sqrt(variance) / (estimate * np.log(estimate))
            low, high = estimate ** np.exp(-z * scale), estimate ** np.exp(z * scale)
        undefined = ~((estimate > 0) & (estimate < 1))
        return estimate, np.where(undefined, np.nan, low), np.where(undefined, np.nan, high)

    def n_at_risk(self, times: Sequence[float]) -> np.ndarray:
        """The number still at risk (no event of any cause, not censored before) at each time."""
        index = np.searchsorted(self.risk_time, np.asarray(times, dtype=float), side="left")
        return np.append(self.n_risk, 0)[index].astype(np.int64)

    def steps(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """cuminc's own vectors (`$time`, `$est`, `$var`): the corners of the step function, from 0 to the
        largest follow-up time."""
        before = np.concatenate(([0.0], self.estimate))[:-1]
        variance_before = np.concatenate(([0.0], self.variance))[:-1]
        last_f = self.estimate[-1] if len(self.time) else 0.0
        last_v = self.variance[-1] if len(self.time) else 0.0
        x = np.concatenate(([0.0], np.repeat(self.time, 2), [self.last_time]))
        f = np.concatenate(([0.0], np.column_stack([before, self.estimate]).ravel(), [last_f]))
        v = np.concatenate(([0.0], np.column_stack([variance_before, self.variance]).ravel(), [last_v]))
        return x, f, v


@dataclass(frozen=True)
class GrayTest:
    """Gray's test that a cause's cumulative incidence is the same in every group: cuminc's `Tests` row."""

    cause: int
    statistic: float
    p_value: float
    df: int
    groups: tuple[str, ...]


def cumulative_incidence(
    time: Sequence[float] | np.ndarray,
    status: Sequence[int] | np.ndarray,
    cause: int = 1,
    group: Sequence[object] | np.ndarray | None = None,
    order: Sequence[str] | None = None,
) -> tuple[CumulativeIncidence, ...]:
    """Each group's cumulative incidence of `cause` (`status`: 0 censored, any other code an event of that
    cause; the others compete), as cuminc's curve "group cause"."""
    times = times_of(time)
    codes = codes_of(status, len(times), "the status")
    if group is None:
        groups, index = ("1",), np.zeros(len(times), dtype=np.int64)
    else:
        groups, index = groups_of(group, len(times), order)
    return tuple(_curve(name, times[index == g], codes[index == g], cause) for g, name in enumerate(groups))


def _curve(group: str, times: np.ndarray, codes: np.ndarray, cause: int) -> CumulativeIncidence:
    """cmprsk's `cinc`: the all-cause Kaplan-Meier just before each time times the cause's hazard, summed; the
    variance accumulated in three sums (v1, v2, v3) with the ties correction 1 - (d - 1) / (n - 1)."""
    unique, position = distinct_times(times)
    size = len(unique)
    counts = counts_at(position, size)
    nd1 = counts_at(position, size, (codes == cause).astype(float))
    nd2 = counts_at(position, size, ((codes != 0) & (codes != cause)).astype(float))
    rs = at_risk(counts)
    after = np.cumprod(1 - (nd1 + nd2) / rs)
    before = np.concatenate(([1.0], after[:-1]))
    f = np.cumsum(before * nd1 / rs)
    with np.errstate(divide="ignore", invalid="ignore"):
        inverse = np.where(after > 0, 1 / after, 0.0)
        sums = np.zeros((3, size))
        for deaths, own in ((nd2, False), (nd1, True)):
            ties = np.where(deaths > 1, 1 - (deaths - 1) / (rs - 1), 1.0)
            weight = before * before * ties * deaths / (rs * rs)
            used = deaths > 0 if own else (deaths > 0) & (after > 0)
            t4 = 1 + inverse * f if own else f * inverse
            sums += np.where(used, np.vstack([t4 * t4, inverse * t4, inverse * inverse]) * weight, 0.0)
    v1, v2, v3 = np.cumsum(sums, axis=1)
    variance = v1 + f * f * v3 - 2 * f * v2
    jumps = nd1 > 0
    return CumulativeIncidence(
        group=group,
        cause=cause,
        time=unique[jumps],
        estimate=f[jumps],
        variance=variance[jumps],
        last_time=float(unique[-1]),
        n=len(times),
        events=int(nd1.sum()),
        competing=int(nd2.sum()),
        risk_time=unique,
        n_risk=rs.astype(np.int64),
    )


def gray_test(
    time: Sequence[float] | np.ndarray,
    status: Sequence[int] | np.ndarray,
    group: Sequence[object] | np.ndarray,
    cause: int = 1,
    rho: float = 0.0,
    order: Sequence[str] | None = None,
) -> GrayTest:
    """Gray's K-sample test of `cause`'s cumulative incidence (cmprsk's `crstm`): score s and its variance V
    over the first k - 1 groups, statistic s' V^-1 s, chi-squared on k - 1 df, p = 1 - pchisq (as cuminc).

    `NotComputable` with fewer than two groups, without an event of the cause, or when V is singular (cuminc
    then prints the statistic -1)."""
    times = times_of(time)
    codes = codes_of(status, len(times), "the status")
    groups, index = groups_of(group, len(times), order)
    if len(groups) < 2:
        raise NotComputable(N_("Gray's test compares groups: only one group has observations"))
    if not np.any(codes == cause):
        raise NotComputable(N_("no event of the cause studied: nothing to compare"))
    kind = np.where(codes == 0, 0, np.where(codes == cause, 1, 2))
    score, variance = _score(times, kind, index, len(groups), rho)
    if np.linalg.matrix_rank(variance, tol=RANK_TOLERANCE * np.abs(variance).max()) < len(score):
        raise NotComputable(N_("the variance of Gray's score is singular (cuminc prints the statistic -1)"))
    statistic = float(score @ np.linalg.solve(variance, score))
    df = len(groups) - 1
    return GrayTest(cause, statistic, float(1 - chdtr(df, statistic)), df, groups)  # R: 1 - pchisq(stat, df)


def _score(
    times: np.ndarray, kind: np.ndarray, group: np.ndarray, ng: int, rho: float
) -> tuple[np.ndarray, np.ndarray]:
    """Gray's score and its variance, one distinct time at a time (`kind`: 0 censored, 1 the cause, 2 another)."""
    unique, position = distinct_times(times)
    cells = np.ravel_multi_index((kind, group, position), (3, ng, len(unique)))
    d = np.bincount(cells, minlength=3 * ng * len(unique)).reshape(3, ng, len(unique)).astype(float)
    rs = d.sum(axis=0)[:, ::-1].cumsum(axis=1)[:, ::-1]  # at risk in each group at each time
    g1 = ng - 1
    score, v = np.zeros(g1), np.zeros((g1, g1))
    c, v2, v3 = np.zeros((ng, ng)), np.zeros((g1, ng)), np.zeros(ng)
    f1m, skmm, fm = np.zeros(ng), np.ones(ng), 0.0
    for j in range(len(unique)):
        d1, d2, r = d[1, :, j], d[2, :, j], rs[:, j]
        nd1, nd2 = d1.sum(), d2.sum()
        if nd1 == 0 and nd2 == 0:
            continue
        alive = r > 0
        safe = np.where(alive, r, 1.0)
        skm = np.where(alive, skmm * (r - d1 - d2) / safe, skmm)
        f1 = np.where(alive, f1m + skmm * d1 / safe, f1m)
        weight = np.divide(r, skmm, out=np.zeros(ng), where=alive)  # R_k / S_k(t-)
        tr = weight.sum()
        tq = (weight * (1 - f1m)).sum()
        f = fm + nd1 / tr
        fb = (1 - fm) ** rho
        a = fb * (np.diag(weight) - np.outer(weight, weight) / tr)
        c += a * nd1 / (tr * (1 - fm))
        score += np.where(alive, fb * (d1 - nd1 * weight * (1 - f1m) / tq), 0.0)[:g1]
        if nd1 > 0:
            t4 = np.where(skm > 0, 1 - (1 - f) / np.where(skm > 0, skm, 1.0), 1.0)
            ties = 1 - (nd1 - 1) / (tr * skmm - 1) if nd1 > 1 else np.ones(ng)
            t3 = np.where(alive, ties * skmm * nd1 / (tr * safe), 0.0)
            v3 += t4 * t4 * t3
            t1 = a[:g1] - t4 * c[:g1]
            v2 += t1 * t4 * t3
            v += (t1 * t3) @ t1.T
        if nd2 > 0:
            hit = (skm > 0) & (d2 > 0)
            t4 = np.where(hit, (1 - f) / np.where(skm > 0, skm, 1.0), 0.0)
            ties = np.where(d2 > 1, 1 - (d2 - 1) / np.where(r > 1, r - 1, 1.0), 1.0)
            t3 = np.where(hit, ties * skmm**2 * d2 / safe**2, 0.0)
            v3 += t4 * t4 * t3
            t1 = t4 * c[:g1]
            v2 -= t1 * t4 * t3
            v += (t1 * t3) @ t1.T
        fm, f1m, skmm = f, f1, skm
    cg = c[:g1]
    v += cg @ np.diag(v3) @ cg.T + cg @ v2.T + v2 @ cg.T
    return score, v


__all__ = ["CumulativeIncidence", "GrayTest", "cumulative_incidence", "gray_test"]
