"""Bulk import: upload -> preview (every issue at its sheet, row and column; what would change, row by row) ->
commit all or nothing, once, bound to the uploader's session and the file's checksum; only one's centres."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from factories import small_dataset
from iectox.web.registry import records, saving
from iectox.web.registry.models import BY_TABLE, Administration, Infusion, Patient, ToxicityEpisode
from iectox.web.registry.records import store
from iectox.web.submission import Submission
from iectox.web.transfer import uploads
from iectox.web.transfer.models import Import

from ..web_helpers import client_of, user_of
from .transfer_helpers import (
    assert_same,
    centre_a,
    commit,
    csv_zip,
    edited,
    pending,
    preview,
    registry_dataset,
    upload,
    workbook,
    zip_of,
)

pytestmark = pytest.mark.django_db


def spoil(path, sheet: str, row: int, column: str, value: object):
    book = openpyxl.load_workbook(path)
    cells = book[sheet]
    position = [c.value for c in cells[1]].index(column) + 1
    cells.cell(row=row, column=position, value=value)
    book.save(path)
    return path


def located(response) -> set[tuple]:
    return {(i["sheet"], i["row"], i["column"], i["rule"]) for i in response.context["issues"] if i["error"]}


def test_a_workbook_with_errors_previews_each_issue_at_its_cell_and_stores_nothing(tmp_path):
    path = workbook(centre_a(), tmp_path)
    spoil(path, "infusions", 2, "infusion_date", "2023-13-45")
    spoil(path, "infusions", 3, "therapy", "Yescarte")
    spoil(path, "outcomes", 3, "death_cause", "rappeler au 06 12 34 56 78")
    client = client_of("data_manager")
    assert upload(client, path).status_code == 302
    shown = preview(client)
    assert shown.status_code == 422
    assert located(shown) == {
        ("infusions", 2, "infusion_date", "date"),
        ("infusions", 3, "therapy", "vocabulary"),
        ("outcomes", 3, "death_cause", "direct_identifier_value"),
    }
    (phone,) = [i for i in shown.context["issues"] if i["rule"] == "direct_identifier_value"]
    assert phone["message"].startswith("death_cause holds what looks like a phone number (not shown)")
    html = shown.content.decode()
    assert "Yescarte" in html and "06 12 34 56 78" not in html  # the identifier is named, never shown
    assert "plan" not in shown.context and "<button>Commit</button>" not in html
    refused = commit(client, shown)
    assert refused.status_code == 302 and Patient.objects.count() == 0
    assert sum(model.objects.count() for model in BY_TABLE.values()) == 0


def test_issues_are_in_the_users_language(tmp_path):
    path = spoil(workbook(centre_a(), tmp_path), "infusions", 3, "therapy", "Yescarte")
    client = client_of("data_manager", language="fr")
    upload(client, path)
    (issue,) = [i for i in preview(client).context["issues"] if i["rule"] == "vocabulary"]
    assert "n'est pas" in issue["message"] and issue["severity"] == "erreur"
    assert issue["where"] == "upload.xlsx, feuille infusions, ligne 3, colonne therapy"


@pytest.mark.parametrize("make", [workbook, csv_zip], ids=["xlsx", "csv-zip"])
def test_a_valid_file_commits_every_row_with_history(tmp_path, make, django_capture_on_commit_callbacks):
    data = centre_a()
    client = client_of("data_manager")
    upload(client, make(data, tmp_path))
    shown = preview(client)
    assert shown.status_code == 200 and shown.context["committable"]
    assert shown.context["summary"][0] == "patients: 2 added, 0 removed, 0 changed, 0 unchanged"
    with django_capture_on_commit_callbacks(execute=True):
        done = commit(client, shown)
    assert done.status_code == 302 and done["Location"] == reverse("transfer:import")
    assert_same(registry_dataset(), data)
    user = user_of("data_manager")
    assert {h.history_user for h in Patient.history.all()} == {user}
    assert Infusion.history.filter(history_type="+").count() == 2
    entry = Import.objects.get()
    assert (entry.status, entry.patients, entry.centres) == (Import.COMMITTED, 2, "CHU-A")
    assert entry.changes["observations"] == {"added": 1, "changed": 0, "deleted": 0, "kept": 0}
    assert not uploads.path_of(entry).parent.exists()  # the upload is deleted once committed


def test_a_second_commit_of_the_same_preview_stores_nothing(tmp_path):
    client = client_of("data_manager")
    upload(client, workbook(centre_a(), tmp_path))
    shown = preview(client)
    commit(client, shown)
    again = commit(client, shown)
    assert again.status_code == 302
    assert Patient.objects.count() == 2 and Patient.history.count() == 2
    assert Submission.objects.count() == 1
    messages = [m.message for m in again.wsgi_request._messages]
    assert messages[0].startswith(
        "Imported, in one transaction: patients: 2 added, 0 changed, 0 deleted, 0 kept;"
    )
    assert messages[-1] == "This preview was already committed: nothing more was stored."


def test_a_commit_failing_half_way_leaves_nothing(tmp_path, monkeypatch):
    """An error on the last table (outcomes) after the others were written: nothing stays."""
    client = client_of("data_manager", raise_request_exception=False)
    upload(client, workbook(centre_a(), tmp_path))
    shown = preview(client)
    written = records.bulk_create_with_history

    def fail_on_outcomes(objects, model, **options):
        if model is BY_TABLE["outcomes"]:
            assert Patient.objects.count() == 2  # the earlier tables are written, in the transaction
            raise RuntimeError("disk full")
        return written(objects, model, **options)

    monkeypatch.setattr(records, "bulk_create_with_history", fail_on_outcomes)
    assert commit(client, shown).status_code == 500
    assert sum(model.objects.count() + model.history.count() for model in BY_TABLE.values()) == 0
    assert pending().status == Import.PENDING and Submission.objects.count() == 0
    monkeypatch.setattr(records, "bulk_create_with_history", written)
    assert commit(client, preview(client)).status_code == 302
    assert_same(registry_dataset(), centre_a())


def test_a_reimport_shows_the_exact_changed_cells_and_applies_only_them(tmp_path):
    store(centre_a())
    newer = edited(centre_a(), "infusions", {"infusion_id": "INF-001"}, weight_kg=72.0)
    newer = edited(
        newer,
        "toxicity_episodes",
        {"episode_id": "EP-002"},
        onset_at=dt.datetime(2023, 5, 21, 9, 45),
        onset_at_time_known=True,
    )
    newer = edited(newer, "observations", {"infusion_id": "INF-001"}, temperature_c=38.9)
    client = client_of("data_manager")
    upload(client, workbook(newer, tmp_path))
    shown = preview(client)
    tables = {t["table"]: t for t in shown.context["tables"]}
    assert set(tables) == {"infusions", "toxicity_episodes", "observations"}
    assert tables["infusions"]["changed"] == [{"key": "INF-001", "cells": [("weight_kg", "71.4", "72")]}]
    assert tables["toxicity_episodes"]["changed"] == [
        {"key": "EP-002", "cells": [("onset_at", "2023-05-21", "2023-05-21 09:45")]}
    ]
    assert tables["observations"]["changed"] == [
        {"key": "INF-001, 2023-05-19 14:00", "cells": [("temperature_c", "38.4", "38.9")]}
    ]
    assert shown.context["summary"][1] == "infusions: 0 added, 0 removed, 1 changed, 1 unchanged"
    commit(client, shown)
    assert_same(registry_dataset(), newer)
    assert Infusion.objects.get(infusion_id="INF-001").version == 2
    assert Infusion.objects.get(infusion_id="INF-002").version == 1
    (change,) = Infusion.history.filter(infusion_id="INF-001", history_type="~")
    assert [c.field for c in change.diff_against(change.prev_record).changes] == ["version", "weight_kg"]
    assert ToxicityEpisode.history.filter(history_type="~").count() == 1
    assert Patient.history.filter(history_type="~").count() == 0


def test_rows_missing_from_the_file_are_kept_unless_their_deletion_is_ticked(tmp_path):
    store(centre_a())
    data = centre_a()
    fewer = {name: data[name] for name in data}
    fewer["administrations"] = data["administrations"][
        data["administrations"]["administration_id"] != "ADM-002"
    ]
    newer = type(data).from_frames(fewer)
    client = client_of("data_manager")
    upload(client, workbook(newer, tmp_path))
    shown = preview(client)
    (table,) = shown.context["tables"]
    assert (table["table"], table["removed"]) == ("administrations", ["ADM-002"])
    commit(client, shown)
    assert Administration.objects.filter(administration_id="ADM-002").exists()
    assert Import.objects.get().changes["administrations"]["kept"] == 1
    upload(client, workbook(newer, tmp_path, "again.xlsx"))
    commit(client, preview(client), delete_missing=True)
    assert not Administration.objects.filter(administration_id="ADM-002").exists()
    assert Administration.history.filter(administration_id="ADM-002", history_type="-").count() == 1
    assert_same(registry_dataset(), newer)


def test_keeping_missing_rows_that_the_file_contradicts_is_refused(tmp_path):
    """The file says INF-001 had no CRS, and leaves out its CRS episode: keeping the episode is invalid."""
    store(centre_a())
    data = centre_a()
    frames = {name: data[name] for name in data}
    frames["toxicity_episodes"] = data["toxicity_episodes"][
        data["toxicity_episodes"]["episode_id"] != "EP-001"
    ]
    frames["administrations"] = data["administrations"][data["administrations"]["reason"] != "CRS"]
    newer = edited(type(data).from_frames(frames), "infusions", {"infusion_id": "INF-001"}, crs_status="no")
    client = client_of("data_manager")
    upload(client, workbook(newer, tmp_path))
    shown = preview(client)
    assert shown.context["kept_errors"] and shown.context["committable"]
    commit(client, shown)
    assert ToxicityEpisode.objects.filter(episode_id="EP-001").exists()
    assert Infusion.objects.get(infusion_id="INF-001").crs_status is None
    commit(client, preview(client), delete_missing=True)
    assert_same(registry_dataset(), newer)


def test_a_registry_changed_after_the_preview_is_not_overwritten(tmp_path):
    store(centre_a())
    client = client_of("data_manager")
    upload(
        client,
        workbook(edited(centre_a(), "infusions", {"infusion_id": "INF-001"}, weight_kg=72.0), tmp_path),
    )
    shown = preview(client)
    infusion = Infusion.objects.get(infusion_id="INF-001")
    saving.update(
        infusion, 1, {**records.model_values("infusions", {}), **_values(infusion), "height_cm": 170.0}
    )
    refused = commit(client, shown)
    assert refused["Location"] == reverse("transfer:preview")
    assert Infusion.objects.get(infusion_id="INF-001").weight_kg == 71.4
    assert pending().status == Import.PENDING
    again = preview(client)
    assert again.context["tables"][0]["changed"][0]["cells"] == [
        ("weight_kg", "71.4", "72"),
        ("height_cm", "170", "165"),
    ]


def _values(record) -> dict:
    return {name: getattr(record, name) for name in records.stored_columns(record.contract)}


def test_rows_of_another_centre_are_errors_naming_the_row(tmp_path):
    client = client_of("data_manager")
    upload(client, workbook(small_dataset(), tmp_path))
    shown = preview(client)
    assert ("patients", 4, "centre", "centre_not_yours") in located(shown)
    (issue,) = [i for i in shown.context["issues"] if i["rule"] == "centre_not_yours"]
    assert issue["message"] == (
        "centre 'CHU-B' is not one of your centres (CHU-A): you may import only the patients of your centres"
    )
    assert Patient.objects.count() == 0


def test_a_centre_cell_the_library_refuses_is_left_to_its_issue_and_never_shown(tmp_path):
    path = spoil(workbook(centre_a(), tmp_path), "patients", 2, "centre", "jean.dupont@chu.fr")
    client = client_of("data_manager")
    upload(client, path)
    shown = preview(client)
    assert {(i["row"], i["column"], i["rule"]) for i in shown.context["issues"]} == {
        (2, "centre", "direct_identifier_value")
    }
    assert "jean.dupont" not in shown.content.decode()


def test_a_patient_of_another_centre_cannot_be_moved_into_ones_own(tmp_path):
    store(small_dataset())
    moved = edited(small_dataset(), "patients", {"patient_id": "P-003"}, centre="CHU-A")
    client = client_of("data_manager")
    upload(client, workbook(moved, tmp_path))
    shown = preview(client)
    assert ("patients", 4, "patient_id", "centre_not_yours") in located(shown)
    assert Patient.objects.get(patient_id="P-003").centre == "CHU-B"


def test_a_code_used_by_a_patient_outside_the_file_is_an_error(tmp_path):
    store(small_dataset())
    data = centre_a()
    frames = {name: data[name] for name in data}
    frames["patients"] = data["patients"].assign(patient_id=["P-101", "P-102"])
    frames["infusions"] = data["infusions"].assign(patient_id=["P-101", "P-102"])
    client = client_of("data_manager")
    upload(client, workbook(type(data).from_frames(frames), tmp_path))
    shown = preview(client)
    errors = {(i["sheet"], i["value"]) for i in shown.context["plan_errors"]}
    assert {("infusions", "INF-001"), ("infusions", "INF-002"), ("administrations", "ADM-001")} <= errors
    assert not shown.context["committable"]


def test_the_preview_is_bound_to_the_uploaders_session_and_the_files_checksum(tmp_path):
    client = client_of("data_manager")
    upload(client, workbook(centre_a(), tmp_path))
    shown = preview(client)
    other_session = client_of("data_manager")
    assert other_session.get(reverse("transfer:preview"))["Location"] == reverse("transfer:import")
    assert commit(other_session, shown)["Location"] == reverse("transfer:import")
    path = uploads.path_of(pending())
    path.write_bytes(path.read_bytes() + b"\0")
    assert "no longer the one that was checked" in preview(client).context["refused"]
    assert commit(client, shown)["Location"] == reverse("transfer:preview")
    assert Patient.objects.count() == 0


def test_a_zip_with_parent_paths_is_refused_and_nothing_is_unpacked(tmp_path, settings):
    client = client_of("data_manager")
    upload(client, data=zip_of({"../patients.csv": b"patient_id\nP-9\n"}), name="registry.zip")
    refused = preview(client).context["refused"]
    assert refused == (
        "upload.zip: holds '../patients.csv', a name that leads outside the archive's folder (an absolute path "
        "or '..'); nothing was unpacked"
    )
    assert sorted(p.name for p in uploads.path_of(pending()).parent.iterdir()) == ["upload.zip"]
    assert not list((uploads.imports_folder()).glob("*.csv"))


def test_wrong_kinds_and_sizes_are_refused(tmp_path, monkeypatch):
    before = set(uploads.imports_folder().iterdir())
    client = client_of("data_manager")
    assert upload(client, data=b"patient_id\n", name="patients.csv").status_code == 400
    assert client.post(reverse("transfer:import"), {}).status_code == 400
    monkeypatch.setenv("IECTOX_MAX_UPLOAD_MB", "0")
    small = upload(client, workbook(centre_a(), tmp_path))  # declared small: stopped while it is read
    assert small.status_code == 413 and "larger than 0 MB" in small.content.decode()
    large = upload(client, data=b"x" * 100_000, name="big.xlsx")  # declared too large: not read at all
    assert large.status_code == 413 and "larger than 0 MB" in large.content.decode()
    assert Import.objects.count() == 0 and set(uploads.imports_folder().iterdir()) == before


def test_a_forged_csrf_token_is_refused_and_nothing_is_kept(tmp_path):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user_of("data_manager"))
    file = SimpleUploadedFile("registry.xlsx", workbook(centre_a(), tmp_path).read_bytes())
    forged = client.post(reverse("transfer:import"), {"file": file, "csrfmiddlewaretoken": "forged" * 8})
    assert forged.status_code == 403 and Import.objects.count() == 0
    client.get(reverse("transfer:import"))
    file.seek(0)
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    assert (
        client.post(reverse("transfer:import"), {"file": file, "csrfmiddlewaretoken": token}).status_code
        == 302
    )
    assert Import.objects.count() == 1


def test_an_expired_upload_is_deleted(tmp_path):
    client = client_of("data_manager")
    upload(client, workbook(centre_a(), tmp_path))
    waiting = pending()
    Import.objects.filter(pk=waiting.pk).update(started_at=waiting.started_at - dt.timedelta(hours=2))
    assert preview(client)["Location"] == reverse("transfer:import")
    assert Import.objects.get().status == Import.EXPIRED
    assert not uploads.path_of(waiting).parent.exists()


def test_a_discarded_upload_is_deleted_and_stores_nothing(tmp_path):
    client = client_of("data_manager")
    upload(client, workbook(centre_a(), tmp_path))
    folder = uploads.path_of(pending()).parent
    client.post(reverse("transfer:discard"))
    assert Import.objects.get().status == Import.DISCARDED and not folder.exists()
    assert Patient.objects.count() == 0


def test_the_uploaded_file_is_private(tmp_path):
    client = client_of("data_manager")
    upload(client, workbook(centre_a(), tmp_path, "Dupont Jean.xlsx"))
    path = uploads.path_of(pending())
    assert path.name == "upload.xlsx"
    assert path.stat().st_mode & 0o777 == 0o600 and path.parent.stat().st_mode & 0o777 == 0o700
    assert "Dupont" not in str(Import.objects.values().get())


@pytest.mark.parametrize("role", ["clinician", "pharmacist", "analyst", "auditor"])
def test_only_roles_that_edit_the_registry_import(role, tmp_path):
    client = client_of(role)
    assert client.get(reverse("transfer:import")).status_code == 403
    assert upload(client, workbook(centre_a(), tmp_path)).status_code == 403
    assert Import.objects.count() == 0


def test_a_signed_out_upload_is_sent_to_the_login_page(tmp_path):
    response = upload(Client(), workbook(centre_a(), tmp_path))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
