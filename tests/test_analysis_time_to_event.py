"""The time-to-event rows derived from the analysis table: whole days, death competing, every infusion whose
time cannot be known left out and counted under its reason (never guessed)."""

from __future__ import annotations

import pandas as pd

from factories import seed_cohort
from iectox.analysis.time_to_event import CENSORED, DEATH, EVENT, survival_times, syndrome_times
from iectox.study import run_study, seed_study


def table(rows: list[tuple]) -> pd.DataFrame:
    columns = ["infusion_id", "cohort", "crs_any", "crs_onset_day", "status", "follow_up_days"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["crs_any"] = frame["crs_any"].astype("boolean")
    frame["crs_onset_day"] = frame["crs_onset_day"].astype("Float64")
    frame["follow_up_days"] = frame["follow_up_days"].astype("Float64")
    frame["status"] = frame["status"].astype("string")
    return frame


ROWS = [
    ("I1", "a", True, 3, "alive", 200),  # CRS on day 3
    ("I2", "a", False, None, "dead", 40),  # death on day 40, competing
    ("I3", "b", False, None, "alive", 365),  # censored at last follow-up
    ("I4", "b", True, 12, "dead", 12),  # CRS on the day of death: CRS, seen first
    ("I5", "b", None, None, "alive", 100),  # status unknown
    ("I6", "a", True, None, "alive", 100),  # CRS without a recorded onset
    ("I7", "a", True, -1, "alive", 100),  # onset before the infusion
    ("I8", "b", True, 30, "dead", 20),  # onset after death
    ("I9", "b", False, None, None, None),  # no follow-up
    ("I10", "a", False, None, "alive", -5),  # follow-up ends before the infusion
    ("I11", "a", True, 0, None, None),  # CRS on day 0; follow-up not needed
]


def test_each_infusion_gets_its_time_and_status_or_a_reason():
    times = syndrome_times(table(ROWS), "crs", by="cohort")
    kept = times.frame.set_index("infusion_id")
    assert kept.loc[["I1", "I2", "I3", "I4", "I11"], "status"].tolist() == [
        EVENT,
        DEATH,
        CENSORED,
        EVENT,
        EVENT,
    ]
    assert kept.loc[["I1", "I2", "I3", "I4", "I11"], "time"].tolist() == [3, 40, 365, 12, 0]
    assert kept["group"].tolist() == ["a", "a", "b", "b", "a"]
    assert times.excluded == {
        "status_unknown": 1,
        "onset_missing": 1,
        "onset_before_infusion": 1,
        "onset_after_follow_up": 1,
        "follow_up_missing": 1,
        "follow_up_before_infusion": 1,
    }
    assert times.n_excluded == 6


def test_overall_survival_needs_only_follow_up():
    times = survival_times(table(ROWS))
    assert times.frame["status"].tolist() == [0, 1, 0, 1, 0, 0, 0, 1]
    assert times.excluded == {"follow_up_missing": 2, "follow_up_before_infusion": 1}


def test_the_seed_cohort_keeps_whole_days():
    frame = run_study(seed_cohort(), seed_study()).frame
    crs = syndrome_times(frame, "crs", "cohort")
    assert crs.excluded == {"status_unknown": 1}
    assert len(crs.frame) == len(frame) - 1
    assert (crs.frame["time"] == crs.frame["time"].round()).all()
    assert crs.frame["time"].duplicated().sum() > 300  # day-only onsets: heavy ties, kept as ties
