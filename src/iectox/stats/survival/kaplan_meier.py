"""Kaplan-Meier survival as R's `survival::survfit(Surv(time, event) ~ 1)` computes it: Greenwood's variance,
the default log confidence interval, quantiles by `quantile.survfit`'s rules, and the median follow-up by
reverse Kaplan-Meier.

Tied times are kept as ties (a day-only time is a whole day): at a time with both events and censorings, the
censored are still at risk, as in R. Nothing is jittered.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from iectox.stats.methods.distributions import norm_ppf
from iectox.stats.survival.data import at_risk, counts_at, distinct_times, events_of, times_of

QUANTILE_TOLERANCE = float(np.sqrt(np.finfo(float).eps))  # quantile.survfit's `tolerance`


@dataclass(frozen=True)
class Quantile:
    """A survival-time quantile and its confidence limits (None where R gives NA: the curve, or its limit,
    never falls to 1 - probability); `reason` says why the estimate is missing."""

    probability: float
    estimate: float | None
    low: float | None
    high: float | None
    reason: str = ""


@dataclass(frozen=True)
class KaplanMeier:
    """The survival curve at every distinct time (events and censorings alike), as `survfit`'s fields:
    `std_err` is the standard error of -log S (survfit's `std.err`); `lower`, `upper` are NaN where S = 0."""

    time: np.ndarray
    n_risk: np.ndarray
    n_event: np.ndarray
    n_censor: np.ndarray
    surv: np.ndarray
    std_err: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    conf_level: float
    n: int

    @property
    def events(self) -> int:
        return int(self.n_event.sum())

    def at(self, times: Sequence[float]) -> np.ndarray:
        """S(t) at each time (right-continuous; 1 before the first time, the last value after the last),
        as `summary(fit, times, extend = TRUE)$surv`."""
        index = np.searchsorted(self.time, np.asarray(times, dtype=float), side="right") - 1
        return np.where(index >= 0, self.surv[np.maximum(index, 0)], 1.0)

    def n_at_risk(self, times: Sequence[float]) -> np.ndarray:
        """The number at risk at each time (time >= t), as `summary(fit, times, extend = TRUE)$n.risk`."""
        index = np.searchsorted(self.time, np.asarray(times, dtype=float), side="left")
        padded = np.append(self.n_risk, 0)
        return padded[index].astype(np.int64)

    def quantile(self, probability: float = 0.5) -> Quantile:
        """The time at which S falls to 1 - probability, with limits from the confidence band, by
        `quantile.survfit`'s rules: where S stays exactly at the level over an interval, the midpoint of it."""
        x = np.concatenate(([0.0], self.time))
        estimate = _findq(x, np.concatenate(([0.0], 1 - self.surv)), probability)
        low = _findq(x, np.concatenate(([0.0], 1 - self.lower)), probability)
        high = _findq(x, np.concatenate(([0.0], 1 - self.upper)), probability)
        reason = "" if estimate is not None else f"not reached: survival stays above {1 - probability:g}"
        return Quantile(probability, estimate, low, high, reason)

    @property
    def median(self) -> Quantile:
        return self.quantile(0.5)


def kaplan_meier(
    time: Sequence[float] | np.ndarray, event: Sequence[int] | np.ndarray, conf_level: float = 0.95
) -> KaplanMeier:
    """`survfit(Surv(time, event) ~ 1, conf.type = "log")`: S(t) = prod(1 - d/n), Greenwood's
    sum d / (n (n - d)) for the variance of -log S, limits S exp(-/+ z se) (the upper capped at 1)."""
    times = times_of(time)
    events = events_of(event, len(times))
    unique, position = distinct_times(times)
    counts = counts_at(position, len(unique))
    n_event = counts_at(position, len(unique), events.astype(float))
    n_risk = at_risk(counts)
    surv = np.cumprod(1 - n_event / n_risk)
    with np.errstate(divide="ignore", invalid="ignore"):
        increment = np.where(n_event > 0, n_event / (n_risk * (n_risk - n_event)), 0.0)
        std_err = np.sqrt(np.cumsum(increment))
        z = norm_ppf(1 - (1 - conf_level) / 2)
        lower = np.where(surv > 0, np.exp(np.log(surv) - z * std_err), np.nan)
        upper = np.where(surv > 0, np.minimum(np.exp(np.log(surv) + z * std_err), 1.0), np.nan)
    return KaplanMeier(
        time=unique,
        n_risk=n_risk.astype(np.int64),
        n_event=n_event.astype(np.int64),
        n_censor=(counts - n_event).astype(np.int64),
        surv=surv,
        std_err=std_err,
        lower=lower,
        upper=upper,
        conf_level=conf_level,
        n=len(times),
    )


def median_follow_up(
    time: Sequence[float] | np.ndarray, event: Sequence[int] | np.ndarray, conf_level: float = 0.95
) -> Quantile:
    """The median follow-up by reverse Kaplan-Meier: censoring is the event (Schemper & Smith 1996), R
    `quantile(survfit(Surv(time, 1 - event) ~ 1), 0.5)`."""
    events = events_of(event, len(np.asarray(time)))
    return kaplan_meier(time, (~events).astype(int), conf_level).median


def _findq(x: np.ndarray, y: np.ndarray, p: float, tol: float = QUANTILE_TOLERANCE) -> float | None:
    """survival's `findq`: the first x where y (1 - S, NaN where undefined) reaches p, within `tol`; the
    midpoint with the next x where y sits at p (the last interval: midpoint with the last x)."""
    if np.nanmax(y) < p:
        return None
    last_x = x[-1]
    keep = _first_occurrences(y)
    x, y = x[keep], y[keep]
    valid = ~np.isnan(y)
    order = np.argsort(
        y[valid], kind="stable"
    )  # approx() sorts by y: a confidence limit need not be monotone
    positions = np.flatnonzero(valid)[order]
    values = y[valid][order]

    def first_at_or_above(shift: float) -> int | None:  # approx(y + shift, 1:n, p, "constant", f = 1)
        shifted = values + shift
        if p < shifted[0] or p > shifted[-1]:
            return None
        return int(positions[np.searchsorted(shifted, p, side="left")])

    upper_index, lower_index = first_at_or_above(tol), first_at_or_above(-tol)
    if upper_index is None:
        return None
    if not np.isnan(y[-1]) and abs(p - y[-1]) < tol:
        return float((x[upper_index] + last_x) / 2)
    if lower_index is None:
        return None
    return float((x[upper_index] + x[lower_index]) / 2)


def _first_occurrences(y: np.ndarray) -> np.ndarray:
    """R's `!duplicated(y)`: the first of equal values kept (NaN equal to NaN, as in R)."""
    return ~pd.Series(y).duplicated().to_numpy()


__all__ = ["KaplanMeier", "Quantile", "kaplan_meier", "median_follow_up"]
