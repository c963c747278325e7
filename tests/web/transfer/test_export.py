"""Export of the registry (the user's centres, XLSX or zipped CSV, formulas neutralised, an exact round trip on
the demo cohort) and the de-identified export (no original code, every interval kept, a key that stays on the
server, logged)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from django.urls import reverse

from factories import small_dataset
from iectox.dataset import Dataset
from iectox.io import read_dataset
from iectox.synth import generate
from iectox.web.registry.models import BY_TABLE
from iectox.web.registry.records import store
from iectox.web.transfer import exporting
from iectox.web.transfer.models import Export

from ..web_helpers import client_of, user_of
from .transfer_helpers import (
    assert_same,
    centre_a,
    commit,
    edited,
    preview,
    registry_dataset,
    upload,
    workbook,
)

pytestmark = pytest.mark.django_db


def download(client, path, **data):
    response = client.post(reverse(path), data)
    assert response.status_code == 200, response.content[:500]
    name = response["Content-Disposition"].split('filename="')[1].rstrip('"')
    return name, b"".join(response.streaming_content)


def cohort_of_40() -> Dataset:
    """A synthetic cohort with every table (observations and labs included): 40 infusions, where the demo's
    401 made each of these tests take a minute, twice (SQLite and PostgreSQL)."""
    return generate(40, seed=5, observations=True)


def saved(tmp_path, name: str, content: bytes):
    path = tmp_path / name
    path.write_bytes(content)
    return path


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_a_synthetic_cohort_round_trips_exactly(tmp_path, file_format, django_capture_on_commit_callbacks):
    """Export -> import of the unchanged registry: "no change"; into an empty registry: the same dataset."""
    cohort = cohort_of_40()
    store(cohort)
    client = client_of("data_manager")
    name, content = download(client, "transfer:export", centre="", format=file_format)
    assert name.endswith(".xlsx" if file_format == "xlsx" else ".zip") and "registry-all" in name
    exported = saved(tmp_path, name, content)
    assert_same(read_dataset(exported), cohort)
    upload(client, exported)
    shown = preview(client)
    assert shown.context["same"] and shown.context["summary"] == [
        "The two datasets hold the same rows and values."
    ]
    assert "<button>Commit</button>" not in shown.content.decode()
    client.post(reverse("transfer:discard"))
    for model in reversed(list(BY_TABLE.values())):
        model.objects.all().delete()
    upload(client, exported)
    with django_capture_on_commit_callbacks(execute=True):
        commit(client, preview(client))
    assert_same(registry_dataset(), cohort)


def test_a_user_exports_only_the_patients_of_their_centres(tmp_path):
    store(small_dataset())
    client = client_of("clinician")
    name, content = download(client, "transfer:export", centre="", format="xlsx")
    exported = read_dataset(saved(tmp_path, name, content))
    assert exported["patients"]["patient_id"].tolist() == ["P-001", "P-002"]
    assert "INF-003" not in exported["infusions"]["infusion_id"].tolist()
    refused = client.post(reverse("transfer:export"), {"centre": "CHU-B", "format": "xlsx"})
    assert refused.status_code == 400 and "CHU-B is not one of your centres." in refused.content.decode()
    both = client_of("data_manager", centres=("CHU-A", "CHU-B"))
    name, content = download(both, "transfer:export", centre="CHU-B", format="csv")
    assert "registry-CHU-B" in name
    assert read_dataset(saved(tmp_path, name, content))["patients"]["patient_id"].tolist() == ["P-003"]
    log = [
        (e.user.username, e.kind, e.file_format, e.centres, e.patients) for e in Export.objects.order_by("pk")
    ]
    assert log == [
        ("clinician-CHU-A-en", "dataset", "xlsx", "CHU-A", 2),
        ("data_manager-CHU-A-CHU-B-en", "dataset", "csv", "CHU-B", 1),
    ]


def test_formula_like_text_is_neutralised_in_both_formats(tmp_path):
    data = edited(small_dataset(), "outcomes", {"infusion_id": "INF-002"}, death_cause="=HYPERLINK(1)")
    store(data)
    client = client_of("data_manager")
    name, content = download(client, "transfer:export", centre="", format="csv")
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        (outcomes,) = [n for n in package.namelist() if n.endswith("/outcomes.csv")]
        assert b",'=HYPERLINK(1)" in package.read(outcomes)
    name, content = download(client, "transfer:export", centre="", format="xlsx")
    cell = [
        c for c in openpyxl.load_workbook(io.BytesIO(content))["outcomes"]["E"] if c.value == "=HYPERLINK(1)"
    ]
    assert len(cell) == 1 and cell[0].data_type == "s" and cell[0].quotePrefix
    assert (
        read_dataset(saved(tmp_path, name, content))["outcomes"]["death_cause"].tolist()[1] == "=HYPERLINK(1)"
    )


def _delays(dataset: Dataset) -> pd.Series:
    """Per episode, the minutes from its infusion's date to its onset (an interval within a patient)."""
    episodes = dataset["toxicity_episodes"].merge(dataset["infusions"], on="infusion_id")
    return ((episodes["onset_at"] - episodes["infusion_date"]).dt.total_seconds() / 60).sort_values(
        ignore_index=True
    )


def test_the_deidentified_export_has_no_original_code_and_keeps_every_interval(tmp_path, settings):
    cohort = cohort_of_40()
    store(cohort)
    client = client_of("data_manager")
    name, content = download(client, "transfer:deidentified", centre="")
    assert name.startswith("iectox-deidentified-") and name.endswith(".xlsx")
    shared = read_dataset(saved(tmp_path, name, content))
    book = openpyxl.load_workbook(io.BytesIO(content))
    text = {str(c) for sheet in book for row in sheet.iter_rows(values_only=True) for c in row}
    originals = set(cohort["patients"]["patient_id"]) | set(cohort["infusions"]["infusion_id"])
    assert not originals & text and len(shared["patients"]) == len(cohort["patients"])
    pd.testing.assert_series_equal(_delays(shared), _delays(cohort), check_exact=True)
    assert (shared["infusions"]["infusion_date"] != cohort["infusions"]["infusion_date"]).any()
    again = read_dataset(
        saved(tmp_path, "again.xlsx", download(client, "transfer:deidentified", centre="")[1])
    )
    assert again["patients"]["patient_id"].tolist() == shared["patients"]["patient_id"].tolist()
    (entry,) = Export.objects.filter(kind="deidentified")[:1]
    assert (entry.user, entry.centres, entry.patients, entry.file_format) == (
        user_of("data_manager"),
        "CHU-A",
        40,
        "xlsx",
    )
    assert entry.history.count() == 1


def test_the_key_is_made_once_private_and_never_served(settings):
    store(small_dataset())
    client = client_of("administrator")
    download(client, "transfer:deidentified", centre="", code_centres="yes")
    key = exporting.key_path()
    assert key.parent == Path(settings.VAR) and key.stat().st_mode & 0o777 == 0o600
    secret = key.read_text().strip()
    download(client, "transfer:deidentified", centre="")
    assert key.read_text().strip() == secret
    for page in ("transfer:index", "transfer:deidentified", "transfer:log"):
        assert secret not in client.get(reverse(page)).content.decode()


def test_code_centres_codes_them(tmp_path):
    store(small_dataset())
    client = client_of("data_manager")
    name, content = download(client, "transfer:deidentified", centre="", code_centres="yes")
    centres = read_dataset(saved(tmp_path, name, content))["patients"]["centre"].tolist()
    assert len(set(centres)) == 1 and centres[0].startswith("C-") and "CHU-A" not in centres


@pytest.mark.parametrize(
    ("role", "page", "allowed"),
    [
        ("clinician", "transfer:index", True),
        ("pharmacist", "transfer:index", True),
        ("analyst", "transfer:deidentified", False),
        ("auditor", "transfer:deidentified", False),
        ("data_manager", "transfer:deidentified", True),
        ("administrator", "transfer:deidentified", True),
        ("auditor", "transfer:log", True),
        ("clinician", "transfer:log", False),
    ],
)
def test_roles(role, page, allowed):
    store(small_dataset())
    assert (client_of(role).get(reverse(page)).status_code == 200) is allowed


def test_the_log_shows_exports_and_imports_of_the_readers_centres(tmp_path):
    store(small_dataset())
    download(client_of("data_manager", centres=("CHU-B",)), "transfer:export", centre="", format="xlsx")
    manager = client_of("data_manager")
    download(manager, "transfer:deidentified", centre="")
    upload(
        manager, workbook(edited(centre_a(), "patients", {"patient_id": "P-001"}, birth_year=1962), tmp_path)
    )
    commit(manager, preview(manager))
    page = client_of("auditor").get(reverse("transfer:log"))
    assert [(r["entry"].centres, r["kind"]) for r in page.context["exports"]] == [("CHU-A", "de-identified")]
    (entry,) = page.context["imports"]
    assert (entry["entry"].centres, entry["entry"].patients) == ("CHU-A", 2)
    assert entry["changes"] == [("patients", {"added": 0, "changed": 1, "deleted": 0, "kept": 0})]
    assert "patients: 0 added, 1 changed, 0 deleted, 0 kept" in page.content.decode()
    assert client_of("auditor", centres=("CHU-B",)).get(reverse("transfer:log")).context["imports"] == []
