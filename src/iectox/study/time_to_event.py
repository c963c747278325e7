"""The study's time to event: the cumulative incidence of CRS and of ICANS by cohort, death competing, with
Gray's test between the cohorts; and overall survival by Kaplan-Meier with the log-rank test and the median
follow-up (reverse Kaplan-Meier). Numbers only; `iectox.render.time_to_event` words and draws them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from iectox.analysis.time_to_event import EventTimes, survival_times, syndrome_times
from iectox.stats.methods.result import NotComputable
from iectox.stats.survival import (
    CumulativeIncidence,
    GrayTest,
    KaplanMeier,
    LogRank,
    Quantile,
    cumulative_incidence,
    gray_test,
    kaplan_meier,
    log_rank,
    median_follow_up,
)

DAYS = (7, 14, 28)  # the days at which the report gives each cumulative incidence
SYNDROMES = ("crs", "icans")


@dataclass(frozen=True)
class Incidence:
    """One syndrome: its cumulative incidence in each cohort (study order; a cohort without an infusion left
    out), Gray's test between them or why it could not run, and the infusions left out by reason."""

    endpoint: str
    curves: tuple[CumulativeIncidence, ...]
    test: GrayTest | None
    not_tested: str  # why there is no test ("" when there is one)
    excluded: Mapping[str, int]


@dataclass(frozen=True)
class Survival:
    """Overall survival: a Kaplan-Meier curve per cohort, the log-rank test (or why not), the median
    follow-up of all the infusions kept, and those left out by reason."""

    cohorts: tuple[str, ...]
    curves: tuple[KaplanMeier, ...]
    test: LogRank | None
    not_tested: str
    follow_up: Quantile
    excluded: Mapping[str, int]


@dataclass(frozen=True)
class TimeToEvent:
    days: tuple[int, ...]
    incidence: tuple[Incidence, ...]
    survival: Survival | None

    def endpoint(self, name: str) -> Incidence:
        return next(i for i in self.incidence if i.endpoint == name)


def _in_cohorts(times: EventTimes, order: tuple[str, ...]) -> pd.DataFrame:
    """The rows of the study's cohorts (an infusion in none of them is in no table either)."""
    frame = times.frame
    return frame[frame["group"].isin(order)] if order else frame[frame["group"].notna()]


def incidence(frame: pd.DataFrame, syndrome: str, by: str, order: tuple[str, ...]) -> Incidence:
    times = syndrome_times(frame, syndrome, by)
    rows = _in_cohorts(times, order)
    curves = cumulative_incidence(rows["time"], rows["status"], 1, rows["group"], order) if len(rows) else ()
    test, reason = None, ""
    try:
        test = gray_test(rows["time"], rows["status"], rows["group"], 1, order=order)
    except NotComputable as error:
        reason = str(error)
    return Incidence(syndrome, curves, test, reason, times.excluded)


def survival(frame: pd.DataFrame, by: str, order: tuple[str, ...]) -> Survival | None:
    times = survival_times(frame, by)
    rows = _in_cohorts(times, order)
    if not len(rows):
        return None
    cohorts = [c for c in order if (rows["group"] == c).any()] or sorted(rows["group"].unique())
    curves = tuple(
        kaplan_meier(*(rows.loc[rows["group"] == c, k] for k in ("time", "status"))) for c in cohorts
    )
    test, reason = None, ""
    try:
        test = log_rank(rows["time"], rows["status"], rows["group"], order)
    except NotComputable as error:
        reason = str(error)
    follow_up = median_follow_up(rows["time"], rows["status"])
    return Survival(tuple(cohorts), curves, test, reason, follow_up, times.excluded)


def time_to_event(frame: pd.DataFrame, by: str, order: tuple[str, ...] | None) -> TimeToEvent:
    """CRS and ICANS cumulative incidence and overall survival by the study's cohorts (`by`, in `order`)."""
    cohorts = tuple(order or ())
    return TimeToEvent(
        DAYS,
        tuple(incidence(frame, s, by, cohorts) for s in SYNDROMES),
        survival(frame, by, cohorts),
    )


__all__ = ["DAYS", "Incidence", "Survival", "TimeToEvent", "time_to_event"]
