"""Bedside rules for corticosteroids by syndrome and grade, and "no tocilizumab for ICANS without CRS".

The regimens are the pathway's (`[corticosteroids]`: dexamethasone 10 mg, its shortest interval 6 h;
methylprednisolone 1 mg/kg q12h, 1 g a day) and so are the grades they start from (`crs.corticosteroid_from_grade`,
`crs.methylprednisolone_from_grade`, `icans.corticosteroid_from_grade`,
`icans.repeated_dexamethasone_from_grade`, `icans.methylprednisolone_from_grade`) and the ICANS target
(`icans.corticosteroid_within_h`, the audit's `icans.corticosteroids`). Source: docs/sources.md, "Management
pathway" and "Corticosteroids and other agents" (ASCO 2021, NCCN), as each setting's source says.
"""

from __future__ import annotations

from datetime import datetime

from iectox.i18n import N_
from iectox.management.advice_items import AVOID, CONTINUE, GIVE, GIVEN, HOUR, Advice, Reason, reason, stamp
from iectox.management.bedside import Bedside, GivenDose
from iectox.management.corticosteroid_dosing import METHYLPREDNISOLONE_MG_KG, corticosteroid_dose
from iectox.management.crs_rules import CRS_CORTICOSTEROIDS
from iectox.management.icans_rules import ICANS_CORTICOSTEROIDS, ICANS_WITHOUT_CRS
from iectox.management.pathway import Pathway
from iectox.management.vials import VialSettings
from iectox.rules import Rule
from iectox.schema.vocabularies import CORTICOSTEROIDS

DAY_H = 24.0  # "1 g a day": one dose every 24 hours

REGIMEN_GIVEN_TEXT = N_("Last dose of this regimen at {last}: the next is due {every:g} h later.")
SINGLE_GIVEN_TEXT = N_("Given at {last}.")


def corticosteroid_advice(
    rule: Rule,
    bedside: Bedside,
    pathway: Pathway,
    regimen: Advice,
    clock: datetime | None,
    target: tuple[datetime, float] | None = None,
) -> Advice:
    """`regimen` (drug, dose, interval, reasons) as the action of the moment: give it (by `target` when no
    corticosteroid was given since `clock`), or, when its drug was given since `clock`, its next dose or
    "given" for a single dose."""
    given = bedside.doses_of(CORTICOSTEROIDS, since=clock)
    same = [d for d in given if d.drug == regimen.drug and not _lapsed(d, regimen, bedside.at)]
    if same:
        last = same[-1].latest
        if regimen.every_h:
            why = reason(rule, pathway, REGIMEN_GIVEN_TEXT, (), last=stamp(last), every=regimen.every_h)
            next_at = last + regimen.every_h * HOUR
            return _with(regimen, CONTINUE, why, not_before=next_at)
        return _with(regimen, GIVEN, reason(rule, pathway, SINGLE_GIVEN_TEXT, (), last=stamp(last)))
    if target is not None and not given:
        return _with(regimen, GIVE, None, due_by=target[0], within_h=target[1])
    return _with(regimen, GIVE, None)


LAPSED_INTERVALS = 2  # a repeated course whose next dose is a whole interval overdue has stopped


def _lapsed(dose: GivenDose, regimen: Advice, at: datetime) -> bool:
    """Whether `dose` belongs to a course that has stopped: `LAPSED_INTERVALS` of the regimen's intervals or
    more before `at` (a course given weeks ago for an earlier episode is not "under way" today)."""
    return bool(regimen.every_h) and at - dose.latest >= LAPSED_INTERVALS * regimen.every_h * HOUR


def _with(regimen: Advice, action: str, why: Reason | None, **times: object) -> Advice:
    reasons = regimen.reasons if why is None else (*regimen.reasons, why)
    return Advice(
        rule=regimen.rule,
        action=action,
        syndrome=regimen.syndrome,
        grade=regimen.grade,
        drug=regimen.drug,
        dose_mg=regimen.dose_mg,
        mg_per_kg=regimen.mg_per_kg,
        every_h=regimen.every_h,
        reasons=reasons,
        alternatives=regimen.alternatives,
        **times,  # type: ignore[arg-type]
    )


CRS_DEXAMETHASONE_TEXT = N_(
    "Grade {grade} CRS: the pathway adds dexamethasone {mg:g} mg every {every:g} h from grade {from_grade}."
)
CRS_METHYLPREDNISOLONE_TEXT = N_(
    "Grade {grade} CRS: the pathway gives methylprednisolone {mg:g} mg a day from grade {from_grade}."
)


def crs_corticosteroids(bedside: Bedside, pathway: Pathway, vials: VialSettings) -> tuple[Advice, ...]:
    """CRS from grade 3 (setting): dexamethasone 10 mg at the regimen's shortest interval (q6h); from grade 4
    (setting): methylprednisolone 1 g a day."""
    crs, steroids, grade = pathway.crs, pathway.corticosteroids, bedside.crs.grade
    from_grade = crs.corticosteroid_from_grade.value
    if grade is None or grade < from_grade:
        return ()
    rule = CRS_CORTICOSTEROIDS_ADVICE
    pulse_from = crs.methylprednisolone_from_grade.value
    if grade >= pulse_from:
        mg = steroids.methylprednisolone_pulse_mg.value
        keys = ("crs.methylprednisolone_from_grade", "corticosteroids.methylprednisolone_pulse_mg")
        why = reason(
            rule, pathway, CRS_METHYLPREDNISOLONE_TEXT, keys, grade=grade, mg=mg, from_grade=pulse_from
        )
        drug, every = "methylprednisolone", DAY_H
    else:
        mg, every = steroids.dexamethasone_mg.value, steroids.dexamethasone_interval_h.value[0]
        keys = (
            "crs.corticosteroid_from_grade",
            "corticosteroids.dexamethasone_mg",
            "corticosteroids.dexamethasone_interval_h",
        )
        values = {"grade": grade, "mg": mg, "every": every, "from_grade": from_grade}
        why = reason(rule, pathway, CRS_DEXAMETHASONE_TEXT, keys, **values)
        drug = "dexamethasone"
    regimen = Advice(rule.id, GIVE, "CRS", grade, drug, float(mg), every_h=float(every), reasons=(why,))
    return (corticosteroid_advice(rule, bedside, pathway, regimen, bedside.crs.first_at(from_grade)),)


ICANS_DEXAMETHASONE_TEXT = N_(
    "Grade {grade} ICANS: the pathway gives dexamethasone {mg:g} mg from grade {from_grade}."
)
ICANS_REPEATED_TEXT = N_(
    "Grade {grade} ICANS: the pathway gives dexamethasone {mg:g} mg every {every:g} h from grade {from_grade}, "
    "or methylprednisolone {per_kg:g} mg/kg every {mp_every:g} h."
)
ICANS_METHYLPREDNISOLONE_TEXT = N_(
    "Grade {grade} ICANS: the pathway gives methylprednisolone {mg:g} mg a day from grade {from_grade}."
)
TARGET_TEXT = N_(
    "Pathway target: a first corticosteroid within {within:g} h of the first observation at grade "
    "{from_grade} ({since})."
)
TARGET_FROM_NOW_TEXT = N_(
    "Pathway target: a first corticosteroid within {within:g} h; when grade {from_grade} was first observed "
    "is not recorded, so the target counts from now."
)
NO_WEIGHT_TEXT = N_("Body weight not recorded: the methylprednisolone dose in mg cannot be computed.")


def _methylprednisolone_per_kg(bedside: Bedside, pathway: Pathway, grade: int) -> Advice:
    """The pathway's other regimen at grade 3 ICANS: methylprednisolone 1 mg/kg (the range's low end) q12h."""
    dose = corticosteroid_dose(METHYLPREDNISOLONE_MG_KG, pathway, bedside.weight_kg)
    missing = (
        ()
        if dose.dose_mg is not None
        else (reason(ICANS_CORTICOSTEROIDS_ADVICE, pathway, NO_WEIGHT_TEXT, ()),)
    )
    return Advice(
        ICANS_CORTICOSTEROIDS_ADVICE.id,
        GIVE,
        "ICANS",
        grade,
        dose.drug,
        dose.dose_mg,
        mg_per_kg=dose.mg_per_kg,
        every_h=dose.every_h,
        reasons=missing,
    )


def icans_corticosteroids(bedside: Bedside, pathway: Pathway, vials: VialSettings) -> tuple[Advice, ...]:
    """ICANS from grade 2 (setting): dexamethasone 10 mg within N hours (setting); from grade 3 (setting)
    every 6 h, or methylprednisolone 1 mg/kg q12h; from grade 4 (setting): methylprednisolone 1 g a day."""
    icans, steroids, grade = pathway.icans, pathway.corticosteroids, bedside.icans.grade
    from_grade = icans.corticosteroid_from_grade.value
    if grade is None or grade < from_grade:
        return ()
    rule = ICANS_CORTICOSTEROIDS_ADVICE
    dexamethasone, shortest = steroids.dexamethasone_mg.value, steroids.dexamethasone_interval_h.value[0]
    alternatives: tuple[Advice, ...] = ()
    every: float | None = None
    if grade >= icans.methylprednisolone_from_grade.value:
        drug, mg, every = "methylprednisolone", steroids.methylprednisolone_pulse_mg.value, DAY_H
        keys = ("icans.methylprednisolone_from_grade", "corticosteroids.methylprednisolone_pulse_mg")
        values = {"mg": mg, "from_grade": icans.methylprednisolone_from_grade.value}
        why = reason(rule, pathway, ICANS_METHYLPREDNISOLONE_TEXT, keys, grade=grade, **values)
    elif grade >= icans.repeated_dexamethasone_from_grade.value:
        drug, mg, every = "dexamethasone", dexamethasone, shortest
        keys = (
            "icans.repeated_dexamethasone_from_grade",
            "corticosteroids.dexamethasone_mg",
            "corticosteroids.dexamethasone_interval_h",
            "corticosteroids.methylprednisolone_mg_kg",
            "corticosteroids.methylprednisolone_interval_h",
        )
        values = {
            "mg": mg,
            "every": every,
            "from_grade": icans.repeated_dexamethasone_from_grade.value,
            "per_kg": steroids.methylprednisolone_mg_kg.value[0],
            "mp_every": steroids.methylprednisolone_interval_h.value,
        }
        why = reason(rule, pathway, ICANS_REPEATED_TEXT, keys, grade=grade, **values)
        alternatives = (_methylprednisolone_per_kg(bedside, pathway, grade),)
    else:
        drug, mg = "dexamethasone", dexamethasone
        keys = ("icans.corticosteroid_from_grade", "corticosteroids.dexamethasone_mg")
        why = reason(rule, pathway, ICANS_DEXAMETHASONE_TEXT, keys, grade=grade, mg=mg, from_grade=from_grade)
    since, within = bedside.icans.first_at(from_grade), icans.corticosteroid_within_h.value
    timing = {"within": within, "from_grade": from_grade}
    target_keys = ("icans.corticosteroid_within_h",)
    clock = (
        reason(rule, pathway, TARGET_TEXT, target_keys, since=stamp(since), **timing)
        if since is not None
        else reason(rule, pathway, TARGET_FROM_NOW_TEXT, target_keys, **timing)
    )
    regimen = Advice(
        rule.id,
        GIVE,
        "ICANS",
        grade,
        drug,
        float(mg),
        every_h=None if every is None else float(every),
        reasons=(why, clock),
        alternatives=alternatives,
    )
    target = ((since or bedside.at) + within * HOUR, within)
    return (corticosteroid_advice(rule, bedside, pathway, regimen, since, target),)


WITHOUT_CRS_TEXT = N_(
    "ICANS without CRS: the pathway treats it with corticosteroids; tocilizumab only if CRS is also present."
)


def icans_without_crs(bedside: Bedside, pathway: Pathway, vials: VialSettings) -> tuple[Advice, ...]:
    """ICANS while CRS is graded 0: no tocilizumab (a CRS grade not recorded says nothing either way)."""
    grade = bedside.icans.grade
    if grade is None or grade < 1 or bedside.crs.grade != 0:
        return ()
    why = reason(ICANS_WITHOUT_CRS_ADVICE, pathway, WITHOUT_CRS_TEXT)
    return (Advice(ICANS_WITHOUT_CRS_ADVICE.id, AVOID, "ICANS", grade, "tocilizumab", reasons=(why,)),)


CRS_CORTICOSTEROIDS_ADVICE = Rule(
    id="bedside.crs_corticosteroids",
    severity="info",
    source=CRS_CORTICOSTEROIDS.source,
    message=CRS_DEXAMETHASONE_TEXT,
    columns=("observations.observed_at", "administrations.given_at"),
    settings=(
        "crs.corticosteroid_from_grade",
        "crs.methylprednisolone_from_grade",
        "corticosteroids.dexamethasone_mg",
        "corticosteroids.dexamethasone_interval_h",
        "corticosteroids.methylprednisolone_pulse_mg",
    ),
    evaluate=crs_corticosteroids,
)
ICANS_CORTICOSTEROIDS_ADVICE = Rule(
    id="bedside.icans_corticosteroids",
    severity="info",
    source=ICANS_CORTICOSTEROIDS.source,
    message=ICANS_DEXAMETHASONE_TEXT,
    columns=("observations.observed_at", "infusions.weight_kg", "administrations.given_at"),
    settings=(
        "icans.corticosteroid_from_grade",
        "icans.corticosteroid_within_h",
        "icans.repeated_dexamethasone_from_grade",
        "icans.methylprednisolone_from_grade",
        "corticosteroids.dexamethasone_mg",
        "corticosteroids.dexamethasone_interval_h",
        "corticosteroids.methylprednisolone_mg_kg",
        "corticosteroids.methylprednisolone_interval_h",
        "corticosteroids.methylprednisolone_pulse_mg",
    ),
    evaluate=icans_corticosteroids,
)
ICANS_WITHOUT_CRS_ADVICE = Rule(
    id="bedside.icans_without_crs",
    severity="info",
    source=ICANS_WITHOUT_CRS.source,
    message=WITHOUT_CRS_TEXT,
    columns=("observations.observed_at",),
    evaluate=icans_without_crs,
)

__all__ = [
    "CRS_CORTICOSTEROIDS_ADVICE",
    "ICANS_CORTICOSTEROIDS_ADVICE",
    "ICANS_WITHOUT_CRS_ADVICE",
    "corticosteroid_advice",
    "crs_corticosteroids",
    "icans_corticosteroids",
    "icans_without_crs",
]
