"""The management registry: every rule of the audit, in the order it runs and is reported, and what derives
from it (the KPIs' labels and order, each finding's source).

A rule that returns adherence rows is followed by a KPI, labelled by its `title` with the values of its first
two settings as `{a}` and `{b}` ("CRS grade >= {a}: tocilizumab within {b} h"); the others only give
findings. Adding a pathway rule is adding one `Rule` here (docs/management_audit.md shows one).
"""

from __future__ import annotations

from collections.abc import Iterable

from iectox.management.anticytokines import ANTICYTOKINE_RULES
from iectox.management.bsab_rules import BSAB_RULES
from iectox.management.corticosteroids import CORTICOSTEROID_REGIMEN
from iectox.management.crs_rules import CRS_RULES
from iectox.management.escalation import CRS_GRADE2_DEXAMETHASONE, ICANS_HIGH_DOSE_METHYLPREDNISOLONE
from iectox.management.grade_checks import GRADE_RULES
from iectox.management.icans_rules import ICANS_RULES
from iectox.management.pathway import Pathway
from iectox.management.tocilizumab import TOCILIZUMAB_RULES
from iectox.management.words import tr
from iectox.rules import Registry, Rule

MANAGEMENT = Registry(
    "management",
    [
        *CRS_RULES,
        CRS_GRADE2_DEXAMETHASONE,
        *ICANS_RULES,
        ICANS_HIGH_DOSE_METHYLPREDNISOLONE,
        *GRADE_RULES,
        *TOCILIZUMAB_RULES,
        CORTICOSTEROID_REGIMEN,
        *ANTICYTOKINE_RULES,
        *BSAB_RULES,
    ],
)


def cite(rule: Rule, pathway: Pathway, lang: str = "en") -> str:
    """The source of a rule: its own, then those of the pathway settings it reads, each once, in `lang`."""
    parts = [rule.source, *(pathway.setting(key).source for key in rule.settings)]
    return "; ".join(tr(part, lang) for part in dict.fromkeys(parts))


def kpi_rules(registry: Iterable[Rule] | None = None) -> list[Rule]:
    """The rules a KPI follows (those with a title), in registry order."""
    rules = MANAGEMENT.values() if registry is None else registry
    return [r for r in rules if r.title]


def rule_label(rule: Rule, pathway: Pathway, lang: str = "en") -> str:
    """A KPI's name for people, with the pathway's own thresholds in it (its first two settings)."""
    values = [pathway.setting(key).value for key in rule.settings[:2]]
    shown = [f"{v:g}" if isinstance(v, int | float) else str(v) for v in values] + ["", ""]
    return tr(rule.title or rule.id, lang).format(a=shown[0], b=shown[1])


__all__ = ["MANAGEMENT", "cite", "kpi_rules", "rule_label"]
