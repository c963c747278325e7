"""Was the pathway followed? Every rule on every episode it applies to, and the grade checks they rest on.

Each rule (`crs_rules`, `icans_rules`) gives one row per eligible episode with its outcome (`outcomes`) and a
finding for every outcome other than `met`. The seed study's own measure, CRS onset to first tocilizumab, is
added as a row set of its own so that the KPIs can follow it too.
"""

from __future__ import annotations

import pandas as pd

from iectox.management.crs_rules import (
    crs_corticosteroids,
    crs_grade1_persistent_tocilizumab,
    crs_onset_to_tocilizumab,
    crs_tocilizumab,
)
from iectox.management.findings import INFO, WARNING, Finding, finding
from iectox.management.icans_rules import icans_corticosteroids, icans_without_crs
from iectox.management.outcomes import COLUMNS, NOT_FOLLOWED, OUTCOMES, located
from iectox.management.pathway import Pathway


def grade_checks(timed: pd.DataFrame, pathway: Pathway) -> list[Finding]:
    """Episodes whose grade the pathway cannot use, and recorded grades the observations contradict."""
    scale = pathway["grading.scale"]
    findings = []
    for _, row in timed.iterrows():
        if pd.isna(row["grade"]):
            text = (
                "Grade recorded on {scale}, not {pathway_scale}, and not graded from observations: "
                "grade-based rules not applied."
            )
            if row["grading_scale"] == scale:
                text = "Grade not recorded and not graded from observations: grade-based rules not applied."
            found = finding(
                INFO, "episode.grade_scale", text, scale=row["grading_scale"], pathway_scale=scale
            )
            findings.append(located(found, row))
        elif (
            row["grading_scale"] == scale
            and not pd.isna(row["observed_grade"])
            and not pd.isna(row["recorded_grade"])
            and row["observed_grade"] != row["recorded_grade"]
        ):
            text = "Recorded grade {recorded} but the observations give {scale} grade {observed}."
            found = finding(
                WARNING,
                "episode.grade_observed",
                text,
                recorded=int(row["recorded_grade"]),
                observed=int(row["observed_grade"]),
                scale=scale,
            )
            findings.append(located(found, row))
    return findings


PATHWAY_RULES = (
    crs_tocilizumab,
    crs_grade1_persistent_tocilizumab,
    crs_corticosteroids,
    icans_corticosteroids,
    icans_without_crs,
)


def adherence(timed: pd.DataFrame, pathway: Pathway) -> tuple[pd.DataFrame, list[Finding]]:
    """Every rule on every eligible episode (plus the onset-to-tocilizumab measure), and the findings."""
    frames, findings = [crs_onset_to_tocilizumab(timed, pathway)], grade_checks(timed, pathway)
    for rule in PATHWAY_RULES:
        rows, found = rule(timed, pathway)
        frames.append(rows)
        findings += found
    frames = [f for f in frames if len(f)]
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=COLUMNS)
    return table, findings


__all__ = ["NOT_FOLLOWED", "OUTCOMES", "PATHWAY_RULES", "adherence", "grade_checks"]
