"""From the generator's arrays to the contract's tables: identifiers, text categories and timestamps.

Identifiers are built as fixed-width bytes (P-0001, INF-0001, EP-0001, ADM-0001; wider when the cohort is
larger) because formatting a million strings one by one would dominate the run time.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from iectox.dataset import Dataset, time_known_column
from iectox.synth.cohort import INDICATIONS, SETTINGS, SEXES, THERAPIES, Cohort
from iectox.synth.management import DRUGS, REASONS, Doses
from iectox.synth.outcomes import Outcomes
from iectox.synth.toxicity import Episodes

CENTRE = "CHU-A"
NS_PER_MINUTE = 60_000_000_000
NS_PER_DAY = 24 * 60 * NS_PER_MINUTE


def ids(prefix: str, count: int, width: int | None = None) -> np.ndarray:
    """prefix + 1..count zero-padded (at least 4 digits), as a numpy unicode array."""
    width = width or max(4, len(str(count)))
    head = np.frombuffer(prefix.encode("ascii"), dtype=np.uint8)
    buffer = np.empty((count, len(head) + width), dtype=np.uint8)
    buffer[:, : len(head)] = head
    numbers = np.arange(1, count + 1, dtype=np.int64)
    buffer[:, len(head) :] = (numbers[:, None] // 10 ** np.arange(width - 1, -1, -1)) % 10 + ord("0")
    return buffer.view(f"S{len(head) + width}").ravel().astype("U")


def strings(values: np.ndarray) -> pd.arrays.StringArray:
    """A pandas string column, built once in the contract's dtype (so that conforming it costs nothing)."""
    return pd.array(values.astype(object), dtype="string")


def text(codes: np.ndarray, vocabulary: tuple[str, ...]) -> pd.arrays.StringArray:
    return strings(np.array(vocabulary, dtype=object)[codes])


def constant(value: str, n: int) -> pd.arrays.StringArray:
    return strings(np.full(n, value, dtype=object))


def minutes(values: np.ndarray) -> np.ndarray:
    """Minutes since 1970 as datetime64[ns]; -1 becomes NaT."""
    out = values.astype(np.int64) * NS_PER_MINUTE
    return np.where(values < 0, np.iinfo(np.int64).min, out).view("datetime64[ns]")


def days(values: np.ndarray) -> np.ndarray:
    """Days since 1970 as datetime64[ns]; -1 becomes NaT."""
    out = values.astype(np.int64) * NS_PER_DAY
    return np.where(values < 0, np.iinfo(np.int64).min, out).view("datetime64[ns]")


def dataset(
    cohort: Cohort,
    crs_grade: np.ndarray,
    icans_grade: np.ndarray,
    episodes: Episodes,
    doses: Doses,
    outcomes: Outcomes,
) -> Dataset:
    """The six tables of the contract (observations empty), conformed by `Dataset.from_frames`."""
    n = len(cohort)
    infusion_ids = ids("INF-", n).astype(object)
    status = np.full(n, None, dtype=object)
    icans_status = status.copy()
    status[crs_grade < 0] = "unknown"
    icans_status[icans_grade < 0] = "unknown"
    patient_ids = strings(ids("P-", n))
    patients = pd.DataFrame(
        {
            "patient_id": patient_ids,
            "sex": text(cohort.sex, SEXES),
            "birth_year": pd.array(cohort.birth_year, dtype="Int64"),
            "centre": constant(CENTRE, n),
        }
    )
    infusions = pd.DataFrame(
        {
            "infusion_id": strings(infusion_ids),
            "patient_id": patient_ids,
            "therapy": text(cohort.therapy, THERAPIES),
            "infusion_date": days(cohort.infusion_day),
            "setting": text(cohort.setting, SETTINGS),
            "trial_id": strings(cohort.trial_id),
            "indication": text(cohort.indication, INDICATIONS),
            "age_at_infusion": cohort.age_tenths / 10,
            "weight_kg": cohort.weight_tenths / 10,
            "height_cm": cohort.height_cm,
            "crs_status": strings(status),
            "icans_status": strings(icans_status),
        }
    )
    m = len(episodes.infusion)
    resolved = episodes.resolved >= 0
    episodes_frame = pd.DataFrame(
        {
            "episode_id": strings(ids("EP-", m)),
            "infusion_id": strings(infusion_ids[episodes.infusion]),
            "syndrome": strings(episodes.syndrome),
            "onset_at": minutes(episodes.onset),
            time_known_column("onset_at"): pd.array(np.ones(m, dtype=bool), dtype="boolean"),
            "resolved_at": minutes(episodes.resolved),
            time_known_column("resolved_at"): pd.arrays.BooleanArray(episodes.resolved_known, ~resolved),
            "max_grade": pd.array(episodes.grade.astype(np.int64), dtype="Int64"),
            "grading_scale": constant("ASTCT2019", m),
            "outcome": strings(np.where(episodes.death, "death", "resolved")),
        }
    )
    k = len(doses.infusion)
    administrations = pd.DataFrame(
        {
            "administration_id": strings(ids("ADM-", k)),
            "infusion_id": strings(infusion_ids[doses.infusion]),
            "drug": text(doses.drug, DRUGS),
            "given_at": minutes(doses.given),
            time_known_column("given_at"): pd.array(np.ones(k, dtype=bool), dtype="boolean"),
            "dose_mg": doses.dose_mg,
            "route": constant("IV", k),
            "reason": text(doses.reason, REASONS),
        }
    )
    dead = outcomes.death_day >= 0
    outcome_frame = pd.DataFrame(
        {
            "infusion_id": strings(infusion_ids),
            "last_follow_up": days(outcomes.last_follow_up),
            "status": strings(np.where(dead, "dead", "alive")),
            "death_date": days(outcomes.death_day),
            "death_cause": strings(outcomes.cause),
        }
    )
    return Dataset.from_frames(
        {
            "patients": patients,
            "infusions": infusions,
            "toxicity_episodes": episodes_frame,
            "administrations": administrations,
            "outcomes": outcome_frame,
        }
    )
