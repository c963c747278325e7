"""How long after a toxicity began its treatment came: the delays a management pathway is judged on.

Per episode: hours from onset, and from the first grade >= 2 observation, to the first tocilizumab and to the
first corticosteroid given during the episode. The first grade >= 2 time exists only when observations were
graded; otherwise that delay is blank, never estimated. A day-only time gives a calendar-day delay only
(dataset contract): its hour delays stay blank. Prophylactic doses are not treatment and are left out.
"""

from __future__ import annotations

import pandas as pd

from iectox.dataset import Dataset
from iectox.management.episodes import cohort_of
from iectox.schema.vocabularies import CORTICOSTEROIDS, PREMEDICATION
from iectox.times import FAR_FUTURE, calendar_days, earliest, hours_between, latest, quarter

DRUGS = {"tocilizumab": ("tocilizumab",), "corticosteroid": CORTICOSTEROIDS}


def treatment_doses(administrations: pd.DataFrame, family: str) -> pd.DataFrame:
    """Doses of a drug family ('tocilizumab' or 'corticosteroid') given as treatment: not prophylaxis, nor the
    premedication of a bispecific antibody's dose (dexamethasone before a step-up dose treats no CRS)."""
    rows = administrations[administrations["drug"].isin(DRUGS[family])]
    return rows[~rows["reason"].isin(("prophylaxis", PREMEDICATION))]


# What places an episode in time: its infusion, onset and resolution, with whether each time is known.
EPISODE_WINDOW = (
    "infusion_id",
    "onset_at",
    "onset_at_time_known",
    "resolved_at",
    "resolved_at_time_known",
)


def doses_in_episodes(episodes: pd.DataFrame, doses: pd.DataFrame) -> pd.DataFrame:
    """Each (episode, dose) pair where the dose may fall between the episode's onset and its resolution.

    A dose counts when it can be at or after the onset and before the end of the resolution day; with a
    day-only time either way, sharing the onset day is enough. Doses of unknown time are left out here.
    """
    pairs = episodes[["episode_id", *EPISODE_WINDOW]].merge(
        doses.dropna(subset=["given_at"]), on="infusion_id"
    )
    after_onset = latest(pairs["given_at"], pairs["given_at_time_known"]) >= earliest(
        pairs["onset_at"], pairs["onset_at_time_known"]
    )
    end = latest(pairs["resolved_at"], pairs["resolved_at_time_known"]).fillna(FAR_FUTURE)
    before_end = earliest(pairs["given_at"], pairs["given_at_time_known"]) <= end
    keep = (after_onset.fillna(True) & before_end).astype(bool)
    return pairs[keep].sort_values(["episode_id", "given_at"])


def _first(episodes: pd.DataFrame, doses: pd.DataFrame, family: str) -> pd.DataFrame:
    pairs = doses_in_episodes(episodes, doses)
    ids = episodes["episode_id"]
    first = pairs.drop_duplicates("episode_id").set_index("episode_id")[["given_at", "given_at_time_known"]]
    first = first.reindex(ids)  # one lookup of the episodes' ids for both columns
    untimed = doses.loc[doses["given_at"].isna(), "infusion_id"]
    return pd.DataFrame(
        {
            f"{family}_first_at": first["given_at"].to_numpy(),
            f"{family}_first_at_time_known": first["given_at_time_known"].astype("boolean").to_numpy(),
            f"{family}_doses": pairs["episode_id"]
            .value_counts()
            .reindex(ids)
            .fillna(0)
            .astype("Int64")
            .to_numpy(),
            f"{family}_untimed": episodes["infusion_id"].isin(untimed).to_numpy(),
        },
        index=episodes.index,
    )


def episode_timings(episodes: pd.DataFrame, administrations: pd.DataFrame) -> pd.DataFrame:
    """`episodes` (see `episodes.audit_episodes`) with first doses and delays, one row per episode."""
    parts = [episodes]
    onset, onset_known = episodes["onset_at"], episodes["onset_at_time_known"]
    for family in DRUGS:
        first = _first(episodes, treatment_doses(administrations, family), family)
        at, known = first[f"{family}_first_at"], first[f"{family}_first_at_time_known"]
        grade2, grade2_known = episodes["first_grade2_at"], episodes["first_grade2_at_time_known"]
        delays = {
            f"hours_onset_to_{family}": hours_between(onset, onset_known, at, known),
            f"calendar_days_onset_to_{family}": calendar_days(onset, at),
            f"hours_grade2_to_{family}": hours_between(grade2, grade2_known, at, known),
        }
        parts += [first, pd.DataFrame(delays, index=episodes.index)]
    return pd.concat(parts, axis=1)


PER_INFUSION = {
    "CRS": {
        "episode_id": "crs_episode_id",
        "grade": "crs_grade",
        "onset_at": "crs_onset_at",
        "onset_at_time_known": "crs_onset_at_time_known",
        "first_grade2_at": "crs_first_grade2_at",
        "tocilizumab_first_at": "first_tocilizumab_at",
        "tocilizumab_first_at_time_known": "first_tocilizumab_at_time_known",
        "hours_onset_to_tocilizumab": "hours_crs_onset_to_tocilizumab",
        "calendar_days_onset_to_tocilizumab": "calendar_days_crs_onset_to_tocilizumab",
        "hours_grade2_to_tocilizumab": "hours_crs_grade2_to_tocilizumab",
    },
    "ICANS": {
        "episode_id": "icans_episode_id",
        "grade": "icans_grade",
        "onset_at": "icans_onset_at",
        "onset_at_time_known": "icans_onset_at_time_known",
        "first_grade2_at": "icans_first_grade2_at",
        "corticosteroid_first_at": "first_corticosteroid_at",
        "corticosteroid_first_at_time_known": "first_corticosteroid_at_time_known",
        "hours_onset_to_corticosteroid": "hours_icans_onset_to_corticosteroid",
        "calendar_days_onset_to_corticosteroid": "calendar_days_icans_onset_to_corticosteroid",
        "hours_grade2_to_corticosteroid": "hours_icans_grade2_to_corticosteroid",
    },
}


def infusion_timings(
    dataset: Dataset, timed: pd.DataFrame, cohort_by: str | pd.Series = "setting"
) -> pd.DataFrame:
    """One row per infusion: the delays of its first CRS episode (tocilizumab) and first ICANS episode
    (corticosteroids); blank without such an episode. `cohort_by`: a cohort source, or each infusion's cohort
    (see `episodes.cohort_of`)."""
    infusions = dataset["infusions"]
    ids = infusions["infusion_id"]
    out = pd.DataFrame(
        {
            "infusion_id": ids,
            "cohort": ids.map(cohort_of(dataset, cohort_by)).astype("string"),
            "therapy": infusions["therapy"],
            "infusion_date": infusions["infusion_date"],
            "quarter": quarter(infusions["infusion_date"]),
        }
    )
    for syndrome, columns in PER_INFUSION.items():
        rows = timed[timed["syndrome"] == syndrome].sort_values("onset_at").drop_duplicates("infusion_id")
        rows = rows.set_index("infusion_id")[list(columns)].rename(columns=columns)
        out = out.join(rows, on="infusion_id")
    return out.reset_index(drop=True)


__all__ = ["doses_in_episodes", "episode_timings", "infusion_timings", "treatment_doses"]
