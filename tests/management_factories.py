"""Hand-made datasets for the management audit tests: a few infusions, episodes and doses, times in hours."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from iectox.dataset import Dataset
from iectox.management.anticytokines import anticytokine_doses
from iectox.management.corticosteroids import corticosteroid_courses
from iectox.management.delays import episode_timings
from iectox.management.episodes import audit_episodes
from iectox.management.evidence import Evidence
from iectox.management.pathway import Pathway, default_pathway
from iectox.management.tocilizumab import tocilizumab_doses

T0 = pd.Timestamp("2024-01-10 08:00")


def at(hours: float) -> pd.Timestamp:
    """T0 plus `hours`: every time of a case is written as hours after the same morning."""
    return T0 + pd.Timedelta(hours=hours)


def infusion(
    infusion_id: str = "INF-1",
    therapy: str = "tisagenlecleucel",
    setting: str = "standard_of_care",
    weight_kg: float | None = 70.0,
    day: str = "2024-01-08",
) -> dict:
    return {
        "infusion_id": infusion_id,
        "patient_id": "P-" + infusion_id,
        "therapy": therapy,
        "infusion_date": pd.Timestamp(day),
        "setting": setting,
        "trial_id": "NCT01234567" if setting == "clinical_trial" else None,
        "indication": "dlbcl_3l_plus",
        "weight_kg": weight_kg,
    }


def episode(
    episode_id: str,
    syndrome: str,
    onset_h: float | None,
    resolved_h: float | None,
    grade: int | None,
    infusion_id: str = "INF-1",
    scale: str = "ASTCT2019",
    day_only: bool = False,
) -> dict:
    return {
        "episode_id": episode_id,
        "infusion_id": infusion_id,
        "syndrome": syndrome,
        "onset_at": at(onset_h).normalize()
        if day_only and onset_h is not None
        else (None if onset_h is None else at(onset_h)),
        "onset_at_time_known": None if onset_h is None else not day_only,
        "resolved_at": None if resolved_h is None else at(resolved_h),
        "resolved_at_time_known": None if resolved_h is None else True,
        "max_grade": grade,
        "grading_scale": scale,
        "outcome": "resolved" if resolved_h is not None else "ongoing",
    }


def dose(
    administration_id: str,
    drug: str,
    given_h: float | None,
    dose_mg: float | None,
    reason: str = "CRS",
    infusion_id: str = "INF-1",
    day_only: bool = False,
) -> dict:
    given = None if given_h is None else (at(given_h).normalize() if day_only else at(given_h))
    return {
        "administration_id": administration_id,
        "infusion_id": infusion_id,
        "drug": drug,
        "given_at": given,
        "given_at_time_known": None if given_h is None else not day_only,
        "dose_mg": dose_mg,
        "route": "IV",
        "reason": reason,
    }


def dataset(
    episodes: Sequence[dict] = (), doses: Sequence[dict] = (), infusions: Sequence[dict] | None = None
) -> Dataset:
    infusions = list(infusions) if infusions is not None else [infusion()]
    patients = [{"patient_id": i["patient_id"], "sex": "female", "centre": "CHU-A"} for i in infusions]
    frames = {
        "patients": pd.DataFrame(patients),
        "infusions": pd.DataFrame(infusions),
        "toxicity_episodes": pd.DataFrame(list(episodes), columns=list(episode("x", "CRS", 0, 1, 1))),
        "administrations": pd.DataFrame(list(doses), columns=list(dose("x", "tocilizumab", 0, 1))),
    }
    return Dataset.from_frames(frames)


def graded(rows: Sequence[tuple[str, str, int, float | None]]) -> pd.DataFrame:
    """`episodes_from_grades`-shaped rows: (infusion_id, syndrome, max_grade, hours of first grade >= 2)."""
    return pd.DataFrame(
        {
            "infusion_id": [r[0] for r in rows],
            "syndrome": [r[1] for r in rows],
            "onset_at": pd.NaT,
            "onset_at_time_known": pd.NA,
            "resolved_at": pd.NaT,
            "resolved_at_time_known": pd.NA,
            "max_grade": [r[2] for r in rows],
            "first_grade2_at": [None if r[3] is None else at(r[3]) for r in rows],
            "first_grade2_at_time_known": [None if r[3] is None else True for r in rows],
        }
    )


def timed(
    data: Dataset, pathway: Pathway | None = None, observed: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The audit's per-episode table for a hand-made case."""
    pathway = pathway or default_pathway()
    return episode_timings(audit_episodes(data, pathway, observed), data["administrations"])


def evidence(data: Dataset, pathway: Pathway | None = None, observed: pd.DataFrame | None = None) -> Evidence:
    """What the audit's rules read for a hand-made case, computed as `audit` computes it."""
    pathway = pathway or default_pathway()
    episodes = audit_episodes(data, pathway, observed)
    timed_episodes = episode_timings(episodes, data["administrations"])
    administrations, infusions = data["administrations"], data["infusions"]
    return Evidence(
        pathway,
        timed_episodes,
        tocilizumab_doses(administrations, infusions, episodes, pathway),
        corticosteroid_courses(administrations, infusions, pathway),
        anticytokines=anticytokine_doses(administrations, infusions),
    )
