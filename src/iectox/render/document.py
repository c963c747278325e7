"""What a report says, decided once in the report's language; HTML, XLSX, DOCX and JSON only lay it out.

Keeping the words and numbers here means the four files can never disagree on a label, a p-value or a
footnote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import pandas as pd

from iectox.analysis import BY_NAME
from iectox.i18n import tr
from iectox.render.figures import Cohorts, colour_at
from iectox.stats.compare import Comparison
from iectox.stats.methods import METHODS
from iectox.stats.render import to_frame
from iectox.stats.table import VariableResult
from iectox.study import Check, StudyResult

if TYPE_CHECKING:
    from iectox.render.management import Management
    from iectox.render.methods import Methods

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


@dataclass(frozen=True)
class Column:
    """A column of a table as shown: `kind` is label, group, overall, p (p/q-values) or stat (SMD...)."""

    label: str
    kind: str
    n: int | None = None
    colour: str | None = None


@dataclass(frozen=True)
class Line:
    """One line of a table; `level` lines (a level or statistic of the variable above) are indented."""

    cells: tuple[str, ...]
    level: bool


@dataclass(frozen=True)
class Table:
    id: str
    number: int | None  # None for a table shown on its own, outside a report
    title: str
    caption: str
    columns: tuple[Column, ...]
    lines: tuple[Line, ...]
    footnotes: tuple[str, ...]


@dataclass(frozen=True)
class Cohort:
    key: str
    label: str
    n: int
    colour: str


@dataclass(frozen=True)
class CheckLine:
    """A published number next to ours, worded for the reader; `agrees` None means not comparable."""

    table: str
    variable: str
    group: str
    statistic: str
    published: str
    reproduced: str
    agrees: bool | None
    between: bool = False  # a p-value: between the cohorts, not in one of them

    def verdict(self, lang: str) -> str:
        return "✓" if self.agrees else "✗" if self.agrees is False else tr("not comparable", lang)


@dataclass(frozen=True)
class Document:
    title: str
    lang: str
    by: str  # the column of the analysis table that holds the cohorts
    period: str | None
    cohorts: tuple[Cohort, ...]
    tables: tuple[Table, ...]
    methods: Methods
    checks: tuple[CheckLine, ...]
    check_summary: str
    management: Management | None = None  # the management section, when the study ran the audit


def pretty(text: str) -> str:
    """Typographic signs where labels use ASCII (">= 3" -> "≥ 3")."""
    return text.replace(">=", "≥").replace("<=", "≤")


def localise(text: str, lang: str) -> str:
    """Decimal points between digits become commas in French ("62.7" -> "62,7")."""
    return re.sub(r"(?<=\d)\.(?=\d)", ",", text) if lang == "fr" else text


def format_date(day: date, lang: str) -> str:
    month = tr(MONTHS[day.month - 1], lang)
    first = "1er" if lang == "fr" and day.day == 1 else str(day.day)
    return f"{first} {month} {day.year}" if lang == "fr" else f"{day.day} {month} {day.year}"


def period_text(result: StudyResult, lang: str) -> str | None:
    if result.spec.period is None:
        return None
    start, end = (format_date(d, lang) for d in result.spec.period)
    return tr("{start} to {end}", lang).format(start=start, end=end)


def cohorts_of(result: StudyResult) -> Cohorts:
    spec = result.spec
    return Cohorts.from_frame(result.frame, spec.by, spec.order, dict(spec.labels))


def cohort_list(result: StudyResult, lang: str) -> tuple[Cohort, ...]:
    groups = cohorts_of(result)
    sizes = result.frame[groups.by].astype("string").value_counts()
    return tuple(
        Cohort(k, groups.label(k, lang), int(sizes.get(k, 0)), groups.colour(k)) for k in groups.keys
    )


def _columns(comparison: Comparison, frame: pd.DataFrame, lang: str) -> tuple[Column, ...]:
    sizes = comparison.groups.sizes
    columns = [Column(tr("Characteristic", lang), "label")]
    for i, label in enumerate(comparison.groups.labels):
        columns.append(Column(tr(label, lang), "group", int(sizes[i]), colour_at(i)))
    if comparison.show_overall:
        columns.append(Column(tr("Overall", lang), "overall", int(sizes.sum())))
    for name in frame.columns[len(columns) :]:
        kind = "p" if name in (tr("p-value", lang), tr("q-value", lang)) else "stat"
        columns.append(Column(str(name), kind))
    return tuple(columns)


def _extra_notes(comparison: Comparison, lang: str) -> list[str]:
    """What the standard footnotes leave out: sub-populations, untested variables, test warnings."""
    notes: list[str] = []
    among: dict[str, list[VariableResult]] = {}
    for r in comparison.results:
        if r.variable.among:
            among.setdefault(r.variable.among, []).append(r)
    for column, results in among.items():
        sizes = (results[0].n + results[0].missing)[: comparison.groups.k]
        label = tr(BY_NAME[column].label if column in BY_NAME else column, lang)
        names = ", ".join(pretty(tr(r.variable.display_label(), lang)) for r in results)
        counts = (
            " ; ".join(str(int(n)) for n in sizes) if lang == "fr" else ", ".join(str(int(n)) for n in sizes)
        )
        notes.append(tr("{names}: among infusions with {among} (n = {counts}).", lang).format(
            names=names, among=label.lower(), counts=counts
        ))  # fmt: skip
    for r in comparison.results:
        label = pretty(tr(r.variable.display_label(), lang))
        if r.test is None and r.reason:
            notes.append(f"{label}: {tr(r.reason, lang)}")
        notes += [f"{label}: {tr(w, lang)}" for w in r.warnings]
    return notes


def build_table(
    comparison: Comparison,
    title: str = "",
    lang: str = "en",
    digits: int = 1,
    p_digits: int = 3,
    *,
    number: int | None = None,
    table_id: str = "table",
) -> Table:
    """A comparison table as shown, from the comparison alone: the study report numbers its tables
    ("Table 2. Demographics"); a table on its own is captioned by its title, or not at all."""
    frame = to_frame(comparison, lang, digits, p_digits)
    columns = _columns(comparison, frame, lang)
    lines = []
    for row in frame.itertuples(index=False):
        first, *rest = (str(v) for v in row)
        level = first.startswith("    ")
        lines.append(Line((pretty(tr(first.strip(), lang)), *rest), level))
    title = pretty(tr(title, lang)) if title else ""
    caption = title if number is None else f"{tr('Table', lang)} {number}. {title}"
    notes = [*comparison.footnotes(lang), *_extra_notes(comparison, lang)]
    return Table(table_id, number, title, caption, columns, tuple(lines), tuple(notes))


def _statistic(check: Check, lang: str) -> str:
    names = {"mean": "Mean", "sd": "SD", "p": "p-value"}
    return pretty(tr(names.get(check.statistic, check.statistic), lang))


def _reproduced(check: Check, lang: str) -> str:
    """ "0.0418 (welch_t)" -> "0.0418 (Welch t)": the test that made our p-value, by a short name."""
    match = re.fullmatch(r"(.*) \((\w+)\)", check.reproduced)
    if match and match.group(2) in METHODS:
        return localise(f"{match.group(1)} ({tr(METHODS[match.group(2)].short, lang)})", lang)
    return localise(check.reproduced, lang)


def check_lines(result: StudyResult, lang: str) -> tuple[CheckLine, ...]:
    titles = {t.id: pretty(tr(t.title, lang)) for t, _ in result.tables}
    labels = {v.name: v.display_label() for t, _ in result.tables for v in t.variables}
    groups = {g.id: g.label for g in result.reference.groups} if result.reference else {}
    return tuple(
        CheckLine(
            titles.get(c.table, c.table),
            pretty(tr(labels.get(c.variable, c.variable), lang)),
            tr(groups.get(c.group, c.group), lang) if c.group else tr("Between cohorts", lang),
            _statistic(c, lang),
            localise(c.published, lang),
            _reproduced(c, lang),
            None if c.agrees is None else bool(c.agrees),
            c.group is None,
        )
        for c in result.checks
    )


def check_summary(checks: tuple[CheckLine, ...], lang: str) -> str:
    if not checks:
        return ""
    agree = sum(c.agrees is True for c in checks)
    differ = sum(c.agrees is False for c in checks)
    other = len(checks) - agree - differ
    text = tr("{agree} of {total} published numbers reproduced; {differ} differ", lang).format(
        agree=agree, total=len(checks), differ=differ
    )
    if other:
        text += tr("; {other} not comparable", lang).format(other=other)
    return text + "."


def build_document(
    result: StudyResult, lang: str, methods: Methods, management: Management | None = None
) -> Document:
    """Everything the report shows, in `lang`; `methods` comes from `report.methods.write_methods`,
    `management` from `report.management.build_management`."""
    digits, p_digits = result.spec.digits, result.spec.p_digits
    tables = tuple(
        build_table(comparison, spec.title, lang, digits, p_digits, number=i, table_id=spec.id)
        for i, (spec, comparison) in enumerate(result.tables, 1)
    )
    checks = check_lines(result, lang)
    return Document(
        title=tr(result.spec.title, lang),
        lang=lang,
        by=result.spec.by,
        period=period_text(result, lang),
        cohorts=cohort_list(result, lang),
        tables=tables,
        methods=methods,
        checks=checks,
        check_summary=check_summary(checks, lang),
        management=management,
    )
