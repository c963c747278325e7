"""Datasets of the study and quality tests: a synthetic cohort of two centres, and a centre's part of it."""

from __future__ import annotations

import pandas as pd

from iectox.dataset import Dataset
from iectox.synth import generate

CENTRES = ("CHU-A", "CHU-B")


def two_centres() -> Dataset:
    """160 synthetic infusions of the seed study, their patients alternately in CHU-A and CHU-B."""
    dataset = generate(160, seed=9)
    frames = {name: dataset[name] for name in dataset.tables}
    patients = frames["patients"].copy()
    patients["centre"] = [CENTRES[i % 2] for i in range(len(patients))]
    frames["patients"] = patients
    return Dataset.from_frames(frames)


def of_centre(dataset: Dataset, centre: str) -> Dataset:
    """The rows of `dataset` whose patient is in `centre`, filtered here, away from the web's queries."""
    patients = dataset["patients"][dataset["patients"]["centre"] == centre]
    infusions = dataset["infusions"][dataset["infusions"]["patient_id"].isin(patients["patient_id"])]
    frames: dict[str, pd.DataFrame] = {"patients": patients, "infusions": infusions}
    for name in dataset.tables:
        if name not in frames:
            rows = dataset[name]
            frames[name] = rows[rows["infusion_id"].isin(infusions["infusion_id"])]
    return Dataset.from_frames({name: frame.reset_index(drop=True) for name, frame in frames.items()})


def with_open_episode(dataset: Dataset, centre: str = "CHU-A") -> tuple[Dataset, str]:
    """`dataset` with its first episode of a patient of `centre` still going (no resolution, outcome ongoing),
    and that patient's code."""
    frames = {name: dataset[name] for name in dataset.tables}
    own = of_centre(dataset, centre)["toxicity_episodes"]["episode_id"].iloc[0]
    episodes = frames["toxicity_episodes"].copy()
    chosen = episodes["episode_id"] == own
    episodes.loc[chosen, ["resolved_at", "resolved_at_time_known"]] = None
    episodes.loc[chosen, "outcome"] = "ongoing"
    frames["toxicity_episodes"] = episodes
    infusion = episodes.loc[chosen, "infusion_id"].iloc[0]
    infusions = frames["infusions"]
    patient = infusions.loc[infusions["infusion_id"] == infusion, "patient_id"].iloc[0]
    return Dataset.from_frames(frames), str(patient)
