"""CRS by dose of a bispecific antibody: which step-up dose (and cycle) a course's CRS followed, and how soon.

A CRS episode "follows" a dose of the antibody when it begins at or after that dose and before the next one
(a dose step of `administrations`, docs/bispecifics.md). An onset recorded as a day alone is placed at the end
of that day: it follows the last dose given that day or before. Per step, `crs_after_<step>` is True when a
CRS followed a dose of that step, False when the step was given and none did, blank when the course never
had that step (or is not a bispecific course): its mean over courses is the rate of CRS per step-up dose.
"""

from __future__ import annotations

import pandas as pd

from iectox.schema.vocabularies import BSAB_DRUG_CODES

STEP_UP = ("step_up_1", "step_up_2", "step_up_3")  # the step-up doses, in schedule order
STEPS = (*STEP_UP, "treatment")
END_OF_DAY = pd.Timedelta(days=1) - pd.Timedelta(seconds=1)
HOUR = pd.Timedelta(hours=1)


def _doses(administrations: pd.DataFrame) -> pd.DataFrame:
    """The antibody's timed doses, each with the time of the course's next dose (NaT for the last)."""
    if "dose_step" not in administrations:
        return pd.DataFrame(columns=["infusion_id", "drug", "dose_step", "cycle", "given_at", "until"])
    own = (
        administrations["drug"].isin(BSAB_DRUG_CODES)
        & administrations["dose_step"].notna()
        & administrations["given_at"].notna()
    )
    doses = administrations.loc[own.fillna(False), ["infusion_id", "drug", "dose_step", "cycle", "given_at"]]
    doses = doses.sort_values(["infusion_id", "given_at"], kind="stable")
    return doses.assign(until=doses.groupby("infusion_id")["given_at"].shift(-1))


def _onsets(episodes: pd.DataFrame) -> pd.DataFrame:
    crs = episodes[(episodes["syndrome"] == "CRS") & episodes["onset_at"].notna()]
    day_only = ~crs["onset_at_time_known"].fillna(True).astype(bool)
    placed = crs["onset_at"].where(~day_only, crs["onset_at"].dt.normalize() + END_OF_DAY)
    return pd.DataFrame(
        {
            "infusion_id": crs["infusion_id"],
            "onset": placed,
            "known": ~day_only,
            "max_grade": crs["max_grade"],
            "grading_scale": crs["grading_scale"],
        }
    )


def _followed(doses: pd.DataFrame, onsets: pd.DataFrame) -> pd.DataFrame:
    """Each (dose, CRS onset) pair where the onset follows the dose: at or after it, before the next one."""
    pairs = doses.merge(onsets, on="infusion_id")
    after = (pairs["onset"] >= pairs["given_at"]) & (
        pairs["until"].isna() | (pairs["onset"] < pairs["until"])
    )
    return pairs[after.fillna(False)]


def crs_after_doses(administrations: pd.DataFrame, episodes: pd.DataFrame, scale: str) -> pd.DataFrame:
    """One row per timed dose of a bispecific antibody (`infusion_id`, `drug`, `dose_step`, `cycle`,
    `given_at`) with whether a CRS followed it (`crs`), whether one of those was of grade >= 2 on `scale`
    (`crs_grade2`; an episode graded on another scale is not counted), and the hours from the dose to the
    first CRS that followed it (`hours`; blank when none did or its onset hour was not recorded)."""
    doses = _doses(administrations).reset_index(drop=True)
    followed = _followed(doses.rename_axis("dose").reset_index(), _onsets(episodes))
    first = followed.sort_values("onset", kind="stable").drop_duplicates("dose").set_index("dose")
    severe = followed.loc[
        (followed["grading_scale"] == scale).fillna(False) & (followed["max_grade"] >= 2).fillna(False),
        "dose",
    ]
    hours = ((first["onset"] - first["given_at"]) / HOUR).where(first["known"].astype(bool))
    return doses.drop(columns="until").assign(
        crs=doses.index.isin(first.index),
        crs_grade2=doses.index.isin(severe),
        hours=pd.to_numeric(hours, errors="coerce").reindex(doses.index).astype("float64"),
    )


def bsab_crs(administrations: pd.DataFrame, episodes: pd.DataFrame, index: pd.Index) -> pd.DataFrame:
    """Per infusion (`index`: infusion ids), the columns of `analysis.columns` on CRS after each dose step."""
    doses = _doses(administrations)
    followed = _followed(doses, _onsets(episodes))
    out = pd.DataFrame(index=index)
    for step in STEPS:
        had = pd.Series(index.isin(doses.loc[doses["dose_step"] == step, "infusion_id"]), index=index)
        hit = index.isin(followed.loc[followed["dose_step"] == step, "infusion_id"])
        out[f"crs_after_{step}"] = pd.Series(hit, index=index, dtype="boolean").where(had)
    first = (
        followed.sort_values("onset").drop_duplicates("infusion_id").set_index("infusion_id").reindex(index)
    )
    out["crs_bsab_step"] = first["dose_step"].astype("string")
    out["crs_bsab_cycle"] = pd.to_numeric(first["cycle"], errors="coerce").astype("Float64")
    hours = ((first["onset"] - first["given_at"]) / HOUR).where(
        first["known"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    )
    out["crs_bsab_hours_after_dose"] = pd.to_numeric(hours, errors="coerce").astype("Float64")
    return out


__all__ = ["STEPS", "STEP_UP", "bsab_crs", "crs_after_doses"]
