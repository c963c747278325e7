"""Was the pathway followed? Every rule of a registry evaluated once on the audit's tables.

Each rule returns its findings and, when a KPI follows it, one row per eligible episode with its outcome
(`outcomes`); the registry's order is the order of the rows. The rule's id is written on its rows and
findings here, with the finding's source (`registry.cite`), so that no rule function restates either.
"""

from __future__ import annotations

import pandas as pd

from iectox.management.evidence import Evidence
from iectox.management.findings import Finding
from iectox.management.outcomes import COLUMNS, NOT_FOLLOWED, OUTCOMES
from iectox.management.registry import MANAGEMENT, cite
from iectox.rules import Registry


def adherence(evidence: Evidence, registry: Registry = MANAGEMENT) -> tuple[pd.DataFrame, list[Finding]]:
    """Every rule of `registry` on `evidence`: the adherence rows (one per rule and episode) and findings."""
    frames, findings = [], []
    for rule in registry.values():
        verdicts = rule.evaluate(evidence)
        source = cite(rule, evidence.pathway)
        findings += [f.stamped(rule.id, source) for f in verdicts.findings]
        if verdicts.rows is not None and len(verdicts.rows):
            frames.append(verdicts.rows.assign(rule=rule.id))
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=COLUMNS)
    return table, findings


__all__ = ["NOT_FOLLOWED", "OUTCOMES", "adherence"]
