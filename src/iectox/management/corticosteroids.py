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
from iectox.schema.vocabularies import CORTICOSTEROIDS, PREMEDICATION
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
DAY_H = 24.0


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


def _capped_per_kg(per_kg: float, weight_kg: float | None, cap_mg: float) -> float | None:
    """A child's weight-based dose, at most the adult dose (None without a weight)."""
    if weight_kg is None or pd.isna(weight_kg):
        return None
    return min(per_kg * float(weight_kg), cap_mg)


def dexamethasone_regimen(
    dose_mg: float, interval_h: float, doses: int, pathway: Pathway, weight_kg: float | None = None
) -> str | None:
    """'dexamethasone 10 mg q6h', '... 20 mg q6h' or '... 0.5 mg/kg q6h' (a child) when the course matches.

    The 10 mg dose may be repeated every 6 to 24 h; the 20 mg dose every 6 h (ASCO 2021). A child's dose is
    the pathway's mg/kg times the weight, at most 10 mg, so it is named per kg only below the cap.
    """
    settings = pathway.corticosteroids
    tolerance = settings.dose_tolerance.value
    slack = settings.interval_tolerance_h.value
    usual = settings.dexamethasone_mg.value
    high = settings.dexamethasone_high_mg.value
    child = _capped_per_kg(settings.dexamethasone_mg_kg_child.value, weight_kg, usual)
    if _near(dose_mg, usual, tolerance * usual):
        low_h, high_h = settings.dexamethasone_interval_h.value
        name = Message(N_("dexamethasone {mg:g} mg"), mg=usual)
    elif _near(dose_mg, high, tolerance * high):
        low_h = high_h = settings.dexamethasone_high_interval_h.value
        name = Message(N_("dexamethasone {mg:g} mg"), mg=high)
    elif child is not None and child < usual and _near(dose_mg, child, tolerance * child):
        low_h, high_h = settings.dexamethasone_interval_h.value
        name = Message(N_("dexamethasone {per_kg:g} mg/kg"), per_kg=settings.dexamethasone_mg_kg_child.value)
    else:
        return None
    if doses == 1:
        return Message(N_("{regimen}, single dose"), regimen=name)
    if pd.isna(interval_h):
        return Message(N_("{regimen}, interval not recorded"), regimen=name)
    if low_h - slack <= interval_h <= high_h + slack:
        return Message(N_("{regimen} q{hours}h"), regimen=name, hours=_named_hours(interval_h, slack))
    return None


def _taper_steps(dose_mg: pd.Series, steps: tuple[float, ...], tolerance: float) -> pd.Series:
    """The step of the taper each dose is (0 for the first, 500 mg), or -1 when it is none of them."""
    step = pd.Series(-1, index=dose_mg.index, dtype="int64")
    for number, mg in reversed(list(enumerate(steps))):
        near = (dose_mg.astype("float64") - mg).abs() <= tolerance * mg * (1 + 1e-9)
        step = step.mask(near.fillna(False).astype(bool), number)
    return step


def taper_courses(doses: pd.DataFrame, pathway: Pathway) -> pd.Series:
    """Per course: the last taper step reached (0 = still on 500 mg) when every dose of a methylprednisolone
    course is a step of the pathway's taper, in order, starting with the first step; else -1.

    ASCO 2021 (grade 4 CRS): methylprednisolone 500 mg q12h for 3 days, then 250 mg, 125 mg and 60 mg q12h
    for 2 days each. Whether each step lasted its days is not judged: a course is named by its doses.
    """
    settings = pathway.corticosteroids
    steps = _taper_steps(
        doses["dose_mg"], settings.methylprednisolone_taper_mg.value, settings.dose_tolerance.value
    )
    steps = steps.where(doses["drug"].eq("methylprednisolone").fillna(False).to_numpy(), -1)
    by = steps.groupby(doses["course"])
    ordered = steps.groupby(doses["course"]).diff().fillna(0).ge(0).groupby(doses["course"]).all()
    taper = (by.min() >= 0) & (by.first() == 0) & ordered
    return by.max().where(taper, -1)


def methylprednisolone_regimen(
    dose_mg: float,
    weight_kg: float | None,
    interval_h: float,
    doses: int,
    pathway: Pathway,
    taper_step: int = -1,
) -> str | None:
    """'methylprednisolone 1 g/day', '... 500 mg q12h, then taper', '... 30 mg/kg/day' (a child) or
    '... 1.0 mg/kg q12h' when the course matches, else None."""
    settings = pathway.corticosteroids
    tolerance = settings.dose_tolerance.value
    slack = settings.interval_tolerance_h.value
    spaced = doses == 1 or pd.isna(interval_h)
    if taper_step >= 0 and (
        spaced or _near(interval_h, settings.methylprednisolone_taper_interval_h.value, slack)
    ):
        steps = settings.methylprednisolone_taper_mg.value
        every = settings.methylprednisolone_taper_interval_h.value
        if taper_step == 0:
            return Message(N_("methylprednisolone {mg:g} mg q{every:g}h"), mg=steps[0], every=every)
        shown = "/".join(f"{mg:g}" for mg in steps[1 : taper_step + 1])
        return Message(
            N_("methylprednisolone {mg:g} mg q{every:g}h, then taper {steps} mg"),
            mg=steps[0],
            every=every,
            steps=shown,
        )
    pulse = settings.methylprednisolone_pulse_mg.value
    daily = spaced or _near(interval_h, DAY_H, slack)
    if _near(dose_mg, pulse, tolerance * pulse) and daily:
        return Message(N_("methylprednisolone {g:g} g/day"), g=pulse / 1000)
    if weight_kg is None or pd.isna(weight_kg):
        return None
    per_kg_pulse = settings.methylprednisolone_pulse_mg_kg_child.value
    child = _capped_per_kg(per_kg_pulse, weight_kg, pulse)
    if child is not None and child < pulse and _near(dose_mg, child, tolerance * child) and daily:
        return Message(N_("methylprednisolone {per_kg:g} mg/kg/day"), per_kg=per_kg_pulse)
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
    doses = corticosteroid_doses(administrations[administrations["reason"] != PREMEDICATION])
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
    taper = pd.Series(taper_courses(doses, pathway).to_numpy(), index=courses.index)
    weights = courses["infusion_id"].map(infusions.set_index("infusion_id")["weight_kg"]).astype("float64")
    regimens = _regimens(courses, weights, taper, pathway)
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


def _weight_matters(drugs: pd.Series, weights: pd.Series, pathway: Pathway) -> pd.Series:
    """Whether a course's regimen depends on the weight: methylprednisolone always (mg/kg), dexamethasone only
    for a child light enough that the per-kg dose is below the adult dose."""
    settings = pathway.corticosteroids
    light = weights * settings.dexamethasone_mg_kg_child.value < settings.dexamethasone_mg.value
    child = drugs.eq("dexamethasone").fillna(False) & light.fillna(False)
    return (drugs.eq("methylprednisolone").fillna(False) | child).astype(bool)


def _regimens(
    courses: pd.DataFrame, weights: pd.Series, taper: pd.Series, pathway: Pathway
) -> list[str | None]:
    """The regimen of each course (see `_regimen`), worked out once per distinct course description.

    A regimen depends on the drug, the dose, the weight (a child's dose is per kg), the median interval,
    the taper step reached and whether the course is a single dose; courses alike in these share one answer.
    """
    key = pd.DataFrame(
        {
            "drug": courses["drug"],
            "dose": courses["dose_mg"],
            "weight": weights.where(_weight_matters(courses["drug"], weights, pathway)),
            "interval": courses["median_interval_h"],
            "doses": courses["doses"].clip(upper=2),
            "taper": taper,
        }
    )
    group = key.groupby(list(key.columns), dropna=False, sort=False).ngroup().to_numpy()
    distinct = key.drop_duplicates()
    answers = [
        _regimen(drug, dose, weight, interval, n, int(taper), pathway)
        for drug, dose, weight, interval, n, taper in zip(*(distinct[c] for c in key.columns), strict=True)
    ]
    return [answers[g] for g in group]


def _regimen(
    drug: str, dose: float, weight: float, interval: float, doses: int, taper: int, pathway: Pathway
) -> str | None:
    if pd.isna(dose):
        return None
    if drug == "dexamethasone":
        return dexamethasone_regimen(dose, interval, doses, pathway, weight)
    if drug == "methylprednisolone":
        return methylprednisolone_regimen(dose, weight, interval, doses, pathway, taper)
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
    source=N_("docs/sources.md, Corticosteroids and other agents (ASCO 2021, NCCN)"),
    message=REGIMEN_TEXT,
    columns=("administrations.drug", "administrations.dose_mg", "administrations.given_at"),
    settings=(
        "corticosteroids.dexamethasone_mg",
        "corticosteroids.dexamethasone_interval_h",
        "corticosteroids.methylprednisolone_mg_kg",
        "corticosteroids.methylprednisolone_interval_h",
        "corticosteroids.methylprednisolone_pulse_mg",
        "corticosteroids.dexamethasone_high_mg",
        "corticosteroids.methylprednisolone_taper_mg",
        "corticosteroids.dexamethasone_mg_kg_child",
        "corticosteroids.methylprednisolone_pulse_mg_kg_child",
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
    "taper_courses",
]
