"""The report's table of the bispecific antibody schedule audit (`iectox.management.bsab_rules`): per product,
the courses and doses audited against its product information and the findings, then per check the findings
and the courses they concern. The findings' sentences are the audit's (`iectox audit`, audit.html); this
table says where to look. Nothing when the study's audit saw no dose of a bispecific antibody.

Decided once here, in the report's language; HTML, XLSX and DOCX lay the `Table` out as any other.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from iectox.i18n import N_
from iectox.management.audit import Audit
from iectox.render.format import Formatter
from iectox.render.layout import Column, Line, Table, Value, table_caption
from iectox.schema.vocabularies import DRUG
from iectox.study import StudyResult

TITLE = N_("Bispecific antibody schedules, audited against the product information")
CHECKS = {  # each rule of `iectox.management.bsab_rules`, in its order, as the table names it
    "bsab.schedule_known": N_("Schedule not known: doses not audited"),
    "bsab.step_dose": N_("Dose of a step"),
    "bsab.step_interval": N_("Days between doses"),
    "bsab.premedication": N_("Premedication before the dose"),
    "bsab.hospitalisation": N_("Hospital stay after the dose"),
    "bsab.pretreatment": N_("Obinutuzumab pretreatment"),
    "bsab.restart": N_("Step-up restarted after a missed or delayed dose"),
}
AUDIT_NOTE = N_(
    "Each dose is checked against its product's schedule as the product information gives it: the dose of "
    "each step, the days between doses, premedication, the hospital stay, glofitamab's pretreatment and "
    "restarting the step-up after a missed or delayed dose (docs/bispecifics.md). Each finding, with its "
    "sentence and the label's value, is in the audit (audit.html, audit.xlsx)."
)


def _findings(audit: Audit) -> pd.DataFrame:
    """One row per finding of a schedule rule: rule, severity, course and its product."""
    doses = audit.bsab_doses
    drug = doses.drop_duplicates("infusion_id").set_index("infusion_id")["drug"]
    rows = [(f.rule, f.severity, f.infusion_id) for f in audit.findings if f.rule in CHECKS]
    found = pd.DataFrame(rows, columns=["rule", "severity", "infusion_id"])
    return found.assign(drug=found["infusion_id"].map(drug))


def _by_product(result: StudyResult) -> list[tuple[str, pd.DataFrame, pd.DataFrame]] | None:
    """Per product given, in the vocabulary's order: its doses audited and its findings (the table and
    report.json count from these); None without a bispecific dose audited."""
    audit = result.management
    if audit is None or audit.bsab_doses.empty:
        return None
    doses, found = audit.bsab_doses, _findings(audit)
    given = (t.code for t in DRUG.terms if (doses["drug"] == t.code).any())
    return [(product, doses[doses["drug"] == product], found[found["drug"] == product]) for product in given]


def _courses(hits: pd.DataFrame, rule: str) -> list[str]:
    """The course of each finding of `rule`, sorted (a course appears once per finding)."""
    return sorted(hits.loc[hits["rule"] == rule, "infusion_id"].astype(str))


def _count(n: int) -> Value:
    return Value((str(n),), "number", (float(n),), 0)


def bsab_schedule_table(result: StudyResult, fmt: Formatter, number: int | None = None) -> Table | None:
    """The table in the report's language (numbered `number`), or None without a bispecific dose audited."""
    products = _by_product(result)
    if products is None:
        return None
    heads = (
        Column(fmt.tr("Product and check"), "label"),
        Column(fmt.tr("Courses"), "stat"),
        Column(fmt.tr("Doses audited"), "stat"),
        Column(fmt.tr("Findings, n"), "stat"),
        Column(fmt.tr("Courses concerned"), "stat"),
    )
    lines: list[Line] = []
    for product, given, hits in products:
        cells = (_count(given["infusion_id"].nunique()), _count(len(given)), _count(len(hits)), Value.of(""))
        lines.append(Line("variable", (Value.of(fmt.tr(DRUG.term(product).label)), *cells)))
        for rule, label in CHECKS.items():
            courses = _courses(hits, rule)
            if courses:
                shown = (Value.of(fmt.tr(label)), Value(), Value(), _count(len(courses)))
                lines.append(Line("level", (*shown, Value.of(", ".join(dict.fromkeys(courses))))))
    title = fmt.tr(TITLE)
    caption = table_caption(title, number, fmt.lang)
    return Table("bsab_schedules", number, title, caption, heads, tuple(lines), (fmt.tr(AUDIT_NOTE),))


def bsab_schedule_records(result: StudyResult) -> dict[str, Any] | None:
    """report.json's `bsab_schedules`: per product, courses, doses and the findings per rule with courses."""
    products = _by_product(result)
    if products is None:
        return None
    records = {}
    for product, given, hits in products:
        records[product] = {
            "courses": int(given["infusion_id"].nunique()),
            "doses": len(given),
            "findings": {rule: sorted(set(courses)) for rule in CHECKS if (courses := _courses(hits, rule))},
        }
    return {"products": records}


__all__ = ["CHECKS", "bsab_schedule_records", "bsab_schedule_table"]
