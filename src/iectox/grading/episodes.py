"""Episodes from graded observations: per infusion and syndrome, when it started, ended, and how bad it got.

The registry conventions (EBMT MED-A, CIBMTR 4100) ask per syndrome for the date of onset, the date of
resolution and the highest ASTCT grade; the management audit also needs when grade 2 was first reached.
Times keep the dataset's `<column>_time_known` convention: an observation recorded with its day only gives
a day-only onset, and hour-level durations leave it out, so no hour is ever invented.
"""

from __future__ import annotations

from typing import Any

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
EPISODE_DTYPES = {
    "infusion_id": "string",
    "syndrome": "string",
    "onset_at": "datetime64[ns]",
    "onset_at_time_known": "boolean",
    "resolved_at": "datetime64[ns]",
    "resolved_at_time_known": "boolean",
    "max_grade": "Int64",
    "duration_h": "float64",
    "first_grade2_at": "datetime64[ns]",
    "first_grade2_at_time_known": "boolean",
}
"""Each episode column's dtype, whichever path computes the episodes (pandas here, an engine at scale)."""


def _firsts(group: np.ndarray, mask: np.ndarray, groups: int) -> np.ndarray:
    """Per group, the position of its first row where `mask` holds (rows sorted by group), -1 when none."""
    where = np.flatnonzero(mask)
    found, first = np.unique(group[where], return_index=True)
    positions = np.full(groups, -1, dtype=np.int64)
    positions[found] = where[first]
    return positions


def _at(
    times: np.ndarray, known: np.ndarray, positions: np.ndarray
) -> tuple[np.ndarray, pd.arrays.BooleanArray]:
    """The time of the rows at `positions` (NaT for -1) and whether its hour is known (NA for -1)."""
    none = positions < 0
    taken = times[np.where(none, 0, positions)] if len(times) else np.zeros(len(positions), times.dtype)
    taken = np.where(none, np.datetime64("NaT", "ns"), taken)
    flags = known[np.where(none, 0, positions)] if len(known) else np.zeros(len(positions), dtype=bool)
    return taken, pd.arrays.BooleanArray(flags, none)


def _one_syndrome(graded: pd.DataFrame, syndrome: str, column: str) -> dict[str, Any]:
    """The episodes of one syndrome as arrays (`EPISODE_COLUMNS` and `syndrome`), one per infusion with
    graded observations, in the order of their codes. Whole arrays at once: a patient's page computes these
    for a few rows, where pandas' fixed cost per call was most of the time."""
    at = graded["observed_at"]
    if at.dtype != "datetime64[ns]":
        at = pd.to_datetime(at, cache=False).astype("datetime64[ns]")
    companion = time_known_column("observed_at")
    known = (
        graded[companion].astype("boolean").fillna(True).to_numpy(dtype=bool)
        if companion in graded
        else np.ones(len(graded), dtype=bool)  # no companion: every time given is a full time
    )
    codes = graded["infusion_id"].astype("string")
    grades = graded[column].astype("Int64")
    kept = (grades.notna() & at.notna() & codes.notna()).to_numpy(dtype=bool)
    group, infusions = pd.factorize(codes.to_numpy(dtype=object)[kept], sort=True)
    times = at.to_numpy(dtype="datetime64[ns]")[kept]
    order = np.lexsort((times.view(np.int64), group))  # by infusion, then time; same times in input order
    group, times = group[order], times[order]
    known, grade = known[kept][order], grades.to_numpy(dtype=np.int64, na_value=0)[kept][order]
    groups, position = len(infusions), np.arange(len(group))
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]]) if len(group) else np.zeros(0, np.int64)
    ill = grade >= 1
    last_ill = np.maximum.reduceat(np.where(ill, position, -1), starts) if groups else starts
    after_last_ill = (last_ill[group] >= 0) & (position > last_ill[group])
    out: dict[str, Any] = {
        "infusion_id": np.asarray(infusions, dtype=object),
        "max_grade": np.maximum.reduceat(grade, starts) if groups else grade[:0],
    }
    for name, mask in (
        ("onset_at", ill),
        ("resolved_at", (grade == 0) & after_last_ill),
        ("first_grade2_at", grade >= 2),
    ):
        out[name], out[time_known_column(name)] = _at(times, known, _firsts(group, mask, groups))
    both_known = out["onset_at_time_known"].fillna(False) & out["resolved_at_time_known"].fillna(False)
    hours = (out["resolved_at"] - out["onset_at"]) / np.timedelta64(1, "h")
    out["duration_h"] = np.where(both_known.to_numpy(dtype=bool), hours, np.nan)
    out["syndrome"] = np.full(groups, syndrome, dtype=object)
    return out


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
    joined = {name: _joined([part[name] for part in parts]) for name in EPISODE_COLUMNS}
    infusions, _ = pd.factorize(joined["infusion_id"], sort=True)
    syndromes, _ = pd.factorize(joined["syndrome"], sort=True)
    order = np.lexsort((syndromes, infusions))  # by infusion, then syndrome
    return pd.DataFrame({name: _typed(name, joined[name][order]) for name in EPISODE_COLUMNS})


def _joined(arrays: list[Any]) -> Any:
    if isinstance(arrays[0], pd.arrays.BooleanArray):
        return pd.arrays.BooleanArray._concat_same_type(arrays)
    return np.concatenate(arrays)


def _typed(name: str, values: Any) -> Any:
    """The episode column `name` in its dtype: codes and syndromes as text, grades Int64, times ns."""
    if name in ("infusion_id", "syndrome", "max_grade"):
        return pd.array(values, dtype=EPISODE_DTYPES[name])
    return values
