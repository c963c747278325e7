"""The log-rank test between groups, as R's `survival::survdiff(Surv(time, event) ~ group)` (rho = 0)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from iectox.i18n import N_
from iectox.stats.methods.distributions import chi2_sf
from iectox.stats.methods.result import NotComputable
from iectox.stats.survival.data import at_risk, distinct_times, events_of, groups_of, times_of


@dataclass(frozen=True)
class LogRank:
    """survdiff's chi-squared statistic, its df and p; per group (in `groups` order) its size, observed and
    expected events."""

    statistic: float
    df: int
    p_value: float
    groups: tuple[str, ...]
    n: tuple[int, ...]
    observed: tuple[float, ...]
    expected: tuple[float, ...]


def log_rank(
    time: Sequence[float] | np.ndarray,
    event: Sequence[int] | np.ndarray,
    group: Sequence[object] | np.ndarray,
    order: Sequence[str] | None = None,
) -> LogRank:
    """At each event time, each group's expected events d n_k / n and the hypergeometric covariance
    d (n - d) / (n - 1) n_k / n (delta_kl - n_l / n); chi-squared = (O - E)' V^-1 (O - E) over the groups with
    expected events > 0, the first left out (survdiff's rule; df = those groups - 1).

    `NotComputable` without an event, or with fewer than two groups that anyone was at risk in at an event."""
    times = times_of(time)
    events = events_of(event, len(times))
    groups, index = groups_of(group, len(times), order)
    if not events.any():
        raise NotComputable(N_("no events: the log-rank test compares events, and none occurred"))
    unique, position = distinct_times(times)
    size = len(unique)
    cells = index * size + position
    counts = np.bincount(cells, minlength=len(groups) * size).reshape(len(groups), size).astype(float)
    deaths = np.bincount(cells, events.astype(float), len(groups) * size).reshape(len(groups), size)
    risk = np.vstack([at_risk(row) for row in counts])  # groups x times
    at_event = deaths.sum(axis=0) > 0
    risk, deaths = risk[:, at_event], deaths[:, at_event]
    n, d = risk.sum(axis=0), deaths.sum(axis=0)
    share = risk / n
    expected = (d * share).sum(axis=1)
    observed = deaths.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(n > 1, d * (n - d) / (n - 1), 0.0)
    variance = np.diag((scale * share).sum(axis=1)) - (scale * share) @ share.T
    kept = np.flatnonzero(expected > 0)
    if len(kept) < 2:
        raise NotComputable(N_("fewer than two groups had anyone at risk at an event time"))
    difference = (observed - expected)[kept][1:]
    matrix = variance[np.ix_(kept, kept)][1:, 1:]
    statistic = float(np.sum(np.linalg.solve(matrix, difference) * difference))
    df = len(kept) - 1
    return LogRank(
        statistic=statistic,
        df=df,
        p_value=chi2_sf(statistic, df),
        groups=groups,
        n=tuple(int(c) for c in counts.sum(axis=1)),
        observed=tuple(float(o) for o in observed),
        expected=tuple(float(e) for e in expected),
    )


__all__ = ["LogRank", "log_rank"]
