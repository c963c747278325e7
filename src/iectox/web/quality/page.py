"""The dashboard's pieces in one language, made once per dashboard: what the template lays out.

Every number comes formatted from the library: the KPI tables and the headline are the render layer's
(`render.audit_html.kpi_table` and `quarter_table`, `render.management.headline`, the same as audit.html and
the report's management section), the counts are the audit's (`Audit.counts`, `Audit.counts_by_rule`), and the
open episodes are `management.open_episodes`' rows as `render.open_episodes` shows them, the order delays
`management.order_delays.order_delay_summary`'s, worded as the pharmacy's order page words them (hours at one
decimal, as the audit's KPIs). Nothing is recomputed here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from iectox.i18n import number, tr
from iectox.management.crs_rules import CRS_ONSET_TO_TOCILIZUMAB
from iectox.management.findings import SEVERITIES
from iectox.render.audit_html import GRADED_NOTE, KPI_NOTE, UNGRADED_NOTE, kpi_table, quarter_table
from iectox.render.management import headline
from iectox.render.open_episodes import OpenEpisode, open_episode_rows
from iectox.schema.vocabularies import DRUG
from iectox.web.pharmacy.page import DELAY_LABELS

if TYPE_CHECKING:
    from iectox.web.quality.dashboard import Dashboard

SHOWN = 12  # patient codes shown per rule on the dashboard; the rule's page lists them all


@dataclass(frozen=True)
class Deviation:
    """One rule's findings: counts by severity and its patients."""

    rule: str
    label: str  # the KPI's name with the pathway's thresholds; the rule's id when it has none
    counts: tuple[int, ...]  # in the order of SEVERITIES
    patients: tuple[str, ...]  # the first SHOWN codes
    more: int  # patients not shown


@dataclass(frozen=True)
class OrderDelay:
    """One delay of the pharmacy's orders of one drug: how many orders it is known for, median [IQR] hours."""

    drug: str
    delay: str
    n: int
    hours: str  # "1.5 [0.8; 2.0]", "-" when none is known


@dataclass(frozen=True)
class DashboardPage:
    headline: str
    pathway: str
    notes: tuple[str, ...]
    kpis: str  # HTML, from the render layer
    quarters_title: str
    quarters: str  # HTML, from the render layer
    counts: tuple[tuple[str, int], ...]  # (severity in words, n)
    deviations: tuple[Deviation, ...]
    open_episodes: tuple[OpenEpisode, ...]
    order_delays: tuple[OrderDelay, ...]


def _deviations(dashboard: Dashboard, lang: str) -> tuple[Deviation, ...]:
    by_rule = dashboard.audit.counts_by_rule()
    patients = dashboard.patients_by_rule()
    found = []
    for row in by_rule.itertuples(index=False):
        codes = patients.get(row.rule, [])
        found.append(
            Deviation(
                rule=row.rule,
                label=dashboard.audit.label(row.rule, lang),
                counts=tuple(int(getattr(row, s)) for s in SEVERITIES),
                patients=tuple(codes[:SHOWN]),
                more=max(len(codes) - SHOWN, 0),
            )
        )
    return tuple(found)


def _hours(row: object, lang: str) -> str:
    if not row.n:
        return "-"
    median, q1, q3 = (number(float(v), 1, lang) for v in (row.median_h, row.q1_h, row.q3_h))
    return f"{median} [{q1}; {q3}]" if lang == "en" else f"{median} [{q1} ; {q3}]"


def _order_delays(dashboard: Dashboard, lang: str) -> tuple[OrderDelay, ...]:
    """The library's summary (`order_delay_summary`, per drug), worded as the pharmacy's order page words it."""
    return tuple(
        OrderDelay(
            tr(DRUG.term(row.drug).label, lang),
            tr(DELAY_LABELS[row.delay], lang),
            int(row.n),
            _hours(row, lang),
        )
        for row in dashboard.order_delays.itertuples(index=False)
    )


def dashboard_page(dashboard: Dashboard, lang: str) -> DashboardPage:
    result, labels = dashboard.audit, dashboard.labels
    quarters_title = tr("{kpi}: by quarter of infusion", lang).format(
        kpi=result.label(CRS_ONSET_TO_TOCILIZUMAB.id, lang)
    )
    return DashboardPage(
        headline=headline(result, labels, lang),
        pathway=tr("Pathway: {name}.", lang).format(name=tr(result.pathway.name, lang)),
        notes=(tr(KPI_NOTE, lang), tr(GRADED_NOTE if result.graded else UNGRADED_NOTE, lang)),
        kpis=kpi_table(result, labels, lang),
        quarters_title=quarters_title,
        quarters=quarter_table(result, labels, lang),
        counts=tuple((tr(s, lang), n) for s, n in dashboard.counts().items()),
        deviations=_deviations(dashboard, lang),
        open_episodes=open_episode_rows(dashboard.open_episodes),
        order_delays=_order_delays(dashboard, lang),
    )
