"""The pathway's CRS rules, one function each, named after the rule (see `outcomes` for what they return).

Source of each threshold: the pathway file (clinical_rules.md, "Management pathway": grade >= 2 ->
tocilizumab; grade 1 persisting > 3 days (ASCO 2021), > 24 h for high-risk products -> tocilizumab; grade 3 ->
dexamethasone).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from iectox.management.findings import DEVIATION, INFO, Delay, Finding, finding
from iectox.management.outcomes import located, rows, within_hours_of_grade
from iectox.management.pathway import Pathway
from iectox.management.verdicts import LATE, MET, UNDETERMINED, UNTREATED, against_target
from iectox.times import calendar_days, delay_bounds, hours_between


def crs_tocilizumab(timed: pd.DataFrame, pathway: Pathway) -> tuple[pd.DataFrame, list[Finding]]:
    """CRS from grade 2 (setting): tocilizumab within N hours of reaching that grade (setting)."""
    return within_hours_of_grade(
        timed,
        "CRS",
        "tocilizumab",
        pathway["crs.tocilizumab_from_grade"],
        pathway["crs.tocilizumab_within_h"],
        "crs.tocilizumab",
    )


def crs_grade1_persistent_tocilizumab(
    timed: pd.DataFrame, pathway: Pathway
) -> tuple[pd.DataFrame, list[Finding]]:
    """Grade 1 CRS persisting beyond M hours (ASCO 2021: 3 days; 24 h for high-risk products) -> tocilizumab."""
    rule = "crs.grade1_persistent_tocilizumab"
    eps = timed[(timed["syndrome"] == "CRS") & timed["grade"].eq(1).fillna(False)]
    high_risk = eps["therapy"].isin(pathway["crs.high_risk_products"])
    threshold = pd.Series(
        np.where(high_risk, pathway["crs.grade1_persistent_high_risk_h"], pathway["crs.grade1_persistent_h"]),
        index=eps.index,
        dtype="float64",
    )
    grace = pathway["crs.grade1_tocilizumab_within_h"]
    lasted_low, lasted_high = delay_bounds(
        eps["onset_at"], eps["onset_at_time_known"], eps["resolved_at"], eps["resolved_at_time_known"]
    )
    persistent = lasted_low.gt(threshold).fillna(False).astype(bool)
    brief = lasted_high.le(threshold).fillna(False).astype(bool)
    at, known = eps["tocilizumab_first_at"], eps["tocilizumab_first_at_time_known"]
    low, high = delay_bounds(eps["onset_at"], eps["onset_at_time_known"], at, known)
    outcome = against_target(low, high, threshold + grace)
    absent = pd.Series(
        np.where(eps["tocilizumab_untimed"], UNDETERMINED, UNTREATED), index=eps.index, dtype="string"
    )
    outcome = outcome.where(at.notna(), absent).where(persistent, UNDETERMINED)
    hours = hours_between(eps["onset_at"], eps["onset_at_time_known"], at, known)
    days = calendar_days(eps["onset_at"], at)
    findings = []
    for i, row in eps.iterrows():
        values = {"threshold": threshold.loc[i], "delay": Delay(hours.loc[i], days.loc[i])}
        if brief.loc[i]:
            if at.notna().loc[i] and high.loc[i] <= threshold.loc[i]:
                text = (
                    "Tocilizumab {delay} after onset of a grade 1 CRS that lasted at most {threshold} h: allowed early "
                    "for elderly or comorbid patients; check the indication."
                )
                findings.append(located(finding(INFO, rule, text, **values), row))
            continue
        if not persistent.loc[i]:
            text = "Grade 1 CRS of unknown duration: whether tocilizumab was due after {threshold} h cannot be checked."
            findings.append(located(finding(INFO, rule, text, **values), row))
            continue
        span = hours_between(
            eps["onset_at"], eps["onset_at_time_known"], eps["resolved_at"], eps["resolved_at_time_known"]
        )
        duration = Delay(span.loc[i], calendar_days(eps["onset_at"], eps["resolved_at"]).loc[i])
        if outcome.loc[i] == UNTREATED:
            text = (
                "Grade 1 CRS lasting {duration} (more than {threshold} h) without tocilizumab; the pathway "
                "gives it when CRS persists."
            )
            found = finding(DEVIATION, rule, text, duration=duration, **values)
        elif outcome.loc[i] == LATE:
            text = (
                "Tocilizumab {delay} after onset of a persistent grade 1 CRS; due by {deadline} h "
                "({threshold} h + {grace} h)."
            )
            found = finding(
                DEVIATION, rule, text, deadline=threshold.loc[i] + grace, grace=float(grace), **values
            )
        elif outcome.loc[i] == UNDETERMINED:
            text = (
                "Tocilizumab timing not recorded to the hour ({delay} after onset): the {deadline} h "
                "deadline cannot be checked."
            )
            found = finding(INFO, rule, text, deadline=threshold.loc[i] + grace, **values)
        else:
            continue
        findings.append(located(found, row))
    keep = ~brief
    return rows(rule, eps[keep], outcome[keep], hours[keep], (threshold + grace)[keep]), findings


def crs_corticosteroids(timed: pd.DataFrame, pathway: Pathway) -> tuple[pd.DataFrame, list[Finding]]:
    """CRS from grade 3 (setting): corticosteroids during the episode (dexamethasone 10 mg q6h)."""
    rule, from_grade = "crs.corticosteroids", pathway["crs.corticosteroid_from_grade"]
    eps = timed[(timed["syndrome"] == "CRS") & timed["grade"].ge(from_grade).fillna(False)]
    given = eps["corticosteroid_doses"].gt(0)
    absent = np.where(eps["corticosteroid_untimed"], UNDETERMINED, UNTREATED)
    outcome = pd.Series(np.where(given, MET, absent), index=eps.index, dtype="string")
    findings = []
    for i, row in eps[outcome != MET].iterrows():
        if outcome.loc[i] == UNTREATED:
            text = "Grade {grade} CRS without corticosteroids; the pathway adds dexamethasone from grade {from_grade}."
            found = finding(DEVIATION, rule, text, grade=int(row["grade"]), from_grade=from_grade)
        else:
            found = finding(
                INFO,
                rule,
                "A corticosteroid dose has no recorded time: whether it treated this CRS cannot be checked.",
            )
        findings.append(located(found, row))
    return rows(rule, eps, outcome, eps["hours_onset_to_corticosteroid"], pd.NA), findings


def crs_onset_to_tocilizumab(timed: pd.DataFrame, pathway: Pathway) -> pd.DataFrame:
    """The seed study's measure: each infusion's first CRS episode treated with tocilizumab, delay from onset."""
    target = pathway["kpis.crs_onset_to_tocilizumab_target_h"]
    crs = timed[timed["syndrome"] == "CRS"].sort_values("onset_at").drop_duplicates("infusion_id")
    eps = crs[crs["tocilizumab_first_at"].notna()]
    at, known = eps["tocilizumab_first_at"], eps["tocilizumab_first_at_time_known"]
    low, high = delay_bounds(eps["onset_at"], eps["onset_at_time_known"], at, known)
    return rows(
        "crs.onset_to_tocilizumab",
        eps,
        against_target(low, high, target),
        eps["hours_onset_to_tocilizumab"],
        target,
    )


__all__ = [
    "crs_corticosteroids",
    "crs_grade1_persistent_tocilizumab",
    "crs_onset_to_tocilizumab",
    "crs_tocilizumab",
]
