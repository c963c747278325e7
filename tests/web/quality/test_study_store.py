"""Study runs shared by the server processes through the application's folder (`runs.py`): a process that
did not run the study serves its page, figures and downloads from the stored run, without running it again;
a stored file not signed by the application is never read; the folder keeps the last runs only.

Another server process is played by forgetting the runs this one keeps in memory (`RUNS.clear()`): what is
left is what the application's folder holds, as a process that never ran the study finds it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse

from iectox.web.quality import runs
from iectox.web.quality.runs import RUNS
from iectox.web.quality.state import forget_counts
from iectox.web.registry.models import Patient

from ..web_helpers import client_of

STUDY = reverse("quality:study")
SEED_PAGE = reverse("quality:study-result", kwargs={"spec": "seed"})
FIGURE = reverse("quality:study-figure", kwargs={"spec": "seed", "figure": "crs_grades"})
XLSX = reverse("quality:study-xlsx", kwargs={"spec": "seed"})


def _seed(client) -> bytes:
    assert client.post(STUDY, {"study": "seed"}).status_code == 302
    page = client.get(SEED_PAGE)
    assert page.status_code == 200
    return page.content


def _unmasked(page: bytes) -> bytes:
    """The page without its CSRF token, masked anew in every response."""
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", page)


def _stored() -> list[Path]:
    return sorted(path for path in runs.store().iterdir() if path.is_dir())


def _body(response) -> bytes:
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_another_process_serves_the_page_figures_and_downloads_of_a_stored_run(cohort, calls):
    client = client_of("analyst")
    page = _seed(client)
    figure, workbook = _body(client.get(FIGURE)), _body(client.get(XLSX))
    assert calls == {"run": 1, "report": 1}
    (folder,) = _stored()
    assert (
        folder.stat().st_mode & 0o777 == 0o700 and (folder / "result.iectox").stat().st_mode & 0o777 == 0o600
    )

    RUNS.clear()  # another server process: nothing in its memory
    assert _body(client.get(FIGURE)) == figure
    assert _body(client.get(XLSX)) == workbook
    assert _unmasked(client.get(SEED_PAGE).content) == _unmasked(page)
    assert calls == {"run": 1, "report": 1}  # neither the study nor its report made again

    RUNS.clear()
    french = client_of("data_manager", language="fr")  # the same centres, another language
    assert b"<h2>Tableaux</h2>" in french.get(SEED_PAGE).content
    assert calls == {"run": 1, "report": 2}
    RUNS.clear()
    french.get(SEED_PAGE)
    client.get(SEED_PAGE)
    assert calls == {"run": 1, "report": 2}


@pytest.mark.parametrize("stored", ["result.iectox", "en.iectox"])
def test_a_stored_file_not_signed_by_the_application_is_made_again_not_read(cohort, calls, stored):
    client = client_of("analyst")
    page = _seed(client)
    (folder,) = _stored()
    path = folder / stored
    data = bytearray(path.read_bytes())
    data[-1] ^= 0xFF  # one byte changed: the signature no longer matches
    path.write_bytes(bytes(data))
    RUNS.clear()
    assert _unmasked(client.get(SEED_PAGE).content) == _unmasked(page)
    assert calls == ({"run": 2, "report": 1} if stored == "result.iectox" else {"run": 1, "report": 2})


def test_a_kept_run_whose_folder_another_process_deleted_is_opened_again(cohort, calls):
    client = client_of("analyst")
    _seed(client)
    (folder,) = _stored()
    runs.shutil.rmtree(folder)  # deleted by another process (evicted), while this one keeps the run
    assert _body(client.get(FIGURE)).startswith(b"\x89PNG")  # not a missing file
    assert _stored() == [folder]
    assert calls == {"run": 2, "report": 2}


def test_the_folder_keeps_the_runs_used_last(cohort, calls, monkeypatch):
    monkeypatch.setattr(runs, "KEPT_STORED", 2)
    client = client_of("analyst")
    patient = Patient.objects.get(patient_id=cohort["patients"]["patient_id"].iloc[0])
    made = []
    for year in (1950, 1951, 1952):
        _seed(client)
        made += [path for path in _stored() if path not in made]
        patient.birth_year = year
        patient.save()  # a new registry state: a new run
        forget_counts()  # its history counts read now, not 5 s later (which would make one state two)
    assert len(made) == 3 and _stored() == sorted(made[1:])  # the oldest deleted
    assert calls["run"] == 3
