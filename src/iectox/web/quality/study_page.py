"""The study page's pieces in one language: the report's own document, laid out by the render layer.

The words and numbers are decided once by the render layer (`report_document`, the very document
`write_report` lays out: every numbered table, among them the cumulative incidence, the overall survival and
the CRS per bispecific dose when the study has them, with the report's numbers, the methods and the
management section), and each piece is the render layer's HTML:
the tables (`table_html`, without style attributes: the site's Content-Security-Policy refuses them, and the
cohort colours are classes of the site's style sheet), the methods and the published-vs-reproduced check. The
figures are the report's own PNG files, shown by the figure view, captioned by `layout.figure_caption` with the
report's numbers. Nothing is recomputed or read back here.
"""

from __future__ import annotations

from dataclasses import dataclass

from iectox.render import ReportFiles, report_document
from iectox.render.figures import FIGURES
from iectox.render.html import checks_html, methods_html, swatch_class, table_html
from iectox.render.layout import figure_caption
from iectox.render.love_plot import ADJUSTED_FIGURES
from iectox.study.run import StudyResult

STUDY_FIGURES = frozenset(
    figure.name for figure in (*FIGURES, *ADJUSTED_FIGURES)
)  # the others are the management section's


@dataclass(frozen=True)
class Cohort:
    label: str
    n: int
    swatch: str  # the class of its colour


@dataclass(frozen=True)
class Management:
    title: str
    headline: str
    pathway: str
    table: str  # HTML
    figures: tuple[tuple[str, str, str], ...]  # (name, caption, caption with its number)


@dataclass(frozen=True)
class StudyPage:
    title: str
    period: str | None
    cohorts: tuple[Cohort, ...]
    tables: tuple[str, ...]  # HTML, one per numbered table of the report, in its order
    figures: tuple[
        tuple[str, str, str], ...
    ]  # (name, caption, caption with its number), in the report's order
    management: Management | None
    methods: str  # HTML
    checks: str  # HTML; empty when the study names no published table
    left_out: int  # infusions of the user's centres outside the study's period


def study_page(result: StudyResult, report: ReportFiles, lang: str) -> StudyPage:
    """The page of `result` in `lang`; `report` is the report written in that language (its figures)."""
    document = report_document(result, lang)
    figures = tuple(
        (n, c, figure_caption(c, i, lang)) for i, (n, c) in enumerate(report.captions.items(), 1)
    )  # numbered as the report
    management = None
    if document.management is not None:
        m = document.management
        managing = tuple(f for f in figures if f[0] not in STUDY_FIGURES)
        management = Management(m.title, m.headline, m.pathway, table_html(m.table, lang, False), managing)
    return StudyPage(
        title=document.title,
        period=document.period,
        cohorts=tuple(Cohort(c.label, c.n, swatch_class(c.colour)) for c in document.cohorts),
        tables=tuple(table_html(t, lang, inline_style=False) for t in document.numbered_tables),
        figures=tuple(f for f in figures if f[0] in STUDY_FIGURES),
        management=management,
        methods=methods_html(document),
        checks=checks_html(document) if document.checks else "",
        left_out=result.left_out,
    )
