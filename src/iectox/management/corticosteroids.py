"""Corticosteroids: which regimen each course follows, and the exposure of each infusion in dexamethasone.

Doses of one drug closer than `corticosteroids.course_gap_h` form a course; a course is recognised when its
dose and interval match a pathway regimen (dexamethasone 10 mg q6-24h; methylprednisolone 1-2 mg/kg q12h or
1 g/day). Different drugs are added up in dexamethasone-equivalent milligrams, so that a methylprednisolone
pulse and a week of dexamethasone can be compared.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from types import MappingProxyType

import pandas as pd

from iectox.management.findings import INFO, Finding, finding
from iectox.management.pathway import Pathway
from iectox.schema.vocabularies import CORTICOSTEROIDS
from iectox.times import HOUR, exact

# Equivalent anti-inflammatory (glucocorticoid) doses, BNF "Glucocorticoid therapy" (also Liu et al., Allergy
# Asthma Clin Immunol 2013;9:30, table 1): dexamethasone 750 micrograms = methylprednisolone 4 mg =
# prednisolone 5 mg = hydrocortisone 20 mg. Mineralocorticoid effects are not counted. "corticosteroid" (drug
# not recorded) has no equivalent: its doses are counted apart, never converted.
EQUIVALENT_DOSE_MG: Mapping[str, float] = MappingProxyType(
    {"dexamethasone": 0.75, "methylprednisolone": 4.0, "prednisolone": 5.0, "hydrocortisone": 20.0}
)
EQUIVALENCE_SOURCE = (
    "BNF, Glucocorticoid therapy, equivalent anti-inflammatory doses: dexamethasone 0.75 mg = "
    "methylprednisolone 4 mg = prednisolone 5 mg = hydrocortisone 20 mg"
)
NAMED_INTERVALS_H = (6, 8, 12, 24)


def dexamethasone_equivalent_mg(drug: str, dose_mg: float) -> float:
    """`dose_mg` of `drug` in dexamethasone milligrams (NaN for a drug without a known equivalence)."""
    per = EQUIVALENT_DOSE_MG.get(drug)
    if per is None or dose_mg is None or pd.isna(dose_mg):
        return math.nan
    return float(dose_mg) * EQUIVALENT_DOSE_MG["dexamethasone"] / per


def _near(value: float, target: float, tolerance: float) -> bool:
    return abs(value - target) <= tolerance * (1 + 1e-9)


def _every(interval_h: float, tolerance_h: float) -> str:
    named = [h for h in NAMED_INTERVALS_H if _near(interval_h, h, tolerance_h)]
    hours = min(named, key=lambda h: abs(h - interval_h)) if named else round(interval_h)
    return f"q{hours}h"


def dexamethasone_regimen(dose_mg: float, interval_h: float, doses: int, pathway: Pathway) -> str | None:
    """'dexamethasone 10 mg q6h' (or single dose) when the course matches the pathway's regimen, else None."""
    target = pathway["corticosteroids.dexamethasone_mg"]
    if not _near(dose_mg, target, pathway["corticosteroids.dose_tolerance"] * target):
        return None
    name = f"dexamethasone {target:g} mg"
    if doses == 1:
        return f"{name}, single dose"
    if pd.isna(interval_h):
        return f"{name}, interval not recorded"
    low, high = pathway["corticosteroids.dexamethasone_interval_h"]
    slack = pathway["corticosteroids.interval_tolerance_h"]
    if low - slack <= interval_h <= high + slack:
        return f"{name} {_every(interval_h, slack)}"
    return None


def methylprednisolone_regimen(
    dose_mg: float, weight_kg: float | None, interval_h: float, doses: int, pathway: Pathway
) -> str | None:
    """'methylprednisolone 1 g/day' or '... 1.0 mg/kg q12h' when the course matches, else None."""
    tolerance = pathway["corticosteroids.dose_tolerance"]
    slack = pathway["corticosteroids.interval_tolerance_h"]
    pulse = pathway["corticosteroids.methylprednisolone_pulse_mg"]
    spaced = doses == 1 or pd.isna(interval_h)
    if _near(dose_mg, pulse, tolerance * pulse) and (spaced or _near(interval_h, 24, slack)):
        return f"methylprednisolone {pulse / 1000:g} g/day"
    if weight_kg is None or pd.isna(weight_kg):
        return None
    low, high = pathway["corticosteroids.methylprednisolone_mg_kg"]
    per_kg = dose_mg / weight_kg
    every = pathway["corticosteroids.methylprednisolone_interval_h"]
    if low * (1 - tolerance) <= per_kg <= high * (1 + tolerance) and (
        spaced or _near(interval_h, every, slack)
    ):
        return f"methylprednisolone {per_kg:.1f} mg/kg q{every:g}h"
    return None


def _median(values: pd.Series) -> float:
    known = values.dropna()
    return float(known.median()) if len(known) else math.nan


def corticosteroid_doses(administrations: pd.DataFrame) -> pd.DataFrame:
    """Every corticosteroid dose with its dexamethasone equivalent (all reasons, prophylaxis included)."""
    doses = administrations[administrations["drug"].isin(CORTICOSTEROIDS)].copy()
    factor = doses["drug"].map(
        lambda d: EQUIVALENT_DOSE_MG["dexamethasone"] / EQUIVALENT_DOSE_MG.get(d, math.nan)
    )
    doses["dexamethasone_equivalent_mg"] = doses["dose_mg"].astype("float64") * factor.astype("float64")
    return doses


def corticosteroid_courses(
    administrations: pd.DataFrame, infusions: pd.DataFrame, pathway: Pathway
) -> tuple[pd.DataFrame, list[Finding]]:
    """One row per course (drug, doses, median interval, regimen recognised or not) and the findings."""
    doses = corticosteroid_doses(administrations).sort_values(["infusion_id", "drug", "given_at"])
    gap = (doses.groupby(["infusion_id", "drug"])["given_at"].diff() / HOUR).astype("float64")
    new = gap.isna() | (gap > pathway["corticosteroids.course_gap_h"])
    doses["course"] = new.cumsum()
    both = exact(doses["given_at_time_known"]) & exact(doses.groupby("course")["given_at_time_known"].shift())
    doses["interval_h"] = gap.where(both & ~new)
    weights = infusions.set_index("infusion_id")["weight_kg"]
    rows, findings = [], []
    for _, course in doses.groupby("course", sort=True):
        first = course.iloc[0]
        dose, interval = _median(course["dose_mg"]), _median(course["interval_h"])
        weight = weights.get(first["infusion_id"], math.nan)
        regimen = None
        if first["drug"] == "dexamethasone" and not pd.isna(dose):
            regimen = dexamethasone_regimen(dose, interval, len(course), pathway)
        elif first["drug"] == "methylprednisolone" and not pd.isna(dose):
            regimen = methylprednisolone_regimen(dose, weight, interval, len(course), pathway)
        row = {
            "infusion_id": first["infusion_id"],
            "drug": first["drug"],
            "reason": ", ".join(sorted(set(course["reason"].dropna()))),
            "first_at": first["given_at"],
            "last_at": course["given_at"].iloc[-1],
            "doses": len(course),
            "dose_mg": dose,
            "median_interval_h": interval,
            "regimen": regimen or "",
            "recognised": regimen is not None,
            "dexamethasone_equivalent_mg": course["dexamethasone_equivalent_mg"].sum(min_count=1),
        }
        rows.append(row)
        if regimen is None:
            text = "{drug} {dose} mg x {doses}, every {every} h: not a regimen of the pathway."
            if pd.isna(interval):
                text = "{drug} {dose} mg x {doses}, interval not recorded: not a regimen of the pathway."
            values = {
                "drug": first["drug"],
                "dose": dose,
                "doses": len(course),
                "every": interval if pd.isna(interval) else float(round(interval)),
            }
            found = finding(INFO, "corticosteroids.regimen", text, **values)
            findings.append(found.at(infusion_id=first["infusion_id"]))
    return pd.DataFrame(rows, columns=list(rows[0]) if rows else None), findings


def corticosteroid_exposure(administrations: pd.DataFrame, infusions: pd.DataFrame) -> pd.DataFrame:
    """Cumulative corticosteroid exposure per infusion, in dexamethasone-equivalent mg, overall and by reason.

    Doses of unknown amount or unknown drug are counted in `doses_not_converted`, never guessed.
    """
    doses = corticosteroid_doses(administrations)
    by = doses.groupby("infusion_id")
    out = pd.DataFrame({"infusion_id": infusions["infusion_id"]}).set_index("infusion_id")
    out["corticosteroid_doses"] = by.size().reindex(out.index).fillna(0).astype("Int64")
    out["dexamethasone_equivalent_mg"] = (
        by["dexamethasone_equivalent_mg"].sum().reindex(out.index).fillna(0.0)
    )
    for reason in ("CRS", "ICANS"):
        part = doses[doses["reason"] == reason].groupby("infusion_id")["dexamethasone_equivalent_mg"].sum()
        out[f"dexamethasone_equivalent_mg_{reason.lower()}"] = part.reindex(out.index).fillna(0.0)
    other = (
        doses[~doses["reason"].isin(["CRS", "ICANS"])]
        .groupby("infusion_id")["dexamethasone_equivalent_mg"]
        .sum()
    )
    out["dexamethasone_equivalent_mg_other"] = other.reindex(out.index).fillna(0.0)
    missing = doses["dexamethasone_equivalent_mg"].isna().groupby(doses["infusion_id"]).sum()
    out["doses_not_converted"] = missing.reindex(out.index).fillna(0).astype("Int64")
    return out.reset_index()


__all__ = [
    "EQUIVALENCE_SOURCE",
    "EQUIVALENT_DOSE_MG",
    "corticosteroid_courses",
    "corticosteroid_doses",
    "corticosteroid_exposure",
    "dexamethasone_equivalent_mg",
    "dexamethasone_regimen",
    "methylprednisolone_regimen",
]
