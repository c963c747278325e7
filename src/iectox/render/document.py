"""What a report says, decided once in the report's language; HTML, XLSX, DOCX and JSON only lay it out.

Keeping the words and numbers here means the four files can never disagree on a label, a p-value or a
footnote. Every number is formatted by the report's one `Formatter`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING

from iectox.i18n import tr
from iectox.render.adjusted import adjusted_tables
from iectox.render.adverse_events import adverse_event_layout
from iectox.render.comparison import comparison_table
from iectox.render.figures import Cohorts
from iectox.render.format import Formatter
from iectox.render.layout import Table, pretty
from iectox.study import Check, StudyResult

if TYPE_CHECKING:
    from iectox.render.management import Management
    from iectox.render.methods import Methods

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


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
    reproduced: str  # our number as printed
    agrees: bool | None
    between: bool = False  # a p-value: between the cohorts, not in one of them
    test: str = ""  # the short name of the test that made our p-value

    @property
    def reproduced_text(self) -> str:
        """Our number with its test: "0.0418 (Welch t)"."""
        return f"{self.reproduced} ({self.test})" if self.test else self.reproduced

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
    time_to_event: Table | None = None  # CRS and ICANS cumulative incidence (`render.time_to_event`)
    survival: Table | None = None  # overall survival by Kaplan-Meier (`render.survival_table`)
    adjusted: tuple[Table, ...] = ()  # the adjusted comparisons (`render.adjusted`), when the study made them
    bsab_crs: Table | None = None  # CRS per bispecific dose (`render.bsab_crs`), when the data hold courses
    bsab_schedules: Table | None = None  # their schedule audit (`render.bsab_schedule`), likewise

    @property
    def shown_tables(self) -> tuple[Table, ...]:
        """The tables of the Tables section: the comparisons, then the time-to-event tables (cumulative
        incidence, overall survival), then CRS per bispecific dose and the audit of their schedules."""
        extra = (self.time_to_event, self.survival, self.bsab_crs, self.bsab_schedules)
        return (*self.tables, *(t for t in extra if t is not None))

    @property
    def numbered_tables(self) -> tuple[Table, ...]:
        """Every numbered table before the management section, in the order of their numbers: those of the
        Tables section, then the adjusted comparisons."""
        return (*self.shown_tables, *self.adjusted)

    @property
    def next_number(self) -> int:
        """The number of the first table after the numbered tables above and the adjusted comparisons: the
        management section's."""
        return len(self.numbered_tables) + 1


def format_date(day: date, lang: str) -> str:
    month = tr(MONTHS[day.month - 1], lang)
    first = "1er" if lang == "fr" and day.day == 1 else str(day.day)
    return f"{first} {month} {day.year}"


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


def _statistic(check: Check, lang: str) -> str:
    names = {"mean": "Mean", "sd": "SD", "p": "p-value"}
    return pretty(tr(names.get(check.statistic, check.statistic), lang))


def _published(text: str, fmt: Formatter) -> str:
    """The published number as printed in the source, with the decimal comma in French."""
    return text.replace(".", ",") if fmt.lang == "fr" else text


def _reproduced(check: Check, fmt: Formatter) -> str:
    """Our number at the precision of the published one."""
    if check.value is None:
        return "-"
    if check.statistic == "p":
        return replace(fmt, p_digits=check.digits).p_value(check.value)
    return fmt.number(check.value, check.digits)


def check_lines(result: StudyResult, fmt: Formatter) -> tuple[CheckLine, ...]:
    lang = fmt.lang
    titles = {t.id: pretty(tr(t.title, lang)) for t, _ in result.tables}
    labels = {v.name: v.display_label() for t, _ in result.tables for v in t.variables}
    groups = {g.id: g.label for g in result.reference.groups} if result.reference else {}
    return tuple(
        CheckLine(
            titles.get(c.table, c.table),
            pretty(tr(labels.get(c.variable, c.variable), lang)),
            tr(groups.get(c.group, c.group), lang) if c.group else tr("Between cohorts", lang),
            _statistic(c, lang),
            _published(c.published, fmt),
            _reproduced(c, fmt),
            None if c.agrees is None else bool(c.agrees),
            c.group is None,
            fmt.test(c.test, short=True) if c.test and c.value is not None else "",
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


def tables_shown(result: StudyResult) -> int:
    """How many numbered tables come before the management section: the comparison tables, then the
    adverse-event table when the study has one."""
    return len(result.tables) + (result.adverse_events is not None)


def report_formatter(result: StudyResult, lang: str) -> Formatter:
    """The report's formatter: its language, and the study's decimals for statistics and p-values."""
    return Formatter(lang, result.spec.digits, result.spec.p_digits)


def build_document(
    result: StudyResult,
    methods: Methods,
    fmt: Formatter,
    management: Management | None = None,
    time_to_event: Table | None = None,
    survival: Table | None = None,
    bsab_crs: Table | None = None,
    bsab_schedules: Table | None = None,
) -> Document:
    """Everything the report shows, formatted by `fmt`; `methods` comes from `render.methods.build_methods`,
    `management` from `render.management.build_management`."""
    lang = fmt.lang
    tables = tuple(
        comparison_table(comparison, fmt, spec.title, number=i, table_id=spec.id)
        for i, (spec, comparison) in enumerate(result.tables, 1)
    )
    if result.adverse_events is not None and result.spec.adverse_events is not None:
        groups = cohorts_of(result)
        labels = {key: groups.label(key, lang) for key in groups.keys}
        title, number = result.spec.adverse_events.title, tables_shown(result)
        tables += (adverse_event_layout(result.adverse_events, fmt, title, labels=labels, number=number),)
    checks = check_lines(result, fmt)
    document = Document(
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
        time_to_event=time_to_event,
        survival=survival,
        bsab_crs=bsab_crs,
        bsab_schedules=bsab_schedules,
    )
    return replace(document, adjusted=adjusted_tables(result, fmt, len(document.shown_tables) + 1))
