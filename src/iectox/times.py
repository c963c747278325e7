"""Times known to the hour or only to the day: a delay is an exact number of hours, or a range, never a guess.

The dataset contract keeps a ``<column>_time_known`` flag beside each date-time: False means "that day, hour
not recorded". Such a time stands for its whole day, so a delay involving it is only known to lie between
two bounds (`delay_bounds`). Hour delays are reported only when both ends are exact.
"""

from __future__ import annotations

import pandas as pd

HOUR = pd.Timedelta(hours=1)
DAY = pd.Timedelta(days=1)
FAR_FUTURE = pd.Timestamp("2262-01-01")  # "not resolved (yet)": an open end of a time window


def exact(known: pd.Series) -> pd.Series:
    """Plain bool: True where the hour was recorded (missing flags count as not recorded)."""
    return known.astype("boolean").fillna(False).astype(bool)


def earliest(at: pd.Series, known: pd.Series) -> pd.Series:
    """The earliest instant each value can stand for: itself, or the start of its day."""
    return at.where(exact(known), at.dt.normalize())


def latest(at: pd.Series, known: pd.Series) -> pd.Series:
    """The latest instant each value can stand for: itself, or the end of its day."""
    return at.where(exact(known), at.dt.normalize() + DAY)


def hours_between(
    start: pd.Series, start_known: pd.Series, end: pd.Series, end_known: pd.Series
) -> pd.Series:
    """Exact hours from start to end; blank unless both hours were recorded."""
    both = exact(start_known) & exact(end_known)
    return ((end - start) / HOUR).where(both).astype("Float64")


def calendar_days(start: pd.Series, end: pd.Series) -> pd.Series:
    """Calendar days from the day of start to the day of end (day-only times give only this)."""
    return (end.dt.normalize() - start.dt.normalize()).dt.days.astype("Float64")


def delay_bounds(
    start: pd.Series, start_known: pd.Series, end: pd.Series, end_known: pd.Series
) -> tuple[pd.Series, pd.Series]:
    """Lowest and highest hours the delay from start to end can be, given what was recorded."""
    low = (earliest(end, end_known) - latest(start, start_known)) / HOUR
    high = (latest(end, end_known) - earliest(start, start_known)) / HOUR
    return low.astype("Float64"), high.astype("Float64")


def surely_longer(
    start: pd.Series, start_known: pd.Series, end: pd.Series, end_known: pd.Series, hours: float | pd.Series
) -> pd.Series:
    """Plain bool: True where the time from start to end is surely longer than `hours`.

    A day-only start is an instant of its day, before midnight and never at it, so a delay from it is
    strictly longer than its lower bound: a CRS whose onset and resolution were recorded two calendar days
    apart, without hours, lasted more than 24 h (and less than 72 h). An exact start keeps the bound as is
    (a day-only end may be at 00:00).
    """
    low, _ = delay_bounds(start, start_known, end, end_known)
    longer = low.gt(hours) | (low.ge(hours) & ~exact(start_known))
    return longer.fillna(False).astype(bool)


def quarter(day: pd.Series) -> pd.Series:
    """Calendar quarter of a date as '2024-Q3' (sorts chronologically as text); blank without a date."""
    text = (
        day.dt.year.astype("Int64").astype("string") + "-Q" + day.dt.quarter.astype("Int64").astype("string")
    )
    return text.astype("string")


__all__ = [
    "FAR_FUTURE",
    "calendar_days",
    "delay_bounds",
    "earliest",
    "exact",
    "hours_between",
    "latest",
    "quarter",
    "surely_longer",
]
