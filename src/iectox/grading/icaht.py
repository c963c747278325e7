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

from iectox.grading.templates import fill
from iectox.i18n import N_, tr

SOURCE = "Rejeski et al., Blood 2023;142:865 (EHA/EBMT ICAHT consensus)"
EARLY_LAST_DAY = 30
SEVERE, PROFOUND = 0.5, 0.1
NONSTABLE_RECOVERY_DAYS = 3
LATE_DEPTHS = ((0.1, 4), (0.5, 3), (1.0, 2), (1.5, 1))
LATE_COUNTS = 2


def early_grade(severe_days: int, profound_days: int) -> int:
    """The early ICAHT grade of the days at or below 0.5 G/L and 0.1 G/L (the table above)."""
    return int(early_grades(np.array([severe_days]), np.array([profound_days]))[0])


def early_grades(severe_days: np.ndarray, profound_days: np.ndarray) -> np.ndarray:
    """`early_grade` of each pair of day counts."""
    return np.select(
        [(severe_days >= 30) | (profound_days >= 7), severe_days >= 14, severe_days >= 7, severe_days >= 1],
        [4, 3, 2, 1],
        0,
    )


def late_grade(second_lowest: float) -> int:
    """The late ICAHT grade of the second-lowest ANC after day 30 (G/L)."""
    return int(late_grades(np.array([second_lowest], dtype=float))[0])


def late_grades(second_lowest: np.ndarray) -> np.ndarray:
    """`late_grade` of each second-lowest ANC (0 for NaN)."""
    return np.select([second_lowest <= depth for depth, _ in LATE_DEPTHS], [g for _, g in LATE_DEPTHS], 0)


def icaht(days: pd.DataFrame, infusion_ids: pd.Index, lang: str = "en") -> pd.DataFrame:
    """Per infusion: early and late ICAHT grades (NA when not gradable), the days at or below 0.5 and 0.1 G/L
    in days 0-30, and a reason for each grade. `days` is `lab_days(...)`. All infusions at once: each day's
    lowest count is a step of the carried series, so the low days are sums over steps (`_low_days`)."""
    anc = days[days["analyte"] == "ANC"]
    early = _early(anc[anc["day"].between(0, EARLY_LAST_DAY)]).reindex(infusion_ids)
    after = _late(anc[anc["day"] > EARLY_LAST_DAY]).reindex(infusion_ids)
    n = len(infusion_ids)
    graded = early["grade"].notna().to_numpy()
    grade, severe, profound, last = (
        early[c].fillna(0).to_numpy(dtype=np.int64) for c in ("grade", "severe", "profound", "last")
    )
    text = N_(
        "early ICAHT grade {grade}: ANC <= 0.5 G/L for {severe} days, <= 0.1 G/L for {profound} days (day 0-30)"
    )
    early_reason = fill(tr(text, lang), n, grade=grade, severe=severe, profound=profound)
    bound = graded & early["bound"].eq(True).to_numpy()
    note = fill(tr(N_("; still <= 0.5 G/L at the last count (day {day}): a lower bound"), lang), n, day=last)
    early_reason = np.where(bound, early_reason + note, early_reason)
    early_reason = np.where(
        graded, early_reason, tr(N_("early ICAHT not gradable: no ANC from day 0 to day 30"), lang)
    )
    counts = after["n"].fillna(0).to_numpy(dtype=np.int64)
    second = after["second"].to_numpy(dtype=float)
    late_graded = counts >= LATE_COUNTS
    late = late_grades(second)
    text = N_("late ICAHT grade {grade}: second-lowest of {n} ANC after day 30 is {value:g} G/L")
    late_reason = np.where(
        late_graded,
        fill(tr(text, lang), n, grade=late, n=counts, value=second),
        fill(tr(N_("late ICAHT not gradable: {n} ANC after day 30, two are needed"), lang), n, n=counts),
    )
    return pd.DataFrame(
        {
            "icaht_early": _grades(grade, graded),
            "severe_neutropenia_days": _grades(severe, graded),
            "profound_neutropenia_days": _grades(profound, graded),
            "icaht_early_reason": pd.array(early_reason, dtype="string"),
            "icaht_late": _grades(late, late_graded),
            "icaht_late_reason": pd.array(late_reason, dtype="string"),
        },
        index=infusion_ids,
    )


def _grades(values: np.ndarray, known: np.ndarray) -> pd.arrays.IntegerArray:
    return pd.arrays.IntegerArray(values.astype(np.int64), ~known)


def _early(counts: pd.DataFrame) -> pd.DataFrame:
    """Per infusion with a count in days 0-30: grade, severe and profound days, the last counted day, and
    whether the ANC is still <= 0.5 G/L then (so the duration is a lower bound)."""
    lowest = counts.groupby(["infusion_id", "day"], sort=True)["value"].min()
    ids = lowest.index.get_level_values("infusion_id")
    day = lowest.index.get_level_values("day").to_numpy(dtype=np.int64)
    value = lowest.to_numpy(dtype=float)
    group, infusions = pd.factorize(ids)
    last = np.r_[group[1:] != group[:-1], True] if len(group) else np.zeros(0, dtype=bool)
    # each day's count holds until the next counted day; the last count holds for its own day only
    length = np.where(last, 1, np.r_[day[1:], 0] - day)
    severe = _low_days(group, length, value <= SEVERE, len(infusions))
    profound = _low_days(group, length, value <= PROFOUND, len(infusions))
    return pd.DataFrame(
        {
            "grade": early_grades(severe, profound),
            "severe": severe,
            "profound": profound,
            "last": day[last],
            "bound": (day[last] < EARLY_LAST_DAY) & (value[last] <= SEVERE),
        },
        index=pd.Index(infusions, name="infusion_id"),
    )


def _low_days(group: np.ndarray, length: np.ndarray, low: np.ndarray, n: int) -> np.ndarray:
    """Per group, the days at or below a threshold of its carried series given as steps (sorted by group and
    day): the days of the low steps, plus each run of steps not low between two low ones when it lasts fewer
    than 3 days (a nonstable recovery, counted as low)."""
    count = np.bincount(group, weights=length * low, minlength=n)
    lows_so_far = pd.Series(low.astype(np.int64)).groupby(group).cumsum().to_numpy()
    lows = np.bincount(group, weights=low, minlength=n)[group]
    between = ~low & (lows_so_far >= 1) & (lows_so_far < lows)
    run = np.cumsum(between & ~np.r_[False, between[:-1]]) - 1
    run_days = np.bincount(run[between], weights=length[between])
    run_group = group[between][np.r_[True, run[between][1:] != run[between][:-1]]] if between.any() else []
    short = np.where(run_days < NONSTABLE_RECOVERY_DAYS, run_days, 0)
    count += np.bincount(np.asarray(run_group, dtype=np.int64), weights=short, minlength=n)
    return count.astype(np.int64)


def _late(counts: pd.DataFrame) -> pd.DataFrame:
    """Per infusion with a count after day 30: how many, and the second-lowest (NaN with one)."""
    group, infusions = pd.factorize(counts["infusion_id"])
    value = counts["value"].to_numpy(dtype=float)
    order = np.lexsort((value, group))
    group, value = group[order], value[order]
    n = np.bincount(group, minlength=len(infusions))
    first = np.r_[0, np.cumsum(n)[:-1]]
    second = np.full(len(infusions), np.nan)
    two = n >= LATE_COUNTS
    second[two] = value[first[two] + 1]
    return pd.DataFrame({"n": n, "second": second}, index=pd.Index(infusions, name="infusion_id"))
