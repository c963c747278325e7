"""Time to event, one row per infusion: from the infusion to CRS or ICANS onset, with death as a competing
event, and to death (overall survival), in whole days from the analysis table.

Rules (docs/statistics.md, "Time to event"):
- Day 0 is the infusion day. The dataset records the infusion's day only, so every time is a whole number of
  calendar days (`crs_onset_day`, `follow_up_days`): tied days stay ties, never jittered nor guessed apart.
- The event is the first onset of the syndrome (its `onset_day`); an onset on the day of death counts as the
  syndrome, which was seen first.
- Without the syndrome, follow-up ends at death (the competing event) or at the last follow-up (censored):
  `follow_up_days`, from `outcomes` (death_date, else last_follow_up).
- Next therapy would compete too; the dataset contract does not record it, so death is the only competing
  event.
- An infusion is left out, and counted under its reason, when its time cannot be known: the syndrome's
  status is unknown, it occurred without a recorded onset, its onset is before the infusion or after the end of
  follow-up, or (without the syndrome) its follow-up is missing or ends before the infusion.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from iectox.i18n import N_

CENSORED, EVENT, DEATH = 0, 1, 2  # the status codes of a competing-risks table (cmprsk's fstatus)

REASONS: Mapping[str, str] = {
    "status_unknown": N_("occurrence unknown"),
    "onset_missing": N_("occurred, onset not recorded"),
    "onset_before_infusion": N_("onset before the infusion"),
    "onset_after_follow_up": N_("onset after the end of follow-up"),
    "follow_up_missing": N_("follow-up not recorded"),
    "follow_up_before_infusion": N_("follow-up ends before the infusion"),
}

ENDPOINTS: Mapping[str, str] = {
    "crs": N_("CRS"),
    "icans": N_("ICANS"),
    "overall_survival": N_("Overall survival"),
}


@dataclass(frozen=True)
class EventTimes:
    """One endpoint's times: `frame` holds infusion_id, group (the cohort, when asked), time (days) and status
    (0 censored, 1 the event, 2 death competing; overall survival: 1 death), one row per infusion kept;
    `excluded` counts the infusions left out by reason (ids of `REASONS`, only those with a count)."""

    endpoint: str
    frame: pd.DataFrame
    excluded: Mapping[str, int]

    @property
    def n_excluded(self) -> int:
        return sum(self.excluded.values())


def _follow_up(table: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Days of follow-up, whether it ended in death, and whether it is usable (recorded, not negative)."""
    days = pd.to_numeric(table["follow_up_days"], errors="coerce").astype(float).to_numpy()
    status = table["status"].astype("string")
    dead = status.eq("dead").fillna(False).to_numpy(dtype=bool)
    recorded = ~np.isnan(days) & status.notna().to_numpy(dtype=bool)
    return days, dead, recorded


def _result(
    endpoint: str, table: pd.DataFrame, by: str | None, kept: np.ndarray, time, status, reasons
) -> EventTimes:
    frame = pd.DataFrame({"infusion_id": table["infusion_id"].to_numpy()})
    if by is not None:
        frame["group"] = table[by].astype("string").to_numpy()
    frame["time"] = time
    frame["status"] = status.astype(np.int64)
    excluded = {reason: int(mask.sum()) for reason, mask in reasons.items() if mask.sum()}
    return EventTimes(endpoint, frame[kept].reset_index(drop=True), excluded)


def syndrome_times(table: pd.DataFrame, syndrome: str, by: str | None = None) -> EventTimes:
    """Days from infusion to the first onset of `syndrome` ("crs" or "icans"), death competing."""
    occurred = table[f"{syndrome}_any"].astype("boolean")
    onset = pd.to_numeric(table[f"{syndrome}_onset_day"], errors="coerce").astype(float).to_numpy()
    days, dead, recorded = _follow_up(table)
    unknown = occurred.isna().to_numpy(dtype=bool)
    yes = occurred.fillna(False).to_numpy(dtype=bool)
    no = ~unknown & ~yes
    with np.errstate(invalid="ignore"):
        reasons = {
            "status_unknown": unknown,
            "onset_missing": yes & np.isnan(onset),
            "onset_before_infusion": yes & (onset < 0),
            "onset_after_follow_up": yes & recorded & (onset > days),
            "follow_up_missing": no & ~recorded,
            "follow_up_before_infusion": no & recorded & (days < 0),
        }
    left_out = np.logical_or.reduce(list(reasons.values()))
    time = np.where(yes, onset, days)
    status = np.where(yes, EVENT, np.where(dead, DEATH, CENSORED))
    return _result(syndrome, table, by, ~left_out, time, status, reasons)


def survival_times(table: pd.DataFrame, by: str | None = None) -> EventTimes:
    """Days from infusion to death (status 1) or to the last follow-up (0): overall survival."""
    days, dead, recorded = _follow_up(table)
    with np.errstate(invalid="ignore"):
        reasons = {"follow_up_missing": ~recorded, "follow_up_before_infusion": recorded & (days < 0)}
    left_out = reasons["follow_up_missing"] | reasons["follow_up_before_infusion"]
    return _result("overall_survival", table, by, ~left_out, days, dead.astype(int), reasons)


__all__ = [
    "CENSORED",
    "DEATH",
    "ENDPOINTS",
    "EVENT",
    "REASONS",
    "EventTimes",
    "survival_times",
    "syndrome_times",
]
