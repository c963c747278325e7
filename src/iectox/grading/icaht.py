"""ICAHT, immune effector cell-associated haematotoxicity, early and late (Rejeski et al., Blood
2023;142:865, EHA/EBMT consensus): "a classification system based on depth and duration of neutropenia was
developed for early (day 0-30) and late (after day +30) cytopenia."

Early ICAHT (day 0 to day 30), by the days the ANC is at or below 0.5 G/L (500/µL) and 0.1 G/L (100/µL):

| grade | ANC <= 0.5 G/L   | ANC <= 0.1 G/L |
|-------|------------------|----------------|
| 1     | under 7 days     |                |
| 2     | 7-13 days        |                |
| 3     | 14-29 days       |                |
| 4     | 30 days or more  | or 7 days or more |

Late ICAHT (after day 30), by the depth the ANC reaches on at least two counts (the consensus asks for two or
more laboratory tests, not a transient dip): ANC <= 1.5 G/L grade 1, <= 1.0 G/L grade 2, <= 0.5 G/L grade 3,
<= 0.1 G/L grade 4; so the grade is read from the second-lowest count.

Days are counted from the counts as measured: each day takes the day's lowest ANC, a day without a count the
last one before it (the count is low until a count shows it recovered), and a recovery shorter than 3 days
between two low spells counts as low ("days of nonstable count recovery (<3 days) are counted to the cumulative
total of days"). Days after the last count are not counted: when the ANC is still low at the last count before
day 30, the duration, and so the grade, is a lower bound and the reason says so.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from iectox.i18n import N_, tr

SOURCE = "Rejeski et al., Blood 2023;142:865 (EHA/EBMT ICAHT consensus)"
EARLY_LAST_DAY = 30
SEVERE, PROFOUND = 0.5, 0.1
NONSTABLE_RECOVERY_DAYS = 3
LATE_DEPTHS = ((0.1, 4), (0.5, 3), (1.0, 2), (1.5, 1))
LATE_COUNTS = 2


def early_grade(severe_days: int, profound_days: int) -> int:
    """The early ICAHT grade of the days at or below 0.5 G/L and 0.1 G/L (the table above)."""
    if severe_days >= 30 or profound_days >= 7:
        return 4
    if severe_days >= 14:
        return 3
    if severe_days >= 7:
        return 2
    return 1 if severe_days >= 1 else 0


def late_grade(second_lowest: float) -> int:
    """The late ICAHT grade of the second-lowest ANC after day 30 (G/L)."""
    return next((grade for depth, grade in LATE_DEPTHS if second_lowest <= depth), 0)


def low_days(daily: np.ndarray, threshold: float) -> int:
    """Days at or below `threshold` in a daily series (NaN: unknown, not counted), a recovery of fewer than
    3 days between two low spells counted as low."""
    low = daily <= threshold
    days = np.flatnonzero(low)
    if not len(days):
        return 0
    count = int(low.sum())
    gaps = np.diff(days) - 1
    return count + int(gaps[(gaps > 0) & (gaps < NONSTABLE_RECOVERY_DAYS)].sum())


def daily_anc(days: np.ndarray, values: np.ndarray, last_day: int = EARLY_LAST_DAY) -> np.ndarray:
    """ANC on each day 0..last_day: the day's lowest count, else the last count before it; NaN before the
    first count and after the last."""
    daily = np.full(last_day + 1, np.nan)
    for day, value in zip(days, values, strict=True):
        if 0 <= day <= last_day and not value >= daily[day]:
            daily[day] = value
    measured = np.flatnonzero(~np.isnan(daily))
    if len(measured):
        span = pd.Series(daily[measured[0] : measured[-1] + 1]).ffill().to_numpy()
        daily[measured[0] : measured[-1] + 1] = span
    return daily


def icaht(days: pd.DataFrame, infusion_ids: pd.Index, lang: str = "en") -> pd.DataFrame:
    """Per infusion: early and late ICAHT grades (NA when not gradable), the days at or below 0.5 and 0.1 G/L
    in days 0-30, and a reason for each grade. `days` is `lab_days(...)`."""
    anc = days[days["analyte"] == "ANC"]
    groups = {key: frame for key, frame in anc.groupby("infusion_id", sort=False)}
    rows = [_one(groups.get(i), lang) for i in infusion_ids]
    columns = ["icaht_early", "severe_neutropenia_days", "profound_neutropenia_days", "icaht_early_reason"]
    columns += ["icaht_late", "icaht_late_reason"]
    out = pd.DataFrame(rows, index=infusion_ids, columns=columns)
    for name in ("icaht_early", "severe_neutropenia_days", "profound_neutropenia_days", "icaht_late"):
        out[name] = out[name].astype("Int64")
    for name in ("icaht_early_reason", "icaht_late_reason"):
        out[name] = out[name].astype("string")
    return out


def _one(counts: pd.DataFrame | None, lang: str) -> tuple[object, ...]:
    if counts is None:
        counts = pd.DataFrame({"day": [], "value": []})
    early = counts[counts["day"].between(0, EARLY_LAST_DAY)]
    if early.empty:
        early_cells: tuple[object, ...] = (
            pd.NA,
            pd.NA,
            pd.NA,
            tr(N_("early ICAHT not gradable: no ANC from day 0 to day 30"), lang),
        )
    else:
        daily = daily_anc(early["day"].to_numpy(), early["value"].to_numpy(dtype=float))
        severe, profound = low_days(daily, SEVERE), low_days(daily, PROFOUND)
        grade = early_grade(severe, profound)
        last = int(np.flatnonzero(~np.isnan(daily))[-1])
        text = N_(
            "early ICAHT grade {grade}: ANC <= 0.5 G/L for {severe} days, <= 0.1 G/L for {profound} days (day 0-30)"
        )
        reason = tr(text, lang).format(grade=grade, severe=severe, profound=profound)
        if last < EARLY_LAST_DAY and daily[last] <= SEVERE:
            reason += tr(N_("; still <= 0.5 G/L at the last count (day {day}): a lower bound"), lang).format(
                day=last
            )
        early_cells = (grade, severe, profound, reason)
    late = np.sort(counts.loc[counts["day"] > EARLY_LAST_DAY, "value"].to_numpy(dtype=float))
    if len(late) < LATE_COUNTS:
        text = N_("late ICAHT not gradable: {n} ANC after day 30, two are needed")
        return (*early_cells, pd.NA, tr(text, lang).format(n=len(late)))
    grade = late_grade(late[1])
    text = N_("late ICAHT grade {grade}: second-lowest of {n} ANC after day 30 is {value:g} G/L")
    return (*early_cells, grade, tr(text, lang).format(grade=grade, n=len(late), value=late[1]))
