"""What the load benchmark's three requests cost in queries, and what their kept results are keyed by.

The patient page, the dashboard and the observation save each make a number of queries that does not grow
with the patient's rows (no query per observation, infusion or episode); a saved observation shows at once on
the patient page (its timeline is kept under a digest of the rows) and on the dashboard (kept per registry
state, which the save moves)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from iectox.web.bedside.advice import infusion_rows
from iectox.web.quality import dashboard as dashboards
from iectox.web.quality import state
from iectox.web.registry import saving
from iectox.web.registry.digests import DIGESTED
from iectox.web.registry.models import Administration, Infusion, Observation, Patient
from iectox.web.registry.records import patient_dataset, patients_dataset, rows_dataset

from ..web_helpers import client_of
from .conftest import INFUSION, WARD
from .test_observe import FEBRILE_HYPOTENSIVE, text

TIMELINE = reverse("bedside:timeline", args=[WARD])
OBSERVE = reverse("bedside:observe", args=[INFUSION])
DASHBOARD = reverse("quality:dashboard")


def _queries(call) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = call()
    assert response.status_code in (200, 302), response.status_code
    return len(queries)


def _observe(n: int) -> None:
    """`n` more observations of the ward's infusion, stored as the form stores one."""
    for hour in range(n):
        at = dt.datetime(2024, 3, 2, 0, 0) + dt.timedelta(hours=hour, minutes=Observation.objects.count())
        saving.create(
            Observation,
            {
                "infusion_id": INFUSION,
                "observed_at": at,
                "observed_at_time_known": True,
                "temperature_c": 37.2,
            },
        )


@pytest.mark.parametrize(
    "request_",
    [
        lambda client: client.get(TIMELINE),
        lambda client: client.get(DASHBOARD),
        lambda client: client.post(OBSERVE, {**FEBRILE_HYPOTENSIVE, "observed_at": "2024-03-04 10:00"}),
    ],
    ids=["patient page", "dashboard", "observation save"],
)
def test_the_number_of_queries_does_not_grow_with_the_patients_rows(ward, request_, monkeypatch):
    monkeypatch.setattr(state, "COUNT_SECONDS", 3600.0)  # the history counts read when forgotten only
    nurse = client_of("clinician")
    state.forget_counts()
    nurse.get(TIMELINE)  # the session, the user and the dashboard's first state, read once
    nurse.get(DASHBOARD)
    few = _queries(lambda: request_(nurse))
    _observe(12)
    state.forget_counts()
    nurse.get(DASHBOARD)  # the new state's audit, not what is counted
    many = _queries(lambda: request_(nurse))
    assert many == few
    assert few <= 20


def test_a_saved_observation_shows_at_once_on_the_patient_page_and_the_dashboard(ward, monkeypatch):
    audited = []
    real = dashboards.audit
    monkeypatch.setattr(dashboards, "audit", lambda dataset, *a: audited.append(dataset) or real(dataset, *a))
    nurse = client_of("clinician")
    before = text(nurse.get(TIMELINE))
    nurse.get(DASHBOARD)
    assert "38.6" not in before and len(audited) == 1
    saved = nurse.post(OBSERVE, FEBRILE_HYPOTENSIVE)
    assert saved.status_code == 302
    after = text(nurse.get(TIMELINE))
    assert "2024-03-03 10:00 38.6" in after  # the new observation, not the timeline kept before it
    assert nurse.get(DASHBOARD).status_code == 200
    assert len(audited) == 2  # a new registry state, audited with the new row
    observed = audited[-1]["observations"]
    assert ((observed["infusion_id"] == INFUSION) & (observed["temperature_c"] == 38.6)).sum() == 1


def test_a_patients_dataset_from_its_row_already_read_is_the_one_read_whole(ward):
    for code in (WARD, "P-001", "P-003"):
        patient = Patient.objects.get(patient_id=code)
        whole = patients_dataset(Patient.objects.filter(pk=patient.pk), DIGESTED)
        with CaptureQueriesContext(connection) as queries:
            alone = patient_dataset(patient, DIGESTED)
        assert alone.equals(whole) and len(alone["patients"]) == 1
        assert len(queries) == len(DIGESTED) - 1  # its own row is not read again


def test_an_infusions_rows_from_its_row_already_read_are_those_read_whole(ward):
    _observe(3)
    for code in (INFUSION, "INF-001", "INF-003"):
        infusion = Infusion.objects.get(infusion_id=code)
        whole = rows_dataset(
            {
                "patients": Patient.objects.filter(patient_id=infusion.patient_id),
                "infusions": Infusion.objects.filter(pk=infusion.pk),
                "observations": Observation.objects.filter(infusion_id=code),
                "administrations": Administration.objects.filter(infusion_id=code),
            }
        )
        with CaptureQueriesContext(connection) as queries:
            rows, numbers = infusion_rows(infusion)
        assert rows.equals(whole) and len(rows["infusions"]) == len(rows["patients"]) == 1
        assert len(queries) == 3  # its patient, observations and doses; not the infusion again
        assert numbers == list(Observation.objects.filter(infusion_id=code).values_list("pk", flat=True))
    rows, numbers = infusion_rows(Infusion.objects.get(infusion_id=INFUSION))
    assert len(rows["observations"]) == len(numbers) == 3
