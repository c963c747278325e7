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
from dataclasses import dataclass, field

import pandas as pd

from iectox.dataset import Dataset
from iectox.grading import episodes_from_grades, grade_dataset
from iectox.management.adherence import adherence
from iectox.management.anticytokines import anticytokine_doses
from iectox.management.bsab_doses import bsab_doses
from iectox.management.corticosteroids import corticosteroid_courses, corticosteroid_exposure
from iectox.management.delays import episode_timings, infusion_timings
from iectox.management.episodes import audit_episodes
from iectox.management.evidence import Evidence
from iectox.management.findings import SEVERITIES, Finding, findings_frame
from iectox.management.kpis import kpis_by_cohort, kpis_by_quarter
from iectox.management.pathway import Pathway, default_pathway
from iectox.management.registry import MANAGEMENT, cite, kpi_rules, rule_label
from iectox.management.tocilizumab import tocilizumab_doses
from iectox.rules import Registry, Rule


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
    bsab_doses: pd.DataFrame  # one row per dose of a bispecific antibody, with its schedule's checks
    graded: bool  # True when observations were graded, so that first grade >= 2 times exist
    rules: Registry = field(default_factory=lambda: MANAGEMENT)  # the rules judged, in their order

    def label(self, rule_id: str, lang: str = "en") -> str:
        """The KPI label of a rule, with this pathway's thresholds in it."""
        return rule_label(self.rules[rule_id], self.pathway, lang)

    def source(self, rule_id: str, lang: str = "en") -> str:
        """Where a rule comes from: its source and those of the settings it reads, in `lang`."""
        return cite(self.rules[rule_id], self.pathway, lang)

    def kpi_rules(self) -> list[Rule]:
        """The rules a KPI follows, in the order the pages show them."""
        return kpi_rules(self.rules.values())

    def findings_table(self, lang: str = "en") -> pd.DataFrame:
        """The findings, most serious first, with each sentence in `lang` and the infusion's cohort."""
        ids, cohort = (self.timings[c].to_numpy(dtype=object) for c in ("infusion_id", "cohort"))
        cohorts = dict(zip(ids, cohort, strict=True))
        table = findings_frame(list(self.findings), lang, cohorts)
        sources = {rule: self.source(rule, lang) for rule in table["rule"].dropna().unique()}
        return table.assign(source=table["rule"].map(sources).astype("string"))

    def counts(self) -> dict[str, int]:
        """Number of findings per severity (deviation, warning, info)."""
        seen = Counter(f.severity for f in self.findings)
        return {s: seen.get(s, 0) for s in SEVERITIES}

    def counts_by_rule(self) -> pd.DataFrame:
        """Findings per rule and severity, for a summary table, rules in registry order."""
        frame = pd.DataFrame([(f.rule, f.severity) for f in self.findings], columns=["rule", "severity"])
        table = frame.value_counts().unstack(fill_value=0) if len(frame) else pd.DataFrame()
        table = table.reindex(columns=list(SEVERITIES), fill_value=0).rename_axis(columns=None)
        table = table.reindex([r for r in self.rules if r in table.index]).rename_axis("rule")
        return table.reset_index()


def audit(
    dataset: Dataset,
    pathway: Pathway | None = None,
    graded: pd.DataFrame | None = None,
    rules: Registry = MANAGEMENT,
    cohorts: pd.Series | None = None,
) -> Audit:
    """Judge `dataset` against `pathway` (the default pathway when None) with every rule of `rules`.

    `graded` is optional `iectox.grading.episodes_from_grades` output; by default it is computed from the
    dataset's observations (none: first grade >= 2 times stay blank). `cohorts` gives each infusion's cohort
    (a Series indexed by infusion_id, blank for an infusion in none: the KPIs leave it out), as a study
    defines them; by default the pathway's `kpis.cohort_by`.
    """
    pathway = pathway or default_pathway()
    by = pathway.kpis.cohort_by.value if cohorts is None else cohorts
    observed = None if dataset["observations"].empty else grade_dataset(dataset)
    if graded is None and observed is not None:
        graded = episodes_from_grades(observed)  # graded once, for the episodes and the escalation rules
    episodes = audit_episodes(dataset, pathway, graded, cohorts)
    timed = episode_timings(episodes, dataset["administrations"])
    per_infusion = infusion_timings(dataset, timed, by)
    doses = tocilizumab_doses(dataset["administrations"], dataset["infusions"], episodes, pathway)
    courses = corticosteroid_courses(dataset["administrations"], dataset["infusions"], pathway)
    agents = anticytokine_doses(dataset["administrations"], dataset["infusions"])
    bsab = bsab_doses(dataset["administrations"], dataset["infusions"])
    rows, findings = adherence(Evidence(pathway, timed, doses, courses, observed, agents, bsab), rules)
    return Audit(
        pathway=pathway,
        findings=tuple(findings),
        episodes=timed,
        timings=per_infusion,
        adherence=rows,
        kpis_by_cohort=kpis_by_cohort(rows, rules),
        kpis_by_quarter=kpis_by_quarter(rows, rules),
        tocilizumab=doses,
        corticosteroid_courses=courses,
        bsab_doses=bsab,
        corticosteroid_exposure=corticosteroid_exposure(dataset["administrations"], dataset["infusions"]),
        graded=graded is not None or not dataset["observations"].empty,
        rules=rules,
    )


__all__ = ["Audit", "audit"]
