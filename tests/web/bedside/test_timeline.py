"""A patient's timeline: each infusion's chart, its episodes graded by ASTCT from the observations beside the
recorded grades, the doses given and the audit's findings, from that patient's rows only; in French too."""

from __future__ import annotations

import re

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from iectox.synth.demo import demo_bsab_courses
from iectox.synth.generate import DEFAULT_SEED
from iectox.web.bedside import timeline as timeline_module
from iectox.web.quality.dashboard import DASHBOARDS
from iectox.web.registry.models import Observation
from iectox.web.registry.records import store

from ..web_helpers import client_of
from .test_observe import FEBRILE_HYPOTENSIVE, text

P001 = reverse("bedside:timeline", args=["P-001"])


def test_the_timeline_shows_grades_with_reasons_doses_and_the_audit(registry):
    response = client_of("analyst").get(P001)  # any role that reads the registry
    assert response.status_code == 200
    page = text(response)
    assert (
        "Infusion INF-001 therapy Axicabtagene ciloleucel (Yescarta) infusion_date 2023-05-17 weight_kg 71.4"
        in page
    )
    # INF-001's one observation: fever 38.4 °C on 4 L/min nasal oxygen (ASTCT grade 2), ICE 10.
    assert "CRS 2 grade 2: low-flow nasal cannula 4 L/min 2023-05-19 14:00 2 ASTCT2019 same grade" in page
    assert "ICANS 0 grade 0: ICE 10/10, no other domain affected 1 ASTCT2019 different grade" in page
    assert "ADM-001 Tocilizumab 2023-05-20 08:00 571.2 Intravenous CRS" in page
    assert "deviation First dose of tocilizumab 18.0 h after CRS reached grade 2; target 2 h." in page
    assert "Enter observations" not in page  # an analyst enters none
    assert page.count("<svg") == 0 and response.content.decode().count("<svg") == 1


def test_the_chart_is_inline_and_the_nurse_is_offered_the_form(registry):
    html = client_of("clinician").get(P001).content.decode()
    assert re.search(
        r'<figure class="chart"><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 760 \d+"', html
    )
    assert "<title>2023-05-19 14:00: 38.4 °C</title>" in html
    assert f'href="{reverse("bedside:observe", args=["INF-001"])}"' in html


def test_in_french(registry):
    page = text(client_of("clinician", language="fr").get(P001))
    assert (
        "CRS 2 grade 2 : lunettes nasales à bas débit 4 L/min 2023-05-19 14:00 2 ASTCT2019 même grade" in page
    )
    assert (
        "écart Première dose de tocilizumab 18,0 h après le passage du CRS au grade 2 ; objectif 2 h." in page
    )
    assert "Protocole : protocole par défaut d'iectox" in page


def test_another_centres_patient_is_not_found(registry):
    assert client_of("clinician").get(reverse("bedside:timeline", args=["P-003"])).status_code == 404
    assert (
        client_of("clinician", ("CHU-B",)).get(reverse("bedside:timeline", args=["P-003"])).status_code == 200
    )


def test_the_page_reads_that_patients_rows_only(registry):
    """A bounded number of queries, each on the patient or its infusions (never a whole table)."""
    client = client_of("clinician")
    client.get(P001)  # sessions, user, centres warmed
    with CaptureQueriesContext(connection) as queries:
        client.get(P001)
    registry_reads = [q["sql"] for q in queries if '"registry_' in q["sql"]]
    assert len(registry_reads) <= 8, registry_reads
    for sql in registry_reads:
        assert "WHERE" in sql, sql


def test_the_timeline_is_not_computed_again_until_a_row_changes(registry, monkeypatch):
    """The whole timeline is kept under the rows' digest: shown again, nothing is graded or audited."""
    cache.clear()  # kept by the tests before, under the same rows' digest
    DASHBOARDS.clear()  # nor this patient's findings from a dashboard of the same rows
    runs = []
    real, grade = timeline_module.audit, timeline_module.grade_dataset
    monkeypatch.setattr(timeline_module, "audit", lambda *a, **k: runs.append(1) or real(*a, **k))
    monkeypatch.setattr(timeline_module, "grade_dataset", lambda *a, **k: runs.append(2) or grade(*a, **k))
    nurse = client_of("clinician")
    first = text(nurse.get(P001))
    assert text(nurse.get(P001)) == first and sorted(runs) == [1, 2]
    observe = reverse("bedside:observe", args=["INF-001"])
    assert nurse.post(observe, {**FEBRILE_HYPOTENSIVE, "observed_at": "2023-05-20 09:00"}).status_code == 302
    nurse.get(P001)
    assert sorted(runs) == [1, 1, 2, 2]  # a new observation: a new digest, graded and audited again
    assert Observation.objects.filter(infusion_id="INF-001").count() == 2


def test_the_patient_list_shows_the_users_centres_only(registry):
    page = text(client_of("clinician").get(reverse("bedside:patients")))
    assert "P-001 CHU-A P-002 CHU-A" in page and "P-003" not in page
    found = text(client_of("clinician").get(reverse("bedside:patients"), {"q": "p-002"}))
    assert "P-002" in found and "P-001" not in found


def test_a_bispecific_course_shows_its_step_up_doses_and_its_schedule_audit(registry):
    """A course of the demo's bispecific antibodies: each dose with its step, cycle and discharge (the doses
    table showed neither), the premedication, and the schedule audit's finding on the missing premedication
    before step-up dose 2 (`synth.demo.DEPARTURES`)."""
    courses = demo_bsab_courses(DEFAULT_SEED)
    store(courses)
    infusions = courses["infusions"]
    course = infusions.loc[infusions["therapy"] == "teclistamab", "infusion_id"].iloc[0]
    patient = infusions.loc[infusions["infusion_id"] == course, "patient_id"].iloc[0]
    page = text(client_of("clinician").get(reverse("bedside:timeline", args=[patient])))
    assert "Infusion BSAB-009 therapy Teclistamab (Tecvayli) infusion_date 2024-10-28" in page
    doses = page[page.index("Doses given") : page.index("Management audit")]
    assert "dose_step cycle discharged_at" in doses
    assert (
        "BSAB-009-D00 Teclistamab (Tecvayli) 2024-10-28 10:00 4.926 Intravenous The bispecific antibody course "
        "itself Step-up dose 1 1 2024-10-30 12:00"
    ) in doses
    assert (
        "BSAB-009-D01 Teclistamab (Tecvayli) 2024-10-31 10:00 24.63" in doses and "Step-up dose 2 1" in doses
    )
    assert "BSAB-009-P02 Dexamethasone 2024-11-03 09:00 16 Oral Premedication before a bispecific" in doses
    assert (
        "deviation Step-up dose 2: no premedication recorded before the dose; the label requires it." in page
    )
