"""The episodes the audit judges: the registry's CRS and ICANS episodes, with what the observations add.

A recorded episode gives onset, resolution and the highest grade; only graded bedside observations say when
grade 2 was first reached, so `first_grade2_at` is filled from `iectox.grading` when the dataset has
observations and left blank otherwise (never guessed). Grades recorded on another scale than the pathway's
are not converted: such an episode gets no pathway grade, unless observations grade it.
"""

from __future__ import annotations

import pandas as pd

from iectox.dataset import Dataset
from iectox.grading import episodes_from_grades, grade_dataset
from iectox.management.pathway import COHORT_SOURCES, Pathway
from iectox.schema.therapies import CLASS_OF
from iectox.times import FAR_FUTURE, earliest, latest, quarter

SYNDROMES = ("CRS", "ICANS")


def cohort_of(dataset: Dataset, by: str | pd.Series) -> pd.Series:
    """Each infusion's cohort (indexed by infusion_id) by one of `COHORT_SOURCES`, or as `by` gives it: a
    Series indexed by infusion_id (a study's own cohorts: `iectox.study.run_study`), blank outside them."""
    if isinstance(by, pd.Series):
        return by.astype("string")
    infusions = dataset["infusions"].set_index("infusion_id")
    if by == "therapy_class":
        return infusions["therapy"].map(CLASS_OF).astype("string")
    if by == "centre":
        centres = dataset["patients"].drop_duplicates("patient_id").set_index("patient_id")["centre"]
        return infusions["patient_id"].map(centres).astype("string")
    if by not in COHORT_SOURCES:
        raise ValueError(f"cohorts by {by!r}: use one of {', '.join(COHORT_SOURCES)}")
    return infusions[by].astype("string")


def graded_episodes(dataset: Dataset) -> pd.DataFrame | None:
    """Episodes computed from the bedside observations (ASTCT), or None when the dataset has none."""
    if dataset["observations"].empty:
        return None
    return episodes_from_grades(grade_dataset(dataset))


def _match_observed(recorded: pd.DataFrame, graded: pd.DataFrame) -> pd.DataFrame:
    """Per recorded episode, the observed episode overlapping it: its highest grade and first grade >= 2.

    Observations that never reached grade 1, or lie outside the recorded episode, say nothing about it.
    """
    g = graded[graded["max_grade"].ge(1).fillna(False)]
    g_start = earliest(g["onset_at"], g["onset_at_time_known"]).fillna(g["first_grade2_at"])
    g_end = latest(g["resolved_at"], g["resolved_at_time_known"]).fillna(FAR_FUTURE)
    g = g.assign(g_start=g_start, g_end=g_end)[
        ["infusion_id", "syndrome", "max_grade", "first_grade2_at", "g2_known", "g_start", "g_end"]
    ]
    window = ["onset_at", "onset_at_time_known", "resolved_at", "resolved_at_time_known"]
    pairs = recorded[["episode_id", "infusion_id", "syndrome", *window]].merge(
        g, on=["infusion_id", "syndrome"]
    )
    start = earliest(pairs["onset_at"], pairs["onset_at_time_known"])
    end = latest(pairs["resolved_at"], pairs["resolved_at_time_known"]).fillna(FAR_FUTURE)
    overlap = (pairs["g_start"] <= end) & (start.isna() | (pairs["g_end"] >= start))
    pairs = pairs[overlap.fillna(False).astype(bool)].sort_values("first_grade2_at")
    first = pairs.dropna(subset=["first_grade2_at"]).drop_duplicates("episode_id").set_index("episode_id")
    out = pd.DataFrame(index=recorded["episode_id"])
    out["observed_grade"] = pairs.groupby("episode_id")["max_grade"].max().reindex(out.index)
    out["first_grade2_at"] = first["first_grade2_at"].reindex(out.index)
    out["first_grade2_at_time_known"] = first["g2_known"].reindex(out.index)
    return out.reset_index(drop=True)


def _prepare_graded(graded: pd.DataFrame) -> pd.DataFrame:
    graded = graded.copy()
    for column in ("onset_at", "resolved_at", "first_grade2_at"):
        graded[column] = pd.to_datetime(graded[column], cache=False) if column in graded else pd.NaT
    known = graded.get("first_grade2_at_time_known", graded["first_grade2_at"].notna())
    graded["g2_known"] = known.astype("boolean").fillna(graded["first_grade2_at"].notna())
    return graded[graded["syndrome"].isin(SYNDROMES)]


def audit_episodes(
    dataset: Dataset,
    pathway: Pathway,
    graded: pd.DataFrame | None = None,
    cohorts: pd.Series | None = None,
) -> pd.DataFrame:
    """One row per CRS or ICANS episode with `grade` on the pathway's scale, `first_grade2_at` and cohort.

    `graded` is `iectox.grading.episodes_from_grades(...)` output; by default it is computed from the
    dataset's observations. Episodes seen only in the observations are added (`source` "observations").
    `cohorts` gives each infusion's cohort (indexed by infusion_id); by default the pathway's
    `kpis.cohort_by`.
    """
    scale = pathway.grading.scale.value
    recorded = dataset["toxicity_episodes"]
    recorded = recorded[recorded["syndrome"].isin(SYNDROMES)].reset_index(drop=True)
    recorded = recorded.assign(source="recorded", recorded_grade=recorded["max_grade"])
    graded = graded_episodes(dataset) if graded is None else graded
    if graded is not None and len(graded):
        graded = _prepare_graded(graded)
        recorded = pd.concat([recorded, _match_observed(recorded, graded)], axis=1)
        seen = set(zip(recorded["infusion_id"], recorded["syndrome"], strict=True))
        unseen = [(i, s) not in seen for i, s in zip(graded["infusion_id"], graded["syndrome"], strict=True)]
        only = graded[pd.Series(unseen, index=graded.index) & graded["max_grade"].ge(1).fillna(False)]
        extra = pd.DataFrame(
            {
                "episode_id": only["infusion_id"] + ":" + only["syndrome"] + ":observed",
                "infusion_id": only["infusion_id"],
                "syndrome": only["syndrome"],
                "onset_at": only["onset_at"],
                "onset_at_time_known": only.get("onset_at_time_known", only["onset_at"].notna()),
                "resolved_at": only["resolved_at"],
                "resolved_at_time_known": only.get("resolved_at_time_known", only["resolved_at"].notna()),
                "grading_scale": scale,
                "outcome": "unknown",
                "source": "observations",
                "observed_grade": only["max_grade"],
                "first_grade2_at": only["first_grade2_at"],
                "first_grade2_at_time_known": only["g2_known"],
            }
        )
        if len(extra):
            recorded = pd.concat([recorded, extra], ignore_index=True)
    else:
        recorded = recorded.assign(
            observed_grade=pd.NA, first_grade2_at=pd.NaT, first_grade2_at_time_known=pd.NA
        )
    on_scale = recorded["recorded_grade"].where(recorded["grading_scale"] == scale)
    grade = on_scale.astype("Float64").fillna(recorded["observed_grade"].astype("Float64")).astype("Int64")
    infusions = dataset["infusions"].set_index("infusion_id")
    ids = recorded["infusion_id"]
    by = pathway.kpis.cohort_by.value if cohorts is None else cohorts
    episodes = pd.DataFrame(
        {
            "episode_id": recorded["episode_id"].astype("string"),
            "infusion_id": ids.astype("string"),
            "syndrome": recorded["syndrome"].astype("string"),
            "source": recorded["source"].astype("string"),
            "cohort": ids.map(cohort_of(dataset, by)).astype("string"),
            "therapy": ids.map(infusions["therapy"]).astype("string"),
            "weight_kg": ids.map(infusions["weight_kg"]).astype("float64"),
            "infusion_date": ids.map(infusions["infusion_date"]).astype("datetime64[ns]"),
            "onset_at": pd.to_datetime(recorded["onset_at"], cache=False),
            "onset_at_time_known": recorded["onset_at_time_known"].astype("boolean"),
            "resolved_at": pd.to_datetime(recorded["resolved_at"], cache=False),
            "resolved_at_time_known": recorded["resolved_at_time_known"].astype("boolean"),
            "outcome": recorded["outcome"].astype("string"),
            "recorded_grade": recorded["recorded_grade"].astype("Int64"),
            "grading_scale": recorded["grading_scale"].astype("string"),
            "observed_grade": recorded["observed_grade"].astype("Float64").astype("Int64"),
            "grade": grade,
            "first_grade2_at": pd.to_datetime(recorded["first_grade2_at"], cache=False),
            "first_grade2_at_time_known": recorded["first_grade2_at_time_known"].astype("boolean"),
        }
    )
    episodes["quarter"] = quarter(episodes["infusion_date"])
    return episodes.sort_values(["infusion_id", "syndrome", "onset_at"]).reset_index(drop=True)


__all__ = ["COHORT_SOURCES", "SYNDROMES", "audit_episodes", "cohort_of", "graded_episodes"]
