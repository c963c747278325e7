"""Bedside rules for tocilizumab in CRS: when the pathway gives it, the label dose and vials, and the label's
limits on further doses.

Each rule is the audit's turned forward and cites its source: `crs.tocilizumab` (grade >= 2: within N hours
of the first observation at that grade), `crs.grade1_persistent_tocilizumab` (grade 1 persisting beyond 72 h,
24 h for high-risk products), and the dose limits `tocilizumab.interval`, `tocilizumab.doses_in_window`,
`tocilizumab.doses_per_episode`: a dose at the time advised breaks none of them. Every number is read from
the pathway in force, the label dose from `dosing` and the vials from `vials.choose_vials`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from iectox.i18n import N_
from iectox.management.advice_items import (
    GIVE,
    HOUR,
    NO_MORE,
    REPEAT,
    WAIT,
    WATCH,
    Advice,
    Reason,
    reason,
    stamp,
)
from iectox.management.bedside import Bedside
from iectox.management.crs_rules import CRS_GRADE1_PERSISTENT_TOCILIZUMAB, CRS_TOCILIZUMAB
from iectox.management.dosing import TOCILIZUMAB_CRS_MAX_DOSE_MG, tocilizumab_dose_mg, tocilizumab_mg_per_kg
from iectox.management.pathway import Pathway
from iectox.management.tocilizumab import (
    LABEL_DOSE_SOURCE,
    TOCILIZUMAB_DOSE,
    TOCILIZUMAB_DOSES_IN_WINDOW,
    TOCILIZUMAB_DOSES_PER_EPISODE,
    TOCILIZUMAB_INTERVAL,
)
from iectox.management.vials import VialSettings, choose_vials
from iectox.message import Message
from iectox.rules import Rule
from iectox.schema import THERAPY

TOCILIZUMAB = "tocilizumab"

DOSE_TEXT = N_("Label dose at {weight:g} kg: {per_kg:g} mg/kg = {dose:g} mg (at most {cap:g} mg a dose).")
NO_WEIGHT_TEXT = N_("Body weight not recorded: the tocilizumab dose cannot be computed.")
INTERVAL_TEXT = N_("Last tocilizumab at {last}; the label requires at least {minimum:g} h between doses.")
WINDOW_TEXT = N_("{count} doses of tocilizumab within {window:g} h; the pathway allows at most {maximum}.")
EPISODE_TEXT = N_("{count} doses of tocilizumab in this CRS episode; the label allows {maximum} in total.")
REPEAT_TEXT = N_(
    "Tocilizumab already given in this CRS episode: a further dose only if CRS does not improve."
)
DAY_ONLY_TEXT = N_("A dose's hour was not recorded: it is counted at the end of its day ({latest}).")


def tocilizumab_dose(bedside: Bedside, vials: VialSettings) -> tuple[dict[str, Any], Reason]:
    """The label dose at the patient's weight (`dosing`) and its least-waste vials (`vials`), with why."""
    if bedside.weight_kg is None:
        return {}, Reason(Message(NO_WEIGHT_TEXT), TOCILIZUMAB_DOSE.id, (LABEL_DOSE_SOURCE,))
    weight = bedside.weight_kg
    dose, per_kg = round(tocilizumab_dose_mg(weight), 1), tocilizumab_mg_per_kg(weight)
    text = Message(DOSE_TEXT, weight=weight, per_kg=per_kg, dose=dose, cap=TOCILIZUMAB_CRS_MAX_DOSE_MG)
    found = {"dose_mg": dose, "mg_per_kg": per_kg, "vials": choose_vials(dose, vials.vials_mg)}
    return found, Reason(text, TOCILIZUMAB_DOSE.id, (LABEL_DOSE_SOURCE,))


def tocilizumab_limits(bedside: Bedside, pathway: Pathway) -> tuple[bool, datetime, list[Reason]]:
    """(no further dose at all, the earliest time of a further dose, why), by the label's limits.

    The prospective form of `tocilizumab.doses_per_episode`, `tocilizumab.interval` and
    `tocilizumab.doses_in_window`: a dose at the earliest time breaks none of them. The doses of the episode
    are those that can have been given from the CRS onset on (every dose when the onset is not recorded);
    the interval and the window count every tocilizumab dose, as the audit does.
    """
    settings = pathway.tocilizumab
    doses = bedside.doses_of((TOCILIZUMAB,))
    reasons = [
        reason(TOCILIZUMAB_INTERVAL, pathway, DAY_ONLY_TEXT, settings=(), latest=stamp(d.latest))
        for d in doses
        if not d.time_known
    ]
    episode = bedside.doses_of((TOCILIZUMAB,), since=bedside.crs.onset_at)
    maximum = settings.max_doses_per_episode.value
    if len(episode) >= maximum:
        reasons.append(
            reason(TOCILIZUMAB_DOSES_PER_EPISODE, pathway, EPISODE_TEXT, count=len(episode), maximum=maximum)
        )
        return True, bedside.at, reasons
    earliest = bedside.at
    if doses:
        minimum = settings.min_interval_h.value
        last = doses[-1].latest
        if last + minimum * HOUR > bedside.at:
            earliest = last + minimum * HOUR
            reasons.append(
                reason(TOCILIZUMAB_INTERVAL, pathway, INTERVAL_TEXT, last=stamp(last), minimum=minimum)
            )
    window, allowed = settings.window_h.value * HOUR, settings.max_doses_in_window.value
    recent = [d.latest for d in doses if bedside.at - d.latest < window]
    if len(recent) >= allowed:  # one more now would be one too many within the window
        earliest = max(earliest, recent[len(recent) - allowed] + window)
        window_h = settings.window_h.value
        reasons.append(
            reason(
                TOCILIZUMAB_DOSES_IN_WINDOW,
                pathway,
                WINDOW_TEXT,
                count=len(recent),
                window=window_h,
                maximum=allowed,
            )
        )
    if episode:
        reasons.append(reason(TOCILIZUMAB_DOSES_PER_EPISODE, pathway, REPEAT_TEXT))
    return False, earliest, reasons


def tocilizumab_advice(
    rule: Rule,
    bedside: Bedside,
    pathway: Pathway,
    vials: VialSettings,
    due: tuple[datetime, float],
    why: list[Reason],
) -> Advice:
    """Tocilizumab called for by `rule`: the first dose by `due` (time, hours), or what the limits allow."""
    stop, earliest, limits = tocilizumab_limits(bedside, pathway)
    grade = bedside.crs.grade or 0
    common = {"rule": rule.id, "syndrome": "CRS", "grade": grade, "drug": TOCILIZUMAB}
    if stop:
        return Advice(action=NO_MORE, reasons=(*why, *limits), **common)
    dose, dose_reason = tocilizumab_dose(bedside, vials)
    reasons = (*why, dose_reason, *limits)
    first = not bedside.doses_of((TOCILIZUMAB,), since=bedside.crs.onset_at)
    if earliest > bedside.at:
        target = {"due_by": due[0], "within_h": due[1]} if first else {}
        return Advice(action=WAIT, not_before=earliest, reasons=reasons, **target, **dose, **common)
    if first:
        return Advice(action=GIVE, due_by=due[0], within_h=due[1], reasons=reasons, **dose, **common)
    return Advice(action=REPEAT, not_before=earliest, reasons=reasons, **dose, **common)


GRADE_TEXT = N_("Grade {grade} CRS: the pathway gives tocilizumab from grade {from_grade}.")
TARGET_TEXT = N_(
    "Pathway target: within {within:g} h of the first observation at grade {from_grade} ({since})."
)
TARGET_FROM_NOW_TEXT = N_(
    "Pathway target: within {within:g} h; when grade {from_grade} was first observed is not recorded, so the "
    "target counts from now."
)


def crs_tocilizumab(bedside: Bedside, pathway: Pathway, vials: VialSettings) -> tuple[Advice, ...]:
    """CRS from grade 2 (setting): tocilizumab within N hours (setting) of the first observation at that grade."""
    crs, grade = pathway.crs, bedside.crs.grade
    from_grade, within = crs.tocilizumab_from_grade.value, crs.tocilizumab_within_h.value
    if grade is None or grade < from_grade:
        return ()
    since = bedside.crs.first_at(from_grade)
    keys = ("crs.tocilizumab_within_h",)
    values = {"within": within, "from_grade": from_grade}
    why = [
        reason(
            CRS_TOCILIZUMAB_ADVICE,
            pathway,
            GRADE_TEXT,
            ("crs.tocilizumab_from_grade",),
            grade=grade,
            from_grade=from_grade,
        ),
        reason(CRS_TOCILIZUMAB_ADVICE, pathway, TARGET_TEXT, keys, since=stamp(since), **values)
        if since is not None
        else reason(CRS_TOCILIZUMAB_ADVICE, pathway, TARGET_FROM_NOW_TEXT, keys, **values),
    ]
    clock = since or bedside.at
    return (
        tocilizumab_advice(
            CRS_TOCILIZUMAB_ADVICE, bedside, pathway, vials, (clock + within * HOUR, within), why
        ),
    )


PERSISTING_TEXT = N_(
    "Grade 1 CRS since {onset}: the pathway gives tocilizumab when it persists beyond {threshold:g} h, "
    "from {persistent}."
)
PERSISTENT_TEXT = N_(
    "Grade 1 CRS since {onset}, more than {threshold:g} h: the pathway gives tocilizumab within {within:g} h "
    "of that threshold."
)
NO_ONSET_TEXT = N_(
    "Grade 1 CRS of unrecorded onset: whether it persists beyond {threshold:g} h cannot be told."
)
HIGH_RISK_TEXT = N_(
    "{therapy_text} is a high-risk product for the pathway: {threshold:g} h instead of {usual:g} h."
)


def crs_grade1_persistent(bedside: Bedside, pathway: Pathway, vials: VialSettings) -> tuple[Advice, ...]:
    """Grade 1 CRS persisting beyond M hours (ASCO 2021: 3 days; 24 h for high-risk products): tocilizumab
    within the pathway's grace after that threshold; before it, watch."""
    crs, grade = pathway.crs, bedside.crs.grade
    if grade != 1 or crs.tocilizumab_from_grade.value <= 1:
        return ()
    rule = CRS_GRADE1_PERSISTENT_ADVICE
    usual = crs.grade1_persistent_h.value
    high_risk = bedside.therapy in crs.high_risk_products.value
    threshold = crs.grade1_persistent_high_risk_h.value if high_risk else usual
    why = []
    if high_risk and bedside.therapy is not None:
        label = THERAPY.term(bedside.therapy).label
        keys = ("crs.high_risk_products", "crs.grade1_persistent_high_risk_h")
        why.append(
            reason(rule, pathway, HIGH_RISK_TEXT, keys, therapy_text=label, threshold=threshold, usual=usual)
        )
    onset = bedside.crs.onset_at
    common = {"rule": rule.id, "syndrome": "CRS", "grade": grade, "drug": TOCILIZUMAB}
    if onset is None:
        why.append(reason(rule, pathway, NO_ONSET_TEXT, ("crs.grade1_persistent_h",), threshold=threshold))
        return (Advice(action=WATCH, reasons=tuple(why), **common),)
    persistent = onset + threshold * HOUR
    if bedside.at <= persistent:  # "persisting > 3 days": strictly beyond the threshold
        values = {"onset": stamp(onset), "threshold": threshold, "persistent": stamp(persistent)}
        why.append(reason(rule, pathway, PERSISTING_TEXT, ("crs.grade1_persistent_h",), **values))
        return (Advice(action=WATCH, not_before=persistent, reasons=tuple(why), **common),)
    within = crs.grade1_tocilizumab_within_h.value
    values = {"onset": stamp(onset), "threshold": threshold, "within": within}
    keys = ("crs.grade1_persistent_h", "crs.grade1_tocilizumab_within_h")
    why.append(reason(rule, pathway, PERSISTENT_TEXT, keys, **values))
    return (tocilizumab_advice(rule, bedside, pathway, vials, (persistent + within * HOUR, within), why),)


LIMITS = (
    "tocilizumab.min_interval_h",
    "tocilizumab.max_doses_in_window",
    "tocilizumab.window_h",
    "tocilizumab.max_doses_per_episode",
)
CRS_TOCILIZUMAB_ADVICE = Rule(
    id="bedside.crs_tocilizumab",
    severity="info",
    source=CRS_TOCILIZUMAB.source,
    message=GRADE_TEXT,
    columns=("observations.observed_at", "infusions.weight_kg", "administrations.given_at"),
    settings=("crs.tocilizumab_from_grade", "crs.tocilizumab_within_h", *LIMITS),
    evaluate=crs_tocilizumab,
)
CRS_GRADE1_PERSISTENT_ADVICE = Rule(
    id="bedside.crs_grade1_persistent",
    severity="info",
    source=CRS_GRADE1_PERSISTENT_TOCILIZUMAB.source,
    message=PERSISTENT_TEXT,
    columns=("observations.observed_at", "infusions.therapy", "administrations.given_at"),
    settings=(
        "crs.grade1_persistent_h",
        "crs.grade1_persistent_high_risk_h",
        "crs.high_risk_products",
        "crs.grade1_tocilizumab_within_h",
        *LIMITS,
    ),
    evaluate=crs_grade1_persistent,
)

__all__ = [
    "CRS_GRADE1_PERSISTENT_ADVICE",
    "CRS_TOCILIZUMAB_ADVICE",
    "crs_grade1_persistent",
    "crs_tocilizumab",
    "tocilizumab_advice",
    "tocilizumab_dose",
    "tocilizumab_limits",
]
