"""The dashboard's pieces in one language, made once per dashboard: what the template lays out.

Every number comes formatted from the library: the KPI tables and the headline are the render layer's
(`render.audit_html.kpi_table` and `quarter_table`, `render.management.headline`, the same as audit.html and
the report's management section), the counts are the audit's (`Audit.counts`, `Audit.counts_by_rule`), and the
open episodes are `management.open_episodes`' rows as `render.open_episodes` shows them. Nothing is
recomputed here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from iectox.i18n import tr
from iectox.management.crs_rules import CRS_ONSET_TO_TOCILIZUMAB
from iectox.management.findings import SEVERITIES
from iectox.render.audit_html import GRADED_NOTE, KPI_NOTE, UNGRADED_NOTE, kpi_table, quarter_table
from iectox.render.management import headline
from iectox.render.open_episodes import OpenEpisode, open_episode_rows

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
    )
