"""From the dataset's tables to one row per infusion, every column as defined in `analysis.columns`."""

from __future__ import annotations

import pandas as pd

from iectox.analysis.columns import COLUMNS
from iectox.analysis.settings import AnalysisSettings
from iectox.dataset import Dataset
from iectox.schema import THERAPY
from iectox.schema.vocabularies import CORTICOSTEROIDS
from iectox.times import calendar_days, hours_between


def _scales(rows: pd.DataFrame) -> pd.Series:
    """The scales each infusion's grades were recorded on, joined ("ASTCT2019, Lee2014")."""
    pairs = rows[["infusion_id", "grading_scale"]].dropna().drop_duplicates().sort_values("grading_scale")
    several = pairs["infusion_id"].duplicated(keep=False)
    single = pairs[~several].set_index("infusion_id")["grading_scale"]
    joined = pairs[several].groupby("infusion_id")["grading_scale"].agg(", ".join)
    return pd.concat([single, joined]).astype("string")


def _syndrome(
    episodes: pd.DataFrame,
    infusions: pd.DataFrame,
    syndrome: str,
    status: pd.Series,
    settings: AnalysisSettings,
) -> pd.DataFrame:
    """Presence, maximum grade on the study scale, first onset, scales recorded and outcome, per infusion."""
    rows = episodes[episodes["syndrome"] == syndrome]
    index = infusions.index
    by_infusion = rows.groupby("infusion_id")
    recorded = pd.Series(index.isin(rows["infusion_id"]), index=index)
    stated = status.reindex(index)
    present = (recorded | stated.eq("yes").fillna(False)).astype("boolean")
    present[stated.eq("unknown").fillna(False) & ~recorded] = pd.NA
    on_scale = rows[rows["grading_scale"] == settings.grading_scale]
    grade = on_scale.groupby("infusion_id")["max_grade"].max().reindex(index).astype("Float64")
    grade = grade.where(~present.eq(False).fillna(False), 0.0)
    first = rows.sort_values("onset_at").drop_duplicates("infusion_id").set_index("infusion_id")
    onset = first["onset_at"].reindex(index)
    onset_known = first["onset_at_time_known"].reindex(index)
    last = rows.sort_values("onset_at").drop_duplicates("infusion_id", keep="last").set_index("infusion_id")
    died = rows.loc[rows["outcome"] == "death", "infusion_id"]
    outcome = last["outcome"].where(~last.index.isin(died), "death")
    end = by_infusion["resolved_at"].max().reindex(index)
    return pd.DataFrame(
        {
            "any": present,
            "grade": grade.astype("Int64"),
            "scales": _scales(rows).reindex(index),
            "onset": onset,
            "onset_known": onset_known,
            "onset_day": (onset.dt.normalize() - infusions["infusion_date"]).dt.days.astype("Float64"),
            "outcome": outcome.reindex(index).astype("string"),
            "end": end,
        },
        index=index,
    )


def _tocilizumab(doses: pd.DataFrame, infusions: pd.DataFrame, crs: pd.DataFrame) -> pd.DataFrame:
    index = infusions.index
    toci = doses[doses["drug"] == "tocilizumab"]
    grouped = toci.groupby("infusion_id")
    injections = grouped.size().reindex(index)
    dose = grouped["dose_mg"].mean().reindex(index)
    timed = toci.dropna(subset=["given_at"]).sort_values("given_at").drop_duplicates("infusion_id")
    first = timed.set_index("infusion_id")["given_at"].reindex(index)
    first_known = timed.set_index("infusion_id")["given_at_time_known"].reindex(index)
    hours = hours_between(crs["onset"], crs["onset_known"], first, first_known)
    return pd.DataFrame(
        {
            "tocilizumab": pd.Series(index.isin(toci["infusion_id"]), index=index),
            "tocilizumab_injections": injections.astype("Float64"),
            "tocilizumab_dose_mg": dose.astype("Float64"),
            "tocilizumab_dose_mg_kg": (dose / infusions["weight_kg"]).astype("Float64"),
            "hours_crs_onset_to_tocilizumab": hours,
            "days_crs_onset_to_tocilizumab": hours / 24,
            "calendar_days_crs_onset_to_tocilizumab": calendar_days(crs["onset"], first),
            "_first": first,
            "_last": grouped["given_at"].max().reindex(index),
        },
        index=index,
    )


def _steroids(
    doses: pd.DataFrame, index: pd.Index, crs: pd.DataFrame, toci: pd.DataFrame, settings: AnalysisSettings
) -> pd.DataFrame:
    steroids = doses[doses["drug"].isin(CORTICOSTEROIDS)]
    treated = toci["tocilizumab"]
    start = crs["onset"].dt.normalize().fillna(toci["_first"].dt.normalize())
    end = crs["end"].fillna(toci["_last"]) + pd.Timedelta(hours=settings.steroid_window_h)
    given = steroids["given_at"]
    infusion = steroids["infusion_id"]
    in_window = (given >= infusion.map(start)) & (given <= infusion.map(end))
    unknown_time_for_crs = given.isna() & (steroids["reason"] == "CRS")
    concomitant = index.isin(infusion[(in_window | unknown_time_for_crs).fillna(False)])
    return pd.DataFrame(
        {
            "corticosteroids": pd.Series(index.isin(infusion), index=index),
            "corticosteroids_with_tocilizumab": pd.Series(concomitant, index=index)
            .astype("boolean")
            .where(treated),
        },
        index=index,
    )


def infusion_table(dataset: Dataset, settings: AnalysisSettings | None = None) -> pd.DataFrame:
    """One row per infusion, with the columns of `analysis.columns.COLUMNS`, in that order."""
    settings = settings or AnalysisSettings()
    infusions = dataset["infusions"].set_index("infusion_id", drop=False)
    patients = dataset["patients"].drop_duplicates("patient_id").set_index("patient_id")
    doses = dataset["administrations"]
    if not settings.include_prophylaxis:
        doses = doses[doses["reason"] != "prophylaxis"]
    episodes = dataset["toxicity_episodes"]
    outcomes = (
        dataset["outcomes"].drop_duplicates("infusion_id").set_index("infusion_id").reindex(infusions.index)
    )
    crs = _syndrome(episodes, infusions, "CRS", infusions["crs_status"], settings)
    icans = _syndrome(episodes, infusions, "ICANS", infusions["icans_status"], settings)
    toci = _tocilizumab(doses, infusions, crs)
    steroids = _steroids(doses, infusions.index, crs, toci, settings)
    classes = {t.code: t.attrs["therapy_class"] for t in THERAPY.terms}
    table = pd.DataFrame(
        {
            "infusion_id": infusions["infusion_id"],
            "patient_id": infusions["patient_id"],
            "cohort": infusions["setting"],
            "centre": infusions["patient_id"].map(patients["centre"]),
            "sex": infusions["patient_id"].map(patients["sex"]),
            "age": infusions["age_at_infusion"],
            "weight_kg": infusions["weight_kg"],
            "indication": infusions["indication"],
            "therapy": infusions["therapy"],
            "therapy_class": infusions["therapy"].map(classes).astype("string"),
            "infusion_date": infusions["infusion_date"],
            "crs_any": crs["any"],
            "crs_grade": crs["grade"],
            "crs_grade_scales": crs["scales"],
            "crs_onset_day": crs["onset_day"],
            "crs_outcome": crs["outcome"],
            "icans_any": icans["any"],
            "icans_grade": icans["grade"],
            "icans_grade_scales": icans["scales"],
            "icans_onset_day": icans["onset_day"],
            **{c: toci[c] for c in toci.columns if not c.startswith("_")},
            **{c: steroids[c] for c in steroids.columns},
            "status": outcomes["status"],
            "death_cause": outcomes["death_cause"],
            "follow_up_days": (
                outcomes["death_date"].fillna(outcomes["last_follow_up"]) - infusions["infusion_date"]
            ).dt.days.astype("Float64"),
        }
    )
    table["tocilizumab"] = table["tocilizumab"].astype("boolean")
    table["corticosteroids"] = table["corticosteroids"].astype("boolean")
    return table[[c.name for c in COLUMNS]].reset_index(drop=True)


__all__ = ["infusion_table"]
