"""`audit(dataset, pathway)`: every tocilizumab and corticosteroid dose and every CRS/ICANS episode judged
against a management pathway, with the KPIs that show whether practice is getting better.

    result = audit(read_dataset("registry.xlsx"), load_pathway("our_pathway.toml"))
    result.findings_table("fr")          # one row per finding, most serious first
    result.kpis_by_cohort                # share within target, median delay [IQR], n per cell

The seed study found CRS similar inside and outside trials but treated later outside them, and proposed
standardised pathways as the remedy; this is the tool that measures whether a pathway is followed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace

import pandas as pd

from iectox.dataset import Dataset
from iectox.management.adherence import adherence
from iectox.management.corticosteroids import corticosteroid_courses, corticosteroid_exposure
from iectox.management.delays import episode_timings, infusion_timings
from iectox.management.episodes import audit_episodes
from iectox.management.findings import SEVERITIES, Finding, cite, findings_frame
from iectox.management.kpis import kpis_by_cohort, kpis_by_quarter
from iectox.management.pathway import Pathway, default_pathway
from iectox.management.tocilizumab import tocilizumab_doses


@dataclass(frozen=True)
class Audit:
    """What the audit found on one dataset under one pathway; plain tables, ready for any output."""

    pathway: Pathway
    findings: tuple[Finding, ...]
    episodes: pd.DataFrame  # one row per CRS/ICANS episode, first doses and delays (timing.episode_timings)
    timings: pd.DataFrame  # one row per infusion (timing.infusion_timings)
    adherence: pd.DataFrame  # one row per rule and eligible episode, with its outcome
    kpis_by_cohort: pd.DataFrame
    kpis_by_quarter: pd.DataFrame
    tocilizumab: pd.DataFrame  # one row per tocilizumab dose, with its checks
    corticosteroid_courses: pd.DataFrame
    corticosteroid_exposure: pd.DataFrame  # one row per infusion, dexamethasone-equivalent mg
    graded: bool  # True when observations were graded, so that first grade >= 2 times exist

    def findings_table(self, lang: str = "en") -> pd.DataFrame:
        """The findings, most serious first, with each sentence in `lang` and the infusion's cohort."""
        cohorts = dict(zip(self.timings["infusion_id"], self.timings["cohort"], strict=True))
        return findings_frame(list(self.findings), lang, cohorts)

    def counts(self) -> dict[str, int]:
        """Number of findings per severity (deviation, warning, info)."""
        seen = Counter(f.severity for f in self.findings)
        return {s: seen.get(s, 0) for s in SEVERITIES}

    def counts_by_rule(self) -> pd.DataFrame:
        """Findings per rule and severity, for a summary table."""
        frame = pd.DataFrame([(f.rule, f.severity) for f in self.findings], columns=["rule", "severity"])
        table = frame.value_counts().unstack(fill_value=0) if len(frame) else pd.DataFrame()
        return table.reindex(columns=list(SEVERITIES), fill_value=0).rename_axis(columns=None).reset_index()


def audit(dataset: Dataset, pathway: Pathway | None = None, graded: pd.DataFrame | None = None) -> Audit:
    """Judge `dataset` against `pathway` (the default pathway when None).

    `graded` is optional `iectox.grading.episodes_from_grades` output; by default it is computed from the
    dataset's observations (none: first grade >= 2 times stay blank).
    """
    pathway = pathway or default_pathway()
    episodes = audit_episodes(dataset, pathway, graded)
    timed = episode_timings(episodes, dataset["administrations"])
    per_infusion = infusion_timings(dataset, timed, pathway["kpis.cohort_by"])
    rows, findings = adherence(timed, pathway)
    doses, dose_findings = tocilizumab_doses(
        dataset["administrations"], dataset["infusions"], episodes, pathway
    )
    courses, course_findings = corticosteroid_courses(
        dataset["administrations"], dataset["infusions"], pathway
    )
    every = [replace(f, source=cite(f.rule, pathway)) for f in (*dose_findings, *findings, *course_findings)]
    return Audit(
        pathway=pathway,
        findings=tuple(every),
        episodes=timed,
        timings=per_infusion,
        adherence=rows,
        kpis_by_cohort=kpis_by_cohort(rows),
        kpis_by_quarter=kpis_by_quarter(rows),
        tocilizumab=doses,
        corticosteroid_courses=courses,
        corticosteroid_exposure=corticosteroid_exposure(dataset["administrations"], dataset["infusions"]),
        graded=graded is not None or not dataset["observations"].empty,
    )


__all__ = ["Audit", "audit"]
