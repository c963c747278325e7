"""The dashboard worker: the dashboards are computed in a process of their own and stored in the database,
where every server process reads them (`IECTOX_DASHBOARD_REFRESH = "worker"`, what `iectox serve` sets); a
stored dashboard not signed by the application is refused; the worker stops with the server."""

from __future__ import annotations

import types

import pytest

from iectox.i18n import LANGUAGES
from iectox.management.audit import audit
from iectox.management.pathway import default_pathway
from iectox.web.pathway import pathway_key
from iectox.web.quality import dashboard as dashboards
from iectox.web.quality import snapshots, worker
from iectox.web.quality.models import DashboardSnapshot
from iectox.web.quality.state import forget_counts
from iectox.web.registry.digests import patient_digests
from iectox.web.registry.models import Patient

from .quality_helpers import of_centre

CHU_A = ("CHU-A",)


@pytest.fixture
def with_worker(settings, monkeypatch) -> list[int]:
    """The worker mode; a reader awaiting a dashboard lets the worker poll meanwhile (what it does in its
    own process); the dashboards the worker computed at each of those polls."""
    settings.IECTOX_DASHBOARD_REFRESH = "worker"
    polled: list[int] = []
    clock = types.SimpleNamespace(
        monotonic=dashboards.time.monotonic, sleep=lambda s: polled.append(worker.poll())
    )
    monkeypatch.setattr(dashboards, "time", clock)
    return polled


class _AtOnce:
    """The thread reading a stored dashboard in the background, run at once: the test's rows are in its own
    transaction, which another thread's connection would not see."""

    def __init__(self, **kwargs) -> None:
        pass

    def submit(self, function, *args) -> None:
        function(*args)


@pytest.fixture(autouse=True)
def reading_at_once(monkeypatch) -> None:
    monkeypatch.setattr(dashboards, "ThreadPoolExecutor", _AtOnce)
    monkeypatch.setattr(dashboards, "connections", types.SimpleNamespace(close_all=lambda: None))


def _not_here(*args):
    raise AssertionError("a server process computed a dashboard")


def test_the_worker_computes_the_dashboard_once_and_every_server_process_reads_it(
    cohort, with_worker, monkeypatch
):
    assert worker.poll() == 0  # nobody asked yet
    reader, other = dashboards.Dashboards(), dashboards.Dashboards()  # two server processes
    first, current = reader.get(CHU_A)
    assert current and with_worker == [1]  # the reader waited for the worker's first dashboard
    expected = audit(of_centre(cohort, "CHU-A"), default_pathway())
    assert first.audit.counts() == expected.counts() and len(first.audit.findings) == len(expected.findings)
    assert set(first._pages) == set(first._figures) == set(LANGUAGES)  # made by the worker, for every reader
    monkeypatch.setattr(dashboards, "compute", _not_here)
    again, current = other.get(CHU_A)
    assert current and again.state == first.state and again is not first  # read from the database
    assert other.get(CHU_A)[0] is again  # read once per process
    assert not DashboardSnapshot.objects.get().wanted


def test_a_new_registry_state_is_asked_of_the_worker_at_most_every_refresh_seconds(
    cohort, with_worker, monkeypatch
):
    reader, real = dashboards.Dashboards(), dashboards.compute
    first, _ = reader.get(CHU_A)
    monkeypatch.setattr(dashboards, "compute", _not_here)
    patient = Patient.objects.get(patient_id="P-0001")
    patient.birth_year = 1950
    patient.save()
    forget_counts()  # the history's counts read now, not up to COUNT_SECONDS later (a slow machine)
    shown, current = reader.get(CHU_A)
    assert shown is first and not current and DashboardSnapshot.objects.get().wanted
    monkeypatch.setattr(dashboards, "compute", real)  # the worker's
    assert worker.poll() == 0  # started less than REFRESH_SECONDS ago: not yet
    monkeypatch.setattr(dashboards, "REFRESH_SECONDS", 0.0)
    assert worker.poll() == 1 and worker.poll() == 0
    shown, current = reader.get(CHU_A)  # the new one is read in the background, the one held shown meanwhile
    assert shown is first and not current and not DashboardSnapshot.objects.get().wanted
    shown, current = reader.get(CHU_A)
    assert current and shown.state != first.state and shown.state == dashboards.current()[0]


def test_a_timeline_takes_a_patients_findings_from_the_dashboard_the_worker_stored(cohort, with_worker):
    dashboards.Dashboards().get(CHU_A)
    another = dashboards.Dashboards()  # a server process that never showed the dashboard
    patient = of_centre(cohort, "CHU-A")["patients"]["patient_id"].iloc[0]
    digest = patient_digests(of_centre(cohort, "CHU-A"))[patient]
    found = another.findings_of(patient, digest, pathway_key())
    assert found is not None
    expected = audit(of_centre(cohort, "CHU-A"), default_pathway())
    infusions = set(of_centre(cohort, "CHU-A")["infusions"].query("patient_id == @patient")["infusion_id"])
    assert len(found[0]) == sum(f.infusion_id in infusions for f in expected.findings)
    assert another.findings_of(patient, "another digest", pathway_key()) is None
    assert another.findings_of(patient, digest, "another pathway") is None


def test_a_stored_dashboard_not_signed_by_the_application_is_refused(settings):
    packed = snapshots.pack({"a": 1})
    assert snapshots.unpack(packed) == {"a": 1}
    altered = packed[:-1] + bytes([packed[-1] ^ 1])
    with pytest.raises(snapshots.Tampered):
        snapshots.unpack(altered)
    settings.SECRET_KEY = "another application's key, at least fifty characters long for Django"
    with pytest.raises(snapshots.Tampered):
        snapshots.unpack(packed)
