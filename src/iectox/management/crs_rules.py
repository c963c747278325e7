"""The pathway's CRS rules, one `Rule` each, named after the rule (see `outcomes` for what they return).

Source of each threshold: the pathway file (docs/sources.md, "Management pathway": grade >= 2 ->
tocilizumab; grade 1 persisting > 3 days (ASCO 2021), > 24 h for high-risk products -> tocilizumab; grade 3 ->
dexamethasone).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from iectox.i18n import N_
from iectox.management.evidence import Evidence, Verdicts, emit
from iectox.management.findings import DEVIATION, INFO, delays
from iectox.management.outcomes import UNTREATED_TEXT, eligible, rows, within_hours_of_grade
from iectox.management.verdicts import LATE, MET, UNDETERMINED, UNTREATED, against_target
from iectox.rules import Rule
from iectox.times import calendar_days, delay_bounds, hours_between, surely_longer


def crs_onset_to_tocilizumab(evidence: Evidence) -> Verdicts:
    """The seed study's measure: each infusion's first CRS episode treated with tocilizumab, delay from onset."""
    target = evidence.pathway.kpis.crs_onset_to_tocilizumab_target_h.value
    timed = evidence.episodes
    crs = timed[timed["syndrome"] == "CRS"].sort_values("onset_at").drop_duplicates("infusion_id")
    eps = crs[crs["tocilizumab_first_at"].notna()]
    at, known = eps["tocilizumab_first_at"], eps["tocilizumab_first_at_time_known"]
    low, high = delay_bounds(eps["onset_at"], eps["onset_at_time_known"], at, known)
    return Verdicts(
        [], rows(eps, against_target(low, high, target), eps["hours_onset_to_tocilizumab"], target)
    )


def crs_tocilizumab(evidence: Evidence) -> Verdicts:
    """CRS from grade 2 (setting): tocilizumab within N hours of reaching that grade (setting)."""
    crs = evidence.pathway.crs
    return within_hours_of_grade(
        evidence.episodes,
        "CRS",
        "tocilizumab",
        crs.tocilizumab_from_grade.value,
        crs.tocilizumab_within_h.value,
    )


BRIEF_TEXT = N_(
    "Tocilizumab {delay} after onset of a grade 1 CRS that lasted at most {threshold} h: allowed early "
    "for elderly or comorbid patients; check the indication."
)
UNKNOWN_DURATION_TEXT = N_(
    "Grade 1 CRS of unknown duration: whether tocilizumab was due after {threshold} h cannot be checked."
)
DAYS_ONLY_DURATION_TEXT = N_(
    "Grade 1 CRS lasting {duration} ({low} to {high} h, hours not recorded): whether it persisted beyond "
    "{threshold} h, so whether tocilizumab was due, cannot be checked."
)
PERSISTENT_UNTREATED_TEXT = N_(
    "Grade 1 CRS lasting {duration} (more than {threshold} h) without tocilizumab; the pathway "
    "gives it when CRS persists."
)
PERSISTENT_LATE_TEXT = N_(
    "Tocilizumab {delay} after onset of a persistent grade 1 CRS; due by {deadline} h ({threshold} h + {grace} h)."
)
PERSISTENT_UNTIMED_TEXT = N_(
    "Tocilizumab timing not recorded to the hour ({delay} after onset): the {deadline} h "
    "deadline cannot be checked."
)


def crs_grade1_persistent_tocilizumab(evidence: Evidence) -> Verdicts:
    """Grade 1 CRS persisting beyond M hours (ASCO 2021: 3 days; 24 h for high-risk products) -> tocilizumab."""
    crs, timed = evidence.pathway.crs, evidence.episodes
    eps = timed[(timed["syndrome"] == "CRS") & timed["grade"].eq(1).fillna(False)]
    high_risk = eps["therapy"].isin(crs.high_risk_products.value)
    threshold = pd.Series(
        np.where(high_risk, crs.grade1_persistent_high_risk_h.value, crs.grade1_persistent_h.value),
        index=eps.index,
        dtype="float64",
    )
    grace = crs.grade1_tocilizumab_within_h.value
    missed = crs.grade1_persistent_severity.value  # ASCO 2021 says "consider": a warning by default
    onset, onset_known = eps["onset_at"], eps["onset_at_time_known"]
    end, end_known = eps["resolved_at"], eps["resolved_at_time_known"]
    lasted_low, lasted_high = delay_bounds(onset, onset_known, end, end_known)
    persistent = surely_longer(onset, onset_known, end, end_known, threshold)
    brief = lasted_high.le(threshold).fillna(False).astype(bool)
    at, known = eps["tocilizumab_first_at"], eps["tocilizumab_first_at_time_known"]
    low, high = delay_bounds(onset, onset_known, at, known)
    outcome = against_target(low, high, threshold + grace)
    absent = pd.Series(
        np.where(eps["tocilizumab_untimed"], UNDETERMINED, UNTREATED), index=eps.index, dtype="string"
    )
    outcome = outcome.where(at.notna(), absent).where(persistent, UNDETERMINED)
    hours = hours_between(onset, onset_known, at, known)
    delay = delays(hours, calendar_days(onset, at))
    lasted_days = calendar_days(onset, end)  # known whenever both days are: the duration in days
    duration = delays(hours_between(onset, onset_known, end, end_known), lasted_days)
    deadline = threshold + grace
    early = brief & at.notna() & high.le(threshold).fillna(False)
    open_ = ~brief & ~persistent  # both ends exact always decide: open only with a day-only end or none
    values = {"threshold": threshold, "delay": delay}
    findings = [
        *emit(eps, early, INFO, BRIEF_TEXT, **values),
        *emit(
            eps,
            open_ & lasted_days.notna(),
            INFO,
            DAYS_ONLY_DURATION_TEXT,
            duration=duration,
            low=lasted_low.clip(lower=0),
            high=lasted_high,
            **values,
        ),
        *emit(eps, open_ & lasted_days.isna(), INFO, UNKNOWN_DURATION_TEXT, **values),
        *emit(
            eps,
            persistent & (outcome == UNTREATED),
            missed,
            PERSISTENT_UNTREATED_TEXT,
            duration=duration,
            **values,
        ),
        *emit(
            eps,
            persistent & (outcome == LATE),
            missed,
            PERSISTENT_LATE_TEXT,
            deadline=deadline,
            grace=float(grace),
            **values,
        ),
        *emit(
            eps,
            persistent & (outcome == UNDETERMINED),
            INFO,
            PERSISTENT_UNTIMED_TEXT,
            deadline=deadline,
            **values,
        ),
    ]
    keep = ~brief
    return Verdicts(findings, rows(eps[keep], outcome[keep], hours[keep], deadline[keep]))


CORTICOSTEROIDS_UNTREATED_TEXT = N_(
    "Grade {grade} CRS without corticosteroids; the pathway adds dexamethasone from grade {from_grade}."
)
CORTICOSTEROIDS_UNTIMED_TEXT = N_(
    "A corticosteroid dose has no recorded time: whether it treated this CRS cannot be checked."
)


def crs_corticosteroids(evidence: Evidence) -> Verdicts:
    """CRS from grade 3 (setting): corticosteroids during the episode (dexamethasone 10 mg q6h)."""
    from_grade, timed = evidence.pathway.crs.corticosteroid_from_grade.value, evidence.episodes
    eps = eligible(timed, "CRS", from_grade)
    given = eps["corticosteroid_doses"].gt(0)
    absent = np.where(eps["corticosteroid_untimed"], UNDETERMINED, UNTREATED)
    outcome = pd.Series(np.where(given, MET, absent), index=eps.index, dtype="string")
    findings = [
        *emit(
            eps,
            outcome == UNTREATED,
            DEVIATION,
            CORTICOSTEROIDS_UNTREATED_TEXT,
            grade=eps["grade"],
            from_grade=from_grade,
        ),
        *emit(eps, outcome == UNDETERMINED, INFO, CORTICOSTEROIDS_UNTIMED_TEXT),
    ]
    return Verdicts(findings, rows(eps, outcome, eps["hours_onset_to_corticosteroid"], pd.NA))


CRS_ONSET_TO_TOCILIZUMAB = Rule(
    id="crs.onset_to_tocilizumab",
    severity="info",
    source=N_("seed study: time from CRS onset to first tocilizumab, trials versus standard of care"),
    message=N_("CRS onset to first tocilizumab (target {a} h)"),
    title=N_("CRS onset to first tocilizumab (target {a} h)"),
    columns=("episodes.onset_at", "episodes.tocilizumab_first_at"),
    settings=("kpis.crs_onset_to_tocilizumab_target_h",),
    evaluate=crs_onset_to_tocilizumab,
)
CRS_TOCILIZUMAB = Rule(
    id="crs.tocilizumab",
    severity="deviation",
    source=N_("docs/sources.md, Management pathway: CRS grade >= 2 -> tocilizumab"),
    message=UNTREATED_TEXT,
    title=N_("CRS grade >= {a}: tocilizumab within {b} h"),
    columns=("episodes.grade", "episodes.first_grade2_at", "episodes.tocilizumab_first_at"),
    settings=("crs.tocilizumab_from_grade", "crs.tocilizumab_within_h"),
    evaluate=crs_tocilizumab,
)
CRS_GRADE1_PERSISTENT_TOCILIZUMAB = Rule(
    id="crs.grade1_persistent_tocilizumab",
    severity="warning",
    source=N_(
        "docs/sources.md, Management pathway: grade 1 CRS persisting > 3 days (ASCO 2021), "
        "> 24 h for high-risk products -> tocilizumab"
    ),
    message=PERSISTENT_UNTREATED_TEXT,
    title=N_("Grade 1 CRS persisting > {a} h (high-risk products {b} h): tocilizumab"),
    columns=("episodes.grade", "episodes.onset_at", "episodes.resolved_at", "episodes.tocilizumab_first_at"),
    settings=(
        "crs.grade1_persistent_h",
        "crs.grade1_persistent_high_risk_h",
        "crs.high_risk_products",
        "crs.grade1_tocilizumab_within_h",
        "crs.grade1_persistent_severity",
    ),
    evaluate=crs_grade1_persistent_tocilizumab,
)
CRS_CORTICOSTEROIDS = Rule(
    id="crs.corticosteroids",
    severity="deviation",
    source=N_("docs/sources.md, Management pathway: grade 3 CRS -> dexamethasone 10 mg q6h"),
    message=CORTICOSTEROIDS_UNTREATED_TEXT,
    title=N_("CRS grade >= {a}: corticosteroids"),
    columns=("episodes.grade", "episodes.corticosteroid_doses"),
    settings=("crs.corticosteroid_from_grade",),
    evaluate=crs_corticosteroids,
)
CRS_RULES = (
    CRS_ONSET_TO_TOCILIZUMAB,
    CRS_TOCILIZUMAB,
    CRS_GRADE1_PERSISTENT_TOCILIZUMAB,
    CRS_CORTICOSTEROIDS,
)

__all__ = [
    "CRS_CORTICOSTEROIDS",
    "CRS_GRADE1_PERSISTENT_TOCILIZUMAB",
    "CRS_ONSET_TO_TOCILIZUMAB",
    "CRS_RULES",
    "CRS_TOCILIZUMAB",
    "crs_corticosteroids",
    "crs_grade1_persistent_tocilizumab",
    "crs_onset_to_tocilizumab",
    "crs_tocilizumab",
]
