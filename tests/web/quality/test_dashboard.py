"""The management dashboard: its KPIs, deviations and open episodes are the library's on the same patients
(the user's centres); the audit runs once per registry state, not per request."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import ClassVar

import pytest
from django.urls import reverse

from iectox.management.audit import audit
from iectox.management.findings import findings_frame
from iectox.management.order_delays import order_delay_summary, order_delays
from iectox.management.pathway import default_pathway, load_pathway
from iectox.render.audit import default_cohort_labels
from iectox.render.audit_html import kpi_table, quarter_table
from iectox.render.management import headline
from iectox.synth.demo import demo_bsab_courses
from iectox.synth.generate import DEFAULT_SEED
from iectox.web.pharmacy import ordering
from iectox.web.pharmacy.delays import order_times
from iectox.web.pharmacy.models import Order
from iectox.web.quality import dashboard as dashboards
from iectox.web.registry.models import Patient
from iectox.web.registry.records import patients_dataset, store

from ..pharmacy.orders import place_order
from ..web_helpers import OTHER_CENTRE, client_of, user_of
from .quality_helpers import of_centre

DASHBOARD = reverse("quality:dashboard")


def _expected(cohort, centre: str = "CHU-A"):
    dataset = of_centre(cohort, centre)
    return dataset, audit(dataset, default_pathway())


def _page(client) -> str:
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    return response.content.decode()


def test_the_kpis_are_the_librarys_on_the_users_patients(cohort):
    page = _page(client_of("clinician"))
    _, expected = _expected(cohort)
    labels = default_cohort_labels(expected)
    assert html.escape(headline(expected, labels, "en"), quote=False) in page
    assert kpi_table(expected, labels, "en") in page
    assert quarter_table(expected, labels, "en") in page
    headline_kpi = expected.kpis_by_cohort.set_index(["rule", "cohort"]).loc[
        ("crs.onset_to_tocilizumab", "standard_of_care")
    ]
    assert headline_kpi["n_delay"] > 20
    row = re.search(
        r'<td class="rule" rowspan="\d">CRS onset to first tocilizumab.*?</tr>.*?</tr>', page, re.S
    )
    cells = re.findall(r'<td class="num">([^<]*)', row.group(0).split("Standard of care")[1])
    assert cells[0] == str(headline_kpi["n"]) and cells[1] == str(headline_kpi["met"])
    assert cells[7].startswith(f"{headline_kpi['median_delay_h']:.1f} [{headline_kpi['q1_delay_h']:.1f}; ")


def test_deviations_are_counted_by_rule_and_link_their_patients(cohort):
    page = _page(client_of("pharmacist"))
    dataset, expected = _expected(cohort)
    patient_of = dict(
        zip(dataset["infusions"]["infusion_id"], dataset["infusions"]["patient_id"], strict=True)
    )
    table = page[page.index('<table class="deviations">') :]
    table = table[: table.index("</table>")]
    rows = re.findall(r"<tr><td><a href=\"/quality/dashboard/rules/([\w.]+)/\">(.*?)</tr>", table, re.S)
    counts = expected.counts_by_rule()
    assert [rule for rule, _ in rows] == counts["rule"].tolist() and len(rows) >= 3
    for (rule, row), (_, want) in zip(rows, counts.iterrows(), strict=True):
        shown = [int(n) for n in re.findall(r'<td class="num">(\d+)</td>', row)]
        assert shown == [want["deviation"], want["warning"], want["info"]]
        codes = sorted({patient_of[f.infusion_id] for f in expected.findings if f.rule == rule})
        links = re.findall(r'<a href="/registry/patients/([\w-]+)/">\1</a>', row)
        assert links == codes[:12]
        more = len(codes) - 12
        assert (f"and {more} more" in row) == (more > 0)


def test_a_rules_page_lists_its_findings_with_their_patients(cohort):
    client = client_of("auditor")
    dataset, expected = _expected(cohort)
    rule = "crs.grade1_persistent_tocilizumab"
    chosen = [f for f in expected.findings if f.rule == rule]
    assert 0 < len(chosen) <= 100  # one page
    page = html.unescape(client.get(reverse("quality:rule", args=[rule])).content.decode())
    want = findings_frame(chosen, "en")
    sentences = re.findall(r"<td>[^<]*</td><td>[^<]*</td><td>[^<]*</td><td>([^<]*)</td></tr>", page)
    assert sentences == want["finding"].tolist()
    patient_of = dict(
        zip(dataset["infusions"]["infusion_id"], dataset["infusions"]["patient_id"], strict=True)
    )
    assert re.findall(r'<a href="/registry/patients/([\w-]+)/">', page) == [
        patient_of[i] for i in want["infusion_id"]
    ]
    assert client.get(reverse("quality:rule", args=["no.such_rule"])).status_code == 404


def test_open_episodes_are_the_librarys_and_of_the_users_centres_only(registry):
    page = _page(client_of("analyst"))
    section = page[page.index('<section id="open"') :]
    assert re.findall(r'<a href="/registry/patients/(P-\d+)/">', section) == ["P-001"]
    assert "<td>EP-002</td><td>ICANS</td><td>2023-05-21</td><td>1 (ASTCT2019)</td>" in section
    other = _page(client_of("analyst", centres=(OTHER_CENTRE,)))
    assert "No open episode." in other and "P-001" not in other and "P-002" not in other


def test_a_user_of_chu_b_sees_only_chu_b(cohort):
    page = _page(client_of("analyst", centres=(OTHER_CENTRE,)))
    _, expected = _expected(cohort, OTHER_CENTRE)
    assert kpi_table(expected, default_cohort_labels(expected), "en") in page
    codes = set(re.findall(r"/registry/patients/([\w-]+)/", page))
    chu_b = set(of_centre(cohort, OTHER_CENTRE)["patients"]["patient_id"])
    assert codes and codes <= chu_b


def test_the_audit_runs_once_per_registry_state(cohort, monkeypatch):
    calls = []
    monkeypatch.setattr(dashboards, "audit", lambda *args: calls.append(1) or audit(*args))
    client, french = client_of("analyst"), client_of("auditor", language="fr")
    for _ in range(3):
        _page(client)
    assert (
        client.get(reverse("quality:dashboard-figure", args=["delay_by_cohort"]))["Content-Type"]
        == "image/png"
    )
    assert "Tableau de bord qualité" in _page(french)
    assert len(calls) == 1
    patient = Patient.objects.get(patient_id="P-0001")
    patient.birth_year = 1950
    patient.save()
    _page(client)
    assert len(calls) == 2


def test_figures_are_the_audits_as_the_render_layer_draws_them(cohort):
    client = client_of("analyst")
    page = _page(client)
    assert re.findall(r'<img src="/quality/dashboard/figures/(\w+)\.png"', page) == [
        "delay_by_cohort",
        "kpi_trend",
    ]
    image = client.get(reverse("quality:dashboard-figure", args=["kpi_trend"]))
    assert image.content.startswith(b"\x89PNG\r\n\x1a\n")
    assert client.get(reverse("quality:dashboard-figure", args=["nothing"])).status_code == 404


def test_the_page_carries_no_inline_script_or_style(cohort):
    page = _page(client_of("analyst"))
    assert "style=" not in page and "<style" not in page and "<script" not in page


class _Registry:
    """A registry whose state the test moves, and an audit that records which states it computed."""

    def __init__(self) -> None:
        self.state = "one"
        self.made: list[str] = []

    def compute(self, state: str, centres: tuple[str, ...], pathway: object) -> _Made:
        self.made.append(state)
        return _Made(state)


class _Made(str):
    """A computed dashboard, as the worker sees it: its pages and figures are asked for once made."""

    asked: ClassVar[list[str]] = []

    def page(self, lang: str) -> None:
        self.asked.append(f"page {lang}")

    def figures(self, lang: str) -> None:
        self.asked.append(f"figures {lang}")


@pytest.mark.parametrize("mode", ["background", "inline"])
def test_a_new_registry_state_is_computed_in_the_background_while_the_last_one_is_shown(
    monkeypatch, settings, mode
):
    settings.IECTOX_DASHBOARD_REFRESH = mode
    registry = _Registry()
    monkeypatch.setattr(dashboards, "current", lambda: (registry.state, None))
    monkeypatch.setattr(dashboards, "compute", registry.compute)
    monkeypatch.setattr(dashboards, "REFRESH_SECONDS", 0.0)
    kept = dashboards.Dashboards()
    assert kept.get(("CHU-A",)) == ("one", True)  # the first one of these centres: in the request
    assert kept.get(("CHU-A",)) == ("one", True) and registry.made == ["one"]
    registry.state = "two"
    if mode == "inline":
        assert kept.get(("CHU-A",)) == ("two", True)
        return
    assert kept.get(("CHU-A",)) == ("one", False)  # shown while "two" is computed
    kept._worker.shutdown(wait=True)
    assert registry.made == ["one", "two"]
    assert _Made.asked[-4:] == ["page en", "figures en", "page fr", "figures fr"]
    assert kept.get(("CHU-A",)) == ("two", True)
    assert kept.get(("CHU-B",)) == ("two", True) and registry.made == ["one", "two", "two"]


def test_the_same_centres_are_audited_in_the_background_at_most_every_refresh_seconds(monkeypatch, settings):
    settings.IECTOX_DASHBOARD_REFRESH = "background"
    registry = _Registry()
    monkeypatch.setattr(dashboards, "current", lambda: (registry.state, None))
    monkeypatch.setattr(dashboards, "compute", registry.compute)
    kept = dashboards.Dashboards()
    kept.get(("CHU-A",))
    registry.state = "two"
    assert kept.get(("CHU-A",)) == ("one", False)
    kept._worker.shutdown(wait=True)
    kept._worker = None
    registry.state = "three"  # written again at once: shown stale, not audited again so soon
    assert kept.get(("CHU-A",)) == ("two", False)
    assert registry.made == ["one", "two"] and kept._worker is None
    monkeypatch.setattr(dashboards, "REFRESH_SECONDS", 0.0)
    assert kept.get(("CHU-A",)) == ("two", False)
    kept._worker.shutdown(wait=True)
    assert registry.made == ["one", "two", "three"]


def _order_rows(page: str) -> list[list[str]]:
    section = page[page.index('<section id="orders"') :]
    section = section[: section.index("</section>")]
    return [
        [html.unescape(c) for c in re.findall(r"<td[^>]*>([^<]*)</td>", row)]
        for row in re.findall(r"<tr><td>.*?</tr>", section)
    ]


def test_the_pharmacys_order_delays_are_the_librarys_for_the_users_centres_and_follow_each_move(registry):
    chu_a = place_order()
    chu_b = place_order("dexamethasone", infusion="INF-003", episode="EP-003", centres=(OTHER_CENTRE,))
    pharmacist = user_of("pharmacist")
    ordering.advance(chu_b, chu_b.version, "validated", user_of("pharmacist", (OTHER_CENTRE,)))
    client = client_of("clinician")
    rows = _order_rows(_page(client))
    times = order_times(Order.objects.filter(pk=chu_a.pk))
    expected = order_delay_summary(order_delays(times).join(times["drug"]), by=["drug"])
    assert len(rows) == len(expected) == 7
    onset = expected.iloc[0]
    assert rows[0] == [
        "Tocilizumab",
        "Onset to order",
        "1",
        f"{onset.median_h:.1f} [{onset.q1_h:.1f}; {onset.q3_h:.1f}]",
    ]
    assert rows[1] == ["", "Order to validation", "0", "-"]  # CHU-B's validated order is not CHU-A's
    ordering.advance(chu_a, chu_a.version, "validated", pharmacist)  # a move is a new registry state
    rows = _order_rows(_page(client))
    assert rows[1][1:3] == ["Order to validation", "1"]


def test_the_dashboard_audits_against_the_pathway_in_force(cohort, settings):
    """The pathway the ward is advised by (IECTOX_PATHWAY) is the one the dashboard audits against: with the
    stricter example pathway, its KPI table is the library's under that pathway, not the default's."""
    stricter = Path(__file__).resolve().parents[3] / "examples" / "pathways" / "stricter_targets.toml"
    settings.IECTOX_PATHWAY = str(stricter)
    dataset = of_centre(cohort, "CHU-A")
    expected = audit(dataset, load_pathway(stricter))
    default = audit(dataset, default_pathway())
    labels = default_cohort_labels(expected)
    page = _page(client_of("clinician"))
    assert kpi_table(expected, labels, "en") in page
    assert kpi_table(default, labels, "en") != kpi_table(expected, labels, "en")


def test_bispecific_courses_are_audited_against_their_schedules_with_their_patients(registry):
    """The demo's bispecific courses (`iectox serve --demo` loads them): the dashboard is the library's audit
    of them too, its schedule deviations (`synth.demo.DEPARTURES`) linked to the courses' patients."""
    courses = demo_bsab_courses(DEFAULT_SEED)
    store(courses)
    page = _page(client_of("pharmacist"))
    expected = audit(of_centre(patients_dataset(Patient.objects.all()), "CHU-A"), default_pathway())
    labels = default_cohort_labels(expected)
    assert kpi_table(expected, labels, "en") in page
    table = page[page.index('<table class="deviations">') :]
    rows = dict(
        re.findall(r'<tr><td><a href="/quality/dashboard/rules/(bsab\.[\w.]+)/">(.*?)</tr>', table, re.S)
    )
    found = {f.rule for f in expected.findings if f.rule.startswith("bsab.") and f.severity == "deviation"}
    assert len(found) == 3 and found <= set(rows)
    patients = set(courses["patients"]["patient_id"])
    for rule in found:
        assert set(re.findall(r'<a href="/registry/patients/([\w-]+)/">', rows[rule])) <= patients
