"""In Chromium: a data manager signs in, uploads a newer workbook of the registry's patients, sees the preview
(a warning at its cell, the changed cells, a row missing from the file) and commits it, deleting the missing
row; the registry then holds the file's values."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from browser_support import screenshot
from iectox.web.accounts.making import make_user
from iectox.web.registry.models import Administration, Infusion, ToxicityEpisode
from iectox.web.registry.records import store

from .transfer_helpers import centre_a, edited, workbook

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module", autouse=True)
def _database_calls_beside_the_browser():
    """Playwright's loop runs in the test's thread until the session ends: Django's database calls are allowed
    from it for longer than `page` allows them, up to the flush of the database after the test."""
    patch = pytest.MonkeyPatch()
    patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    yield
    patch.undo()


def test_upload_preview_and_commit_a_workbook(django_db_setup, live_server, page, tmp_path):
    store(centre_a())
    newer = edited(centre_a(), "infusions", {"infusion_id": "INF-001"}, weight_kg=72.5)
    newer = edited(
        newer,
        "toxicity_episodes",
        {"episode_id": "EP-002"},
        onset_at=dt.datetime(2023, 5, 21, 9, 45),
        onset_at_time_known=True,
    )
    frames = {name: newer[name] for name in newer}
    frames["administrations"] = newer["administrations"][
        newer["administrations"]["administration_id"] != "ADM-002"
    ]
    path = workbook(type(newer).from_frames(frames), tmp_path, "registry-2024-06.xlsx")
    book = openpyxl.load_workbook(path)
    book["toxicity_episodes"]["D2"].number_format = "yyyy-mm-dd"  # EP-001's 14:30 no longer shown: a warning
    book.save(path)
    _, password = make_user("dm-browser", "data_manager", ["CHU-A"])

    page.goto(f"{live_server.url}/accounts/login/?next=/transfer/import/")
    page.fill("input[name=username]", "dm-browser")
    page.fill("input[name=password]", password)
    page.click("button:has-text('Sign in')")
    page.wait_for_url("**/transfer/import/")
    page.set_input_files("input[name=file]", str(path))
    page.click("button:has-text('Check the file')")
    page.wait_for_url("**/transfer/import/preview/")
    assert page.text_content("h1") == "Import preview"
    warning = page.locator("table.issues tr.warning")
    assert warning.locator("td").all_inner_texts()[:6] == [
        "warning",
        "toxicity_episodes",
        "2",
        "onset_at",
        "14:30",
        "time_not_shown",
    ]
    assert page.is_visible("text=infusions: 0 added, 0 removed, 1 changed, 1 unchanged")
    changed = page.locator("section.changes", has=page.locator("h3", has_text="infusions"))
    assert (
        changed.locator("td.old").inner_text() == "71.4" and changed.locator("td.new").inner_text() == "72.5"
    )
    assert page.locator("ul.codes.removed li").all_inner_texts() == ["ADM-002"]
    screenshot(page, "import")

    page.check("input[name=delete_missing]")
    page.click("button:has-text('Commit')")
    page.wait_for_url("**/transfer/import/")
    assert "Imported, in one transaction" in page.locator(".messages li.success").inner_text()
    assert Infusion.objects.get(infusion_id="INF-001").weight_kg == 72.5
    assert ToxicityEpisode.objects.get(episode_id="EP-002").onset_at == dt.datetime(2023, 5, 21, 9, 45)
    assert ToxicityEpisode.objects.get(episode_id="EP-001").onset_at_time_known is False
    assert not Administration.objects.filter(administration_id="ADM-002").exists()
    page.goto(f"{live_server.url}/transfer/import/preview/")  # committed: nothing is waiting any more
    page.wait_for_url("**/transfer/import/")
    assert page.is_visible("text=No file is waiting for a commit: upload one.")
