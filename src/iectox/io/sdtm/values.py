"""SDTM values, a column at a time: ISO 8601 date/times that never invent an hour, and study days.

SDTM --DTC variables are ISO 8601 text: a time recorded gives "2023-05-19T14:30"; a day recorded without its
hour gives the date alone, "2023-05-21" (a partial date/time, never "T00:00"); a birth year alone gives "1961".
Each function takes and returns whole columns (numpy's own date formatting, the core's day arithmetic), so
that a national registry's hundreds of thousands of records cost no Python call each.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from iectox.times import calendar_days, exact


def _moments(values: pd.Series) -> pd.Series:
    return pd.Series(pd.to_datetime(values, cache=False).to_numpy(dtype="datetime64[ns]"))


def iso8601(values: pd.Series, time_known: pd.Series | None = None) -> pd.Series:
    """Each value as an SDTM --DTC: with its time where `time_known` is True (to the minute, or to the second
    or microsecond when those were recorded), its day alone otherwise; blank when missing."""
    moments = _moments(values)
    stamps = moments.to_numpy()
    texts = np.datetime_as_string(stamps, unit="D").astype(object)
    texts[moments.isna().to_numpy()] = ""
    if time_known is not None:
        timed = exact(time_known).to_numpy() & moments.notna().to_numpy()
        microsecond = moments.dt.microsecond.to_numpy() != 0
        second = moments.dt.second.to_numpy() != 0
        for unit, where in (
            ("m", timed & ~second & ~microsecond),
            ("s", timed & second & ~microsecond),
            ("us", timed & microsecond),
        ):
            texts[where] = np.datetime_as_string(stamps[where], unit=unit)
    return pd.Series(texts, dtype=object)


def year(values: pd.Series) -> pd.Series:
    """Birth years as partial ISO 8601 dates ("1961"); blank when missing."""
    numbers = pd.to_numeric(values.reset_index(drop=True)).astype("Int64")
    return numbers.astype("string").str.zfill(4).fillna("").astype(object)


def study_day(values: pd.Series, reference: pd.Series) -> pd.Series:
    """SDTMIG's --DY: days from the reference start (RFSTDTC) counting that day as day 1, and day -1 the day
    before (there is no day 0); missing (NaN) where either date is."""
    days = calendar_days(_moments(reference), _moments(values)).to_numpy(dtype="float64", na_value=np.nan)
    return pd.Series(np.where(days >= 0, days + 1, days), dtype="float64")


def text(values: pd.Series | None, n: int) -> pd.Series:
    """A Char variable's `n` values: text, a missing value blank, as SAS transport files hold it."""
    if values is None:
        return pd.Series([""] * n, dtype=object)
    return values.reset_index(drop=True).astype("string").fillna("").astype(object)


def number(values: pd.Series | None, n: int) -> pd.Series:
    """A Num variable's `n` values: SAS numbers are doubles; a missing value is SAS's missing (NaN)."""
    if values is None:
        return pd.Series(np.full(n, np.nan), dtype="float64")
    return pd.to_numeric(values.reset_index(drop=True)).astype("float64")
