"""Episodes from graded observations: per infusion and syndrome, when it started, ended, and how bad it got.

The registry conventions (EBMT MED-A, CIBMTR 4100) ask per syndrome for the date of onset, the date of
resolution and the highest ASTCT grade; the management audit also needs when grade 2 was first reached.
Times keep the dataset's `<column>_time_known` convention: an observation recorded with its day only gives
a day-only onset, and hour-level durations leave it out, so no hour is ever invented.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from iectox.dataset import time_known_column

SYNDROME_GRADES = {"CRS": "crs_grade", "ICANS": "icans_grade"}
EPISODE_SPAN = (
    "infusion_id",
    "syndrome",
    "onset_at",
    "onset_at_time_known",
    "resolved_at",
    "resolved_at_time_known",
    "max_grade",
)
"""Which infusion and syndrome an episode is, when it began and ended, and its highest grade."""
EPISODE_COLUMNS = (
    *EPISODE_SPAN,
    "duration_h",
    "first_grade2_at",
    "first_grade2_at_time_known",
)


def _first(rows: pd.DataFrame, mask: np.ndarray, name: str) -> pd.DataFrame:
    """Time (and whether its hour is known) of the first row of each infusion where `mask` holds."""
    first = rows[mask].drop_duplicates("infusion_id").set_index("infusion_id")
    return first[["at", "known"]].set_axis([name, time_known_column(name)], axis=1)


def _one_syndrome(graded: pd.DataFrame, syndrome: str, column: str) -> pd.DataFrame:
    known = graded.get(time_known_column("observed_at"), graded["observed_at"].notna())
    rows = pd.DataFrame(
        {
            "infusion_id": graded["infusion_id"].astype("string"),
            "at": pd.to_datetime(graded["observed_at"], cache=False).astype("datetime64[ns]"),
            "known": known.astype("boolean").fillna(True),
            "grade": graded[column].astype("Int64"),
        }
    )
    rows = rows[rows["grade"].notna() & rows["at"].notna() & rows["infusion_id"].notna()]
    rows = rows.sort_values(["infusion_id", "at"], kind="stable").reset_index(drop=True)
    grade = rows["grade"].to_numpy(dtype=np.int64)
    ill = grade >= 1
    position = np.arange(len(rows))
    last_ill = pd.Series(np.where(ill, position, -1)).groupby(rows["infusion_id"]).transform("max").to_numpy()
    after_last_ill = (last_ill >= 0) & (position > last_ill)
    episodes = pd.concat(
        [
            rows.groupby("infusion_id", sort=True)["grade"].max().rename("max_grade"),
            _first(rows, ill, "onset_at"),
            _first(rows, (grade == 0) & after_last_ill, "resolved_at"),
            _first(rows, grade >= 2, "first_grade2_at"),
        ],
        axis=1,
    )
    both_known = (episodes["onset_at_time_known"] & episodes["resolved_at_time_known"]).fillna(False)
    hours = (episodes["resolved_at"] - episodes["onset_at"]) / pd.Timedelta(hours=1)
    episodes["duration_h"] = hours.where(both_known.astype(bool)).astype("float64")
    episodes["syndrome"] = syndrome
    return episodes.rename_axis("infusion_id").reset_index()


def episodes_from_grades(graded: pd.DataFrame) -> pd.DataFrame:
    """One row per infusion and syndrome with graded observations (see `EPISODE_COLUMNS`).

    onset: first observation with grade >= 1; resolution: first observation back to grade 0 after the last
    grade >= 1 (blank when it never returns); max_grade: the highest observed grade (never 5: death is carried
    from the recorded outcome by `agreement`); duration_h: hours from onset to resolution when both hours are
    known; first_grade2_at: first observation with grade >= 2. An infusion whose observations never reach
    grade 1 keeps a row with max_grade 0 and blank times: "graded, no episode" is a finding, not a missing row.
    Observations without a time or a grade are left out; same-time observations keep their input order.
    """
    parts = [
        _one_syndrome(graded, syndrome, column)
        for syndrome, column in SYNDROME_GRADES.items()
        if column in graded
    ]
    if not parts:
        raise KeyError("graded observations need crs_grade or icans_grade (see grade_observations)")
    episodes = pd.concat(parts, ignore_index=True)
    episodes = episodes.sort_values(["infusion_id", "syndrome"], kind="stable").reset_index(drop=True)
    for name in ("onset_at", "resolved_at", "first_grade2_at"):
        episodes[name] = episodes[name].astype("datetime64[ns]")
        companion = time_known_column(name)
        episodes[companion] = episodes[companion].astype("boolean").mask(episodes[name].isna())
    episodes["infusion_id"] = episodes["infusion_id"].astype("string")
    episodes["syndrome"] = episodes["syndrome"].astype("string")
    episodes["max_grade"] = episodes["max_grade"].astype("Int64")
    return episodes[list(EPISODE_COLUMNS)]
