"""SDTM values: ISO 8601 date/times that never invent an hour, and study days.

SDTM --DTC variables are ISO 8601 text: a time recorded gives "2023-05-19T14:30"; a day recorded without its
hour gives the date alone, "2023-05-21" (a partial date/time, never "T00:00"); a birth year alone gives "1961".
"""

from __future__ import annotations

import math

import pandas as pd


def _missing(value: object) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def iso8601(value: object, time_known: object = False) -> str:
    """`value` as an SDTM --DTC: with its time when `time_known` is True, its day alone otherwise."""
    if _missing(value):
        return ""
    moment = pd.Timestamp(value)
    if _missing(time_known) or not bool(time_known):
        return moment.date().isoformat()
    if moment.microsecond:
        spec = "microseconds"
    elif moment.second:
        spec = "seconds"
    else:
        spec = "minutes"
    return moment.to_pydatetime().isoformat(timespec=spec)


def year(value: object) -> str:
    """A birth year as a partial ISO 8601 date ("1961")."""
    return "" if _missing(value) else f"{int(value):04d}"


def study_day(value: object, reference: object) -> float:
    """SDTMIG's --DY: days from the reference start (RFSTDTC) counting that day as day 1, and day -1 the day
    before (there is no day 0); missing when either date is."""
    if _missing(value) or _missing(reference):
        return math.nan
    delta = (pd.Timestamp(value).normalize() - pd.Timestamp(reference).normalize()).days
    return float(delta + 1 if delta >= 0 else delta)


def text(value: object) -> str:
    """Text for a Char variable: a missing value is blank, as SAS transport files hold it."""
    return "" if _missing(value) else str(value)


def number(value: object) -> float:
    """A Num variable's value: SAS numbers are doubles; a missing value is SAS's missing (NaN)."""
    return math.nan if _missing(value) else float(value)
