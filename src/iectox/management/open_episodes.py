"""The episodes still open: a CRS or ICANS that began and has not been recorded as over.

What the ward and the quality team watch every day (the management dashboard of the web application): an
episode with an onset and no resolution, unless its outcome says it ended otherwise (death). An episode
recorded as "ongoing", "unknown" or with no outcome yet is open; one without an onset is not an episode
that began, and is left to the validation rules.
"""

from __future__ import annotations

import pandas as pd

from iectox.dataset import Dataset

ENDED_WITHOUT_RESOLUTION = ("death",)  # outcomes that close an episode although no resolution is recorded
COLUMNS = [
    "patient_id",
    "infusion_id",
    "episode_id",
    "syndrome",
    "onset_at",
    "onset_at_time_known",
    "max_grade",
    "grading_scale",
    "outcome",
]


def open_episodes(dataset: Dataset) -> pd.DataFrame:
    """One row per open episode with its patient, oldest onset first (then patient and episode codes)."""
    episodes = dataset["toxicity_episodes"]
    ended = episodes["outcome"].isin(ENDED_WITHOUT_RESOLUTION).fillna(False).astype(bool)
    still = episodes["onset_at"].notna() & episodes["resolved_at"].isna() & ~ended
    patients = dataset["infusions"].set_index("infusion_id")["patient_id"]
    found = episodes[still].assign(patient_id=lambda e: e["infusion_id"].map(patients).astype("string"))
    found = found.sort_values(["onset_at", "patient_id", "episode_id"], kind="stable")
    return found[COLUMNS].reset_index(drop=True)


__all__ = ["ENDED_WITHOUT_RESOLUTION", "open_episodes"]
