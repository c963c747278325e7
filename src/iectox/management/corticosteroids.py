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

from iectox.i18n import N_
from iectox.management.evidence import INFUSION, Evidence, Verdicts, emit
from iectox.management.findings import INFO
from iectox.management.pathway import Pathway
from iectox.message import Message
from iectox.rules import Rule
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


def _named_hours(interval_h: float, tolerance_h: float) -> str:
    """The hours of the usual interval (6, 8, 12, 24) within tolerance of `interval_h`, else the hours rounded."""
    named = [h for h in NAMED_INTERVALS_H if _near(interval_h, h, tolerance_h)]
    hours = min(named, key=lambda h: abs(h - interval_h)) if named else round(interval_h)
    return str(hours)


def dexamethasone_regimen(dose_mg: float, interval_h: float, doses: int, pathway: Pathway) -> str | None:
    """'dexamethasone 10 mg q6h' (or single dose) when the course matches the pathway's regimen, else None."""
    settings = pathway.corticosteroids
    target = settings.dexamethasone_mg.value
    if not _near(dose_mg, target, settings.dose_tolerance.value * target):
        return None
    if doses == 1:
        return Message(N_("dexamethasone {mg:g} mg, single dose"), mg=target)
    if pd.isna(interval_h):
        return Message(N_("dexamethasone {mg:g} mg, interval not recorded"), mg=target)
    low, high = settings.dexamethasone_interval_h.value
    slack = settings.interval_tolerance_h.value
    if low - slack <= interval_h <= high + slack:
        return Message(
            N_("dexamethasone {mg:g} mg q{hours}h"), mg=target, hours=_named_hours(interval_h, slack)
        )
    return None


def methylprednisolone_regimen(
    dose_mg: float, weight_kg: float | None, interval_h: float, doses: int, pathway: Pathway
) -> str | None:
    """'methylprednisolone 1 g/day' or '... 1.0 mg/kg q12h' when the course matches, else None."""
    settings = pathway.corticosteroids
    tolerance = settings.dose_tolerance.value
    slack = settings.interval_tolerance_h.value
    pulse = settings.methylprednisolone_pulse_mg.value
    spaced = doses == 1 or pd.isna(interval_h)
    if _near(dose_mg, pulse, tolerance * pulse) and (spaced or _near(interval_h, 24, slack)):
        return Message(N_("methylprednisolone {g:g} g/day"), g=pulse / 1000)
    if weight_kg is None or pd.isna(weight_kg):
        return None
    low, high = settings.methylprednisolone_mg_kg.value
    per_kg = dose_mg / weight_kg
    every = settings.methylprednisolone_interval_h.value
    if low * (1 - tolerance) <= per_kg <= high * (1 + tolerance) and (
        spaced or _near(interval_h, every, slack)
    ):
        return Message(N_("methylprednisolone {per_kg:.1f} mg/kg q{every:g}h"), per_kg=per_kg, every=every)
    return None


def corticosteroid_doses(administrations: pd.DataFrame) -> pd.DataFrame:
    """Every corticosteroid dose with its dexamethasone equivalent (all reasons, prophylaxis included)."""
    doses = administrations[administrations["drug"].isin(CORTICOSTEROIDS)].copy()
    drugs = doses["drug"].dropna().unique()
    factor = doses["drug"].map(
        {d: EQUIVALENT_DOSE_MG["dexamethasone"] / EQUIVALENT_DOSE_MG.get(d, math.nan) for d in drugs}
    )
    doses["dexamethasone_equivalent_mg"] = doses["dose_mg"].astype("float64") * factor.astype("float64")
    return doses


def corticosteroid_courses(
    administrations: pd.DataFrame, infusions: pd.DataFrame, pathway: Pathway
) -> pd.DataFrame:
    """One row per course: drug, doses, median interval, the regimen recognised or not. Premedication before
    a bispecific antibody's dose is no course (it counts in the exposure, `corticosteroid_exposure`)."""
    doses = corticosteroid_doses(administrations[administrations["reason"] != "premedication"])
    doses = doses.sort_values(["infusion_id", "drug", "given_at"])
    gap = (doses.groupby(["infusion_id", "drug"])["given_at"].diff() / HOUR).astype("float64")
    new = gap.isna() | (gap > pathway.corticosteroids.course_gap_h.value)
    doses["course"] = new.cumsum()
    both = exact(doses["given_at_time_known"]) & exact(doses.groupby("course")["given_at_time_known"].shift())
    doses["interval_h"] = gap.where(both & ~new)
    by = doses.groupby("course", sort=True)
    first, last = doses.drop_duplicates("course"), doses.drop_duplicates("course", keep="last")
    courses = pd.DataFrame(
        {
            "infusion_id": first["infusion_id"].to_numpy(),
            "drug": first["drug"].to_numpy(),
            "reason": _reasons(doses).reindex(first["course"]).fillna("").astype(object),
            "first_at": first["given_at"].to_numpy(),
            "last_at": last["given_at"].to_numpy(),
            "doses": by.size().to_numpy(),
            "dose_mg": by["dose_mg"].median().astype("float64").to_numpy(),
            "median_interval_h": by["interval_h"].median().astype("float64").to_numpy(),
        }
    ).reset_index(drop=True)
    weights = courses["infusion_id"].map(infusions.set_index("infusion_id")["weight_kg"]).astype("float64")
    regimens = _regimens(courses, weights, pathway)
    courses["regimen"] = [r or "" for r in regimens]
    courses["recognised"] = [r is not None for r in regimens]
    courses["dexamethasone_equivalent_mg"] = by["dexamethasone_equivalent_mg"].sum(min_count=1).to_numpy()
    return courses


def _reasons(doses: pd.DataFrame) -> pd.Series:
    """Per course, its distinct reasons in alphabetical order, joined ("CRS, ICANS").

    A course's text depends only on which of the few reasons it has: each course gets a bit per reason, and
    each distinct set of bits is joined once, instead of joining per course."""
    given = doses.dropna(subset=["reason"]).drop_duplicates(["course", "reason"])
    names = sorted(given["reason"].unique())
    bits = given["reason"].map({name: 1 << i for i, name in enumerate(names)}).astype("int64")
    sets = bits.groupby(given["course"]).sum()
    text = {b: ", ".join(n for i, n in enumerate(names) if b >> i & 1) for b in sets.unique()}
    return sets.map(text)


def _regimens(courses: pd.DataFrame, weights: pd.Series, pathway: Pathway) -> list[str | None]:
    """The regimen of each course (see `_regimen`), worked out once per distinct course description.

    A regimen depends on the drug, the dose, the weight (methylprednisolone only), the median interval and
    whether the course is a single dose; courses alike in these share one answer.
    """
    key = pd.DataFrame(
        {
            "drug": courses["drug"],
            "dose": courses["dose_mg"],
            "weight": weights.where(courses["drug"].eq("methylprednisolone").fillna(False)),
            "interval": courses["median_interval_h"],
            "doses": courses["doses"].clip(upper=2),
        }
    )
    group = key.groupby(list(key.columns), dropna=False, sort=False).ngroup().to_numpy()
    distinct = key.drop_duplicates()
    answers = [
        _regimen(drug, dose, weight, interval, n, pathway)
        for drug, dose, weight, interval, n in zip(*(distinct[c] for c in key.columns), strict=True)
    ]
    return [answers[g] for g in group]


def _regimen(
    drug: str, dose: float, weight: float, interval: float, doses: int, pathway: Pathway
) -> str | None:
    if pd.isna(dose):
        return None
    if drug == "dexamethasone":
        return dexamethasone_regimen(dose, interval, doses, pathway)
    if drug == "methylprednisolone":
        return methylprednisolone_regimen(dose, weight, interval, doses, pathway)
    return None


REGIMEN_TEXT = N_("{drug} {dose} mg x {doses}, every {every} h: not a regimen of the pathway.")
REGIMEN_UNSPACED_TEXT = N_("{drug} {dose} mg x {doses}, interval not recorded: not a regimen of the pathway.")


def corticosteroid_regimen(evidence: Evidence) -> Verdicts:
    """A course that matches no regimen of the pathway is worth a look (information, not a deviation)."""
    courses = evidence.courses
    if courses.empty:
        return Verdicts()
    unknown = ~courses["recognised"].astype(bool)
    interval = courses["median_interval_h"].astype("float64")
    common = {"at": INFUSION, "drug": courses["drug"], "dose": courses["dose_mg"], "doses": courses["doses"]}
    return Verdicts(
        [
            *emit(courses, unknown & interval.notna(), INFO, REGIMEN_TEXT, every=interval.round(), **common),
            *emit(courses, unknown & interval.isna(), INFO, REGIMEN_UNSPACED_TEXT, every=interval, **common),
        ]
    )


CORTICOSTEROID_REGIMEN = Rule(
    id="corticosteroids.regimen",
    severity="info",
    source=N_("clinical_rules.md, Corticosteroids and other agents (ASCO 2021, NCCN)"),
    message=REGIMEN_TEXT,
    columns=("administrations.drug", "administrations.dose_mg", "administrations.given_at"),
    settings=(
        "corticosteroids.dexamethasone_mg",
        "corticosteroids.dexamethasone_interval_h",
        "corticosteroids.methylprednisolone_mg_kg",
        "corticosteroids.methylprednisolone_interval_h",
        "corticosteroids.methylprednisolone_pulse_mg",
    ),
    evaluate=corticosteroid_regimen,
)


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
    "CORTICOSTEROID_REGIMEN",
    "EQUIVALENCE_SOURCE",
    "EQUIVALENT_DOSE_MG",
    "corticosteroid_courses",
    "corticosteroid_doses",
    "corticosteroid_exposure",
    "corticosteroid_regimen",
    "dexamethasone_equivalent_mg",
    "dexamethasone_regimen",
    "methylprednisolone_regimen",
]
