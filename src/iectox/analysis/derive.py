"""From the dataset's tables to one row per infusion, every column as defined in `analysis.columns`."""

from __future__ import annotations

import numpy as np
import pandas as pd

from iectox.analysis.bsab import bsab_crs
from iectox.analysis.columns import COLUMNS
from iectox.analysis.haematotoxicity import COLUMNS as LAB_COLUMNS
from iectox.analysis.haematotoxicity import haematotoxicity
from iectox.analysis.settings import AnalysisSettings
from iectox.dataset import Dataset
from iectox.schema.therapies import CLASS_OF
from iectox.schema.vocabularies import CORTICOSTEROIDS, PREMEDICATION
from iectox.times import calendar_days, hours_between


def _rows_of(index: pd.Index, table: pd.DataFrame) -> pd.DataFrame:
    """`table` with `at`, the position of each row's infusion in `index` (rows of unknown infusions left out).

    The ids are looked up once; every per-infusion aggregate then groups and places by these integers instead
    of hashing the ids again for each column, which is what costs at a few hundred thousand infusions."""
    at = index.get_indexer(table["infusion_id"])
    return table.assign(at=at)[at >= 0]


def _placed(values: pd.Series, n: int) -> np.ndarray | pd.api.extensions.ExtensionArray:
    """Values keyed by infusion position, one per infusion row (missing where none)."""
    return values.reindex(pd.RangeIndex(n)).array


def _scales(rows: pd.DataFrame, n: int) -> pd.Series:
    """The scales each infusion's grades were recorded on, joined ("ASTCT2019, Lee2014")."""
    pairs = rows[["at", "grading_scale"]].dropna().drop_duplicates().sort_values("grading_scale")
    several = pairs["at"].duplicated(keep=False)
    single = pairs[~several].set_index("at")["grading_scale"]
    joined = pairs[several].groupby("at")["grading_scale"].agg(", ".join)
    return pd.Series(_placed(pd.concat([single, joined]), n), dtype="string")


def _syndrome(
    episodes: pd.DataFrame,
    infusions: pd.DataFrame,
    syndrome: str,
    status: pd.Series,
    settings: AnalysisSettings,
) -> pd.DataFrame:
    """Presence, maximum grade on the study scale, first onset, scales recorded and outcome, per infusion."""
    index = infusions.index
    n = len(index)
    rows = _rows_of(index, episodes[episodes["syndrome"] == syndrome])
    recorded = np.zeros(n, dtype=bool)
    recorded[rows["at"].to_numpy()] = True
    stated = status.reindex(index)
    present = pd.Series(recorded | stated.eq("yes").fillna(False).to_numpy(dtype=bool), dtype="boolean")
    present[stated.eq("unknown").fillna(False).to_numpy(dtype=bool) & ~recorded] = pd.NA
    on_scale = rows[rows["grading_scale"] == settings.grading_scale]
    grade = pd.Series(_placed(on_scale.groupby("at")["max_grade"].max(), n)).astype("Float64")
    grade = grade.where(~present.eq(False).fillna(False), 0.0)
    ordered = rows.sort_values("onset_at")
    first = ordered.drop_duplicates("at").set_index("at")[["onset_at", "onset_at_time_known"]]
    first = first.reindex(pd.RangeIndex(n))
    last = ordered.drop_duplicates("at", keep="last").set_index("at")
    died = rows.loc[rows["outcome"] == "death", "at"]
    outcome = last["outcome"].where(~last.index.isin(died), "death")
    onset = pd.Series(first["onset_at"].array, index=index)
    return pd.DataFrame(
        {
            "any": present.array,
            "grade": grade.astype("Int64").array,
            "scales": _scales(rows, n).array,
            "onset": onset,
            "onset_known": first["onset_at_time_known"].array,
            "onset_day": (onset.dt.normalize() - infusions["infusion_date"]).dt.days.astype("Float64"),
            "outcome": pd.Series(_placed(outcome, n), dtype="string").array,
            "end": _placed(rows.groupby("at")["resolved_at"].max(), n),
        },
        index=index,
    )


def _tocilizumab(doses: pd.DataFrame, infusions: pd.DataFrame, crs: pd.DataFrame) -> pd.DataFrame:
    index = infusions.index
    n = len(index)
    toci = _rows_of(index, doses[doses["drug"] == "tocilizumab"])
    grouped = toci.groupby("at")
    injections = pd.Series(_placed(grouped.size(), n), index=index)
    dose = pd.Series(_placed(grouped["dose_mg"].mean(), n), index=index)
    timed = toci.dropna(subset=["given_at"]).sort_values("given_at").drop_duplicates("at").set_index("at")
    timed = timed[["given_at", "given_at_time_known"]].reindex(pd.RangeIndex(n))
    first = pd.Series(timed["given_at"].array, index=index)
    first_known = pd.Series(timed["given_at_time_known"].array, index=index)
    treated = np.zeros(n, dtype=bool)
    treated[toci["at"].to_numpy()] = True
    hours = hours_between(crs["onset"], crs["onset_known"], first, first_known)
    return pd.DataFrame(
        {
            "tocilizumab": pd.Series(treated, index=index),
            "tocilizumab_injections": injections.astype("Float64"),
            "tocilizumab_dose_mg": dose.astype("Float64"),
            "tocilizumab_dose_mg_kg": (dose / infusions["weight_kg"]).astype("Float64"),
            "hours_crs_onset_to_tocilizumab": hours,
            "days_crs_onset_to_tocilizumab": hours / 24,
            "calendar_days_crs_onset_to_tocilizumab": calendar_days(crs["onset"], first),
            "_first": first,
            "_last": pd.Series(_placed(grouped["given_at"].max(), n), index=index),
        },
        index=index,
    )


def _steroids(
    doses: pd.DataFrame, index: pd.Index, crs: pd.DataFrame, toci: pd.DataFrame, settings: AnalysisSettings
) -> pd.DataFrame:
    steroids = _rows_of(index, doses[doses["drug"].isin(CORTICOSTEROIDS)])
    treated = toci["tocilizumab"]
    start = crs["onset"].dt.normalize().fillna(toci["_first"].dt.normalize())
    end = crs["end"].fillna(toci["_last"]) + pd.Timedelta(hours=settings.steroid_window_h)
    given = steroids["given_at"]
    at = steroids["at"].to_numpy()
    in_window = (given >= start.to_numpy()[at]) & (given <= end.to_numpy()[at])
    unknown_time_for_crs = given.isna() & (steroids["reason"] == "CRS")
    given_any = np.zeros(len(index), dtype=bool)
    given_any[at] = True
    concomitant = np.zeros(len(index), dtype=bool)
    concomitant[at[(in_window | unknown_time_for_crs).fillna(False).to_numpy(dtype=bool)]] = True
    return pd.DataFrame(
        {
            "corticosteroids": pd.Series(given_any, index=index),
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
    doses = doses[doses["reason"] != PREMEDICATION]
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
    by_step = bsab_crs(dataset["administrations"], episodes, infusions.index)
    labs = haematotoxicity(dataset, infusions)
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
            "therapy_class": infusions["therapy"].map(CLASS_OF).astype("string"),
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
            **{c: by_step[c] for c in by_step.columns},
            **{c: labs[c] for c in LAB_COLUMNS},
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
