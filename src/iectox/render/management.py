"""The report's management section: the seed study's key finding (hours from CRS onset to the first
tocilizumab, by cohort) and the pathway KPIs, every number taken from the study's management audit.

    section = build_management(result, "fr", number=8)   # None when the spec has no [management]

Decided once here, in the report's language, like `document`; the HTML, DOCX, XLSX and JSON writers only lay
it out. No rule is applied here: the audit (`iectox.management.audit`) has already judged every episode.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from iectox.analysis import BY_NAME
from iectox.i18n import number, percent
from iectox.management.audit import Audit
from iectox.management.crs_rules import CRS_ONSET_TO_TOCILIZUMAB
from iectox.management.words import tr
from iectox.render import audit as audit_outputs
from iectox.render.audit_html import GRADED_NOTE, KPI_NOTE, UNGRADED_NOTE
from iectox.render.document import cohorts_of
from iectox.render.figures import save
from iectox.render.layout import Column, Line, Table, pretty, table_caption
from iectox.render.report import Figure, PlannedFigure
from iectox.study import StudyResult
from iectox.study.spec import DEFAULT_PATHWAY

FIGURE_PREFIX = "management_"  # a report names the audit's figures so, beside its own


@dataclass(frozen=True)
class Management:
    """The section as shown: a headline sentence, the pathway named with its source, the KPI table, and the
    KPIs by cohort and by quarter as numbers (rules and cohorts named) for the workbook."""

    title: str
    headline: str
    pathway: str
    table: Table
    by_cohort: pd.DataFrame
    by_quarter: pd.DataFrame


def cohort_labels(result: StudyResult) -> dict[str, str]:
    """The study's cohorts (the audit groups by them: `iectox.study.run.study_cohorts`), in the order and with
    the names of its tables and figures (so colours match); codes of the column's vocabulary are named by it."""
    cohorts = cohorts_of(result)
    vocabulary = BY_NAME[result.spec.by].vocabulary
    named = {t.code: t.label for t in vocabulary.terms} if vocabulary is not None else {}
    return {
        key: cohorts.labels.get(key, named.get(key, key.replace("_", " ").capitalize()))
        for key in cohorts.keys
    }


def _order(cohorts: pd.Series, labels: dict[str, str]) -> list[str]:
    present = [str(c) for c in cohorts.dropna().unique()]
    return [k for k in labels if k in present] + sorted(k for k in present if k not in labels)


def _label(key: str, labels: dict[str, str], lang: str) -> str:
    return tr(labels.get(key, key.replace("_", " ").capitalize()), lang)


def _median(row: pd.Series, lang: str) -> str:
    if not int(row["n_delay"]):
        return "-"
    median, q1, q3 = (number(float(row[c]), 1, lang) for c in ("median_delay_h", "q1_delay_h", "q3_delay_h"))
    return f"{median} [{q1}; {q3}]" if lang == "en" else f"{median} [{q1} ; {q3}]"


def _share(row: pd.Series, lang: str) -> str:
    """The share within target among the n eligible (the audit's `share_met`)."""
    return percent(100 * float(row["share_met"]), 1, lang)


def headline(audit: Audit, labels: dict[str, str], lang: str) -> str:
    """Median [IQR] hours from CRS onset to the first tocilizumab in each cohort, with the n of each median."""
    rows = audit.kpis_by_cohort[audit.kpis_by_cohort["rule"] == CRS_ONSET_TO_TOCILIZUMAB.id]
    if rows.empty:
        return tr("No infusion was treated with tocilizumab.", lang)
    parts = []
    for key in _order(rows["cohort"], labels):
        row = rows[rows["cohort"] == key].iloc[0]
        parts.append(
            tr("{cohort}, {median} h (n = {n})", lang).format(
                cohort=_label(key, labels, lang), median=_median(row, lang), n=int(row["n_delay"])
            )
        )
    joined = "; ".join(parts) if lang == "en" else " ; ".join(parts)
    return tr("Hours from CRS onset to the first tocilizumab, median [IQR]: {cohorts}.", lang).format(
        cohorts=joined
    )


def pathway_text(result: StudyResult, lang: str) -> str:
    """The pathway's name and where it comes from: shipped with iectox, or a file beside the spec."""
    assert result.management is not None
    reference = result.spec.management
    if reference == DEFAULT_PATHWAY or reference is None:
        source = tr("shipped with iectox", lang)
    elif result.spec.path is not None:
        source = Path(os.path.relpath(reference, result.spec.path.parent)).as_posix()
    else:
        source = reference
    return tr("Pathway: {name} ({source}).", lang).format(
        name=tr(result.management.pathway.name, lang), source=source
    )


def kpi_table(audit: Audit, labels: dict[str, str], lang: str, number_: int | None) -> Table:
    """Each pathway rule, then one line per cohort: n eligible, n within target, share, median [IQR]."""
    heads = ("KPI and cohort", "n eligible", "Within target, n", "Within target, %", "Median delay, h [IQR]")
    columns = (Column(tr(heads[0], lang), "label"), *(Column(tr(h, lang), "stat") for h in heads[1:]))
    lines = []
    for rule, rows in audit.kpis_by_cohort.groupby("rule", sort=False):
        lines.append(Line.of_text((pretty(audit.label(rule, lang)), "", "", "", ""), level=False))
        for key in _order(rows["cohort"], labels):
            row = rows[rows["cohort"] == key].iloc[0]
            cells = (str(int(row["n"])), str(int(row["met"])), _share(row, lang), _median(row, lang))
            lines.append(Line.of_text((_label(key, labels, lang), *cells), level=True))
    title = tr("Management pathway KPIs by cohort", lang)
    caption = table_caption(title, number_, lang)

    notes = (tr(KPI_NOTE, lang), pretty(tr(GRADED_NOTE if audit.graded else UNGRADED_NOTE, lang)))
    return Table("management", number_, title, caption, columns, tuple(lines), notes)


def _named(frame: pd.DataFrame, audit: Audit, labels: dict[str, str], lang: str) -> pd.DataFrame:
    """The KPI table with the rule and the cohort named beside their codes; numbers stay numbers."""
    named = frame.copy()
    named.insert(1, "kpi", named["rule"].map(lambda r: pretty(audit.label(r, lang))))
    named.insert(3, "cohort_label", named["cohort"].map(lambda c: _label(str(c), labels, lang)))
    return named


def build_management(result: StudyResult, lang: str, number: int | None = None) -> Management | None:
    """The section in `lang` (its table numbered `number`), or None when the study ran no audit."""
    audit = result.management
    if audit is None:
        return None
    labels = cohort_labels(result)
    return Management(
        title=tr("Management of CRS and ICANS", lang),
        headline=headline(audit, labels, lang),
        pathway=pathway_text(result, lang),
        table=kpi_table(audit, labels, lang, number),
        by_cohort=_named(audit.kpis_by_cohort, audit, labels, lang),
        by_quarter=_named(audit.kpis_by_quarter, audit, labels, lang),
    )


def management_figure_plans(result: StudyResult, lang: str) -> list[PlannedFigure]:
    """The audit's two figures before they are drawn (named `management_...`); none without an audit."""
    if result.management is None:
        return []
    plans = audit_outputs.audit_figure_plans(result.management, cohort_labels(result), lang)
    return [PlannedFigure(f"{FIGURE_PREFIX}{name}", caption, draw) for name, caption, draw in plans]


def drawn_management_figures(figures: Iterable[Path], captions: Mapping[str, str]) -> audit_outputs.Drawn:
    """A report's management figures (its `figures` files and `captions`, as `write_report` returns them) by
    the audit's own names, for `write_audit(..., drawn=...)`: the study's audit written beside its report
    (`iectox demo`) copies them instead of drawing them again."""
    files = {(path.stem, path.suffix): path for path in figures}
    return {
        name.removeprefix(FIGURE_PREFIX): (caption, files[name, ".png"], files[name, ".svg"])
        for name, caption in captions.items()
        if name.startswith(FIGURE_PREFIX) and (name, ".png") in files and (name, ".svg") in files
    }


def write_management_figures(result: StudyResult, folder: Path, lang: str) -> list[Figure]:
    """The audit's two figures, saved like the report's; none without an audit."""
    written = []
    for plan in management_figure_plans(result, lang):
        save(plan.draw(), folder, plan.name)
        written.append(plan.record(folder))
    return written


def management_records(result: StudyResult, section: Management | None, lang: str) -> dict[str, Any] | None:
    """report.json's `management`: the study's cohorts it groups by, the pathway and its source, KPIs by
    cohort and by quarter, finding counts."""
    if result.management is None or section is None:
        return None
    data = audit_outputs.audit_json(result.management, lang)
    return {
        "headline": section.headline,
        "cohorts": {"by": result.spec.by, "order": list(cohort_labels(result))},
        "pathway": {"source": result.spec.management, **data["pathway"]},
        "graded_observations": data["graded_observations"],
        "counts": data["counts"],
        "kpi_labels": data["kpi_labels"],
        "kpis_by_cohort": data["kpis_by_cohort"],
        "kpis_by_quarter": data["kpis_by_quarter"],
    }


__all__ = [
    "Management",
    "build_management",
    "drawn_management_figures",
    "management_figure_plans",
    "management_records",
    "write_management_figures",
]
