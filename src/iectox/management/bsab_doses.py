"""Every dose of a bispecific antibody with what the schedule checks read: the label's dose for its step, the
days since the antibody's previous dose, premedication before it, the hours in hospital after it.

One row per dose of the antibody itself (administrations with a `dose_step`, drug the course's product);
glofitamab's obinutuzumab pretreatment is kept apart (`pretreated`). Which schedule a course followed is
`bsab_schedule.schedule_for` (product, indication, the steps recorded). Days are calendar days, as the labels
count them ("more than 7 days"); a dose whose day is not recorded gets no gap.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from iectox.management.bsab_schedule import Schedule, schedule_for
from iectox.schema.vocabularies import BSAB_DRUG_CODES, DOSE_STEP, PREMEDICATION

STEP_RANK = {code: rank for rank, code in enumerate(DOSE_STEP.codes)}  # pretreatment 0 ... treatment 4
HOUR = pd.Timedelta(hours=1)
DAY = pd.Timedelta(days=1)
COLUMNS = (
    "administration_id",
    "infusion_id",
    "drug",
    "dose_step",
    "cycle",
    "given_at",
    "dose_mg",
    "schedule",
    "label_dose_mg",
    "percent_of_label_dose",
    "previous_step",
    "previous_first_of_step",
    "gap_days",
    "first_of_step",
    "premedication_required",
    "premedication_given",
    "hospitalisation_h",
    "stay_h",
    "pretreated",
)


def _mg_per_unit(unit: str, weight: pd.Series) -> pd.Series:
    """What one unit of the label's dose is in mg: mg/kg times the weight, mcg/day a thousandth (the daily
    dose of a continuous infusion is recorded in mg/day), mg itself."""
    if unit == "mg/kg":
        return weight.astype("float64")
    return pd.Series(0.001 if unit == "mcg/day" else 1.0, index=weight.index, dtype="float64")


def _schedules(doses: pd.DataFrame, infusions: pd.DataFrame) -> dict[str, Schedule | None]:
    steps = doses.groupby("infusion_id")["dose_step"].agg(lambda s: frozenset(s.dropna()))
    info = infusions.set_index("infusion_id")
    found = {}
    for infusion_id, recorded in steps.items():
        therapy, indication = info.at[infusion_id, "therapy"], info.at[infusion_id, "indication"]
        indication = None if pd.isna(indication) else str(indication)
        found[infusion_id] = schedule_for(str(therapy), indication, recorded)
    return found


def _premedicated(doses: pd.DataFrame, administrations: pd.DataFrame, windows: pd.Series) -> pd.Series:
    """A premedication recorded for the course before the dose: within the label's window when it states one
    (teclistamab "1 to 3 hours before"), else on the same day; NA when the dose's time is not known."""
    premeds = administrations.loc[administrations["reason"] == PREMEDICATION, ["infusion_id", "given_at"]]
    pairs = (
        doses[["infusion_id", "given_at"]].reset_index().merge(premeds, on="infusion_id", suffixes=("", "_p"))
    )
    window = pairs["index"].map(windows)
    before = pairs["given_at_p"] <= pairs["given_at"]
    within = np.where(
        window.notna(),
        pairs["given_at"] - pairs["given_at_p"] <= window.astype("float64") * HOUR,
        pairs["given_at_p"].dt.normalize() == pairs["given_at"].dt.normalize(),
    )
    found = pairs.loc[(before & within).to_numpy(dtype=bool), "index"].unique()
    given = pd.Series(doses.index.isin(found), index=doses.index, dtype="boolean")
    return given.mask(doses["given_at"].isna())


def bsab_doses(administrations: pd.DataFrame, infusions: pd.DataFrame) -> pd.DataFrame:
    """One row per dose of a bispecific antibody, in course and time order, with its schedule's checks."""
    if "dose_step" not in administrations:
        return pd.DataFrame(columns=list(COLUMNS))
    own = administrations["drug"].isin(BSAB_DRUG_CODES) & administrations["dose_step"].notna()
    doses = administrations[own.fillna(False)].sort_values(["infusion_id", "given_at"], kind="stable").copy()
    if doses.empty:
        return pd.DataFrame(columns=list(COLUMNS))
    schedules = _schedules(doses, infusions)
    doses["schedule"] = doses["infusion_id"].map(
        {k: (v.schedule if v else pd.NA) for k, v in schedules.items()}
    )
    weight = doses["infusion_id"].map(infusions.set_index("infusion_id")["weight_kg"]).astype("float64")
    label, unit_mg, required, hospital, window = ([np.nan] * len(doses) for _ in range(5))
    for i, (infusion_id, step) in enumerate(zip(doses["infusion_id"], doses["dose_step"], strict=True)):
        schedule = schedules.get(infusion_id)
        found = schedule.step(step) if schedule else None
        if found is None:
            continue
        label[i] = found.dose
        unit_mg[i] = _mg_per_unit(schedule.dose_unit, weight.iloc[[i]]).iloc[0]
        required[i] = found.premedication
        hospital[i] = found.hospitalisation_h
        window[i] = schedule.premedication_window_h
    doses["label_dose_mg"] = np.asarray(label) * np.asarray(unit_mg)
    doses["percent_of_label_dose"] = 100.0 * doses["dose_mg"].astype("float64") / doses["label_dose_mg"]
    course = doses.groupby("infusion_id", sort=False)
    doses["previous_step"] = course["dose_step"].shift()
    doses["first_of_step"] = doses["previous_step"].ne(doses["dose_step"]) | doses["previous_step"].isna()
    doses["previous_first_of_step"] = course["first_of_step"].shift()
    days = doses["given_at"].dt.normalize()
    doses["gap_days"] = ((days - course["given_at"].shift().dt.normalize()) / DAY).astype("float64")
    doses["premedication_required"] = pd.array([r == 1.0 for r in required], dtype="boolean")
    doses["premedication_given"] = _premedicated(doses, administrations, pd.Series(window, index=doses.index))
    doses["hospitalisation_h"] = np.asarray(hospital, dtype="float64")
    stay = doses["discharged_at"] - doses["given_at"] if "discharged_at" in doses else pd.NaT
    doses["stay_h"] = (pd.Series(stay, index=doses.index) / HOUR).astype("float64")
    pretreated = administrations["drug"].eq("obinutuzumab") & administrations["dose_step"].eq("pretreatment")
    doses["pretreated"] = doses["infusion_id"].isin(
        administrations.loc[pretreated.fillna(False), "infusion_id"]
    )
    return doses[list(COLUMNS)].reset_index(drop=True)


__all__ = ["STEP_RANK", "bsab_doses"]
