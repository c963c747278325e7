"""In Chromium: an analyst sees the delay from CRS onset to tocilizumab on the dashboard, runs the seed study and
downloads its report (a workbook without formula); no page breaks the Content-Security-Policy."""

from __future__ import annotations

import openpyxl
import pytest
from django.conf import settings
from django.test import Client

from browser_support import screenshot
from iectox.i18n import number
from iectox.management.audit import audit
from iectox.management.pathway import default_pathway
from iectox.study.run import run_study
from iectox.study.spec import seed_study
from iectox.web.registry.records import store

from ..web_helpers import user_of
from .quality_helpers import of_centre, two_centres, with_open_episode

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def sessions_saved_when_changed(settings):
    """On SQLite the live server's threads share one connection to the in-memory test database: a page's
    images, loaded at once, would each save the session (`SESSION_SAVE_EVERY_REQUEST`) and collide there
    ("database table is locked", seen as `SessionInterrupted`). Saved when changed only, for this test."""
    settings.SESSION_SAVE_EVERY_REQUEST = False


@pytest.fixture(scope="module", autouse=True)
def synchronous_database_calls():
    """The database is emptied after the test (transactional), while Playwright's loop still runs in this
    thread: Django is told that its synchronous calls are meant (as `page` does, for the test's own duration)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


def _signed_in(page, live_server, role: str = "analyst") -> None:
    """The browser carries the session of a user of CHU-A (signed in by the test client: no password)."""
    client = Client()
    client.force_login(user_of(role))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )


def test_the_dashboard_shows_the_delay_and_the_study_report_downloads(
    django_db_setup, live_server, page, tmp_path
):
    cohort, patient = with_open_episode(two_centres())
    store(cohort)
    refused = []
    page.on(
        "console", lambda message: refused.append(message.text) if "Content Security" in message.text else 0
    )
    _signed_in(page, live_server)

    page.goto(f"{live_server.url}/")
    page.click("text=Quality dashboard")
    own = of_centre(cohort, "CHU-A")
    kpis = audit(own, default_pathway()).kpis_by_cohort.set_index(["rule", "cohort"])
    median = kpis.loc[("crs.onset_to_tocilizumab", "standard_of_care"), "median_delay_h"]
    headline = page.text_content("#headline")
    assert "Hours from CRS onset to the first tocilizumab" in headline
    assert f"Standard of care, {number(median, 1, 'en')} [" in headline
    assert page.text_content("#open tbody a") == patient
    assert page.evaluate("Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)")
    screenshot(page, "dashboard", full_page=False)

    page.click("nav >> text=Study")
    page.click("text=Run the study")
    page.wait_for_url("**/quality/study/seed/")
    sizes = run_study(own, seed_study()).tables[0][1].groups.sizes
    assert page.text_content(".cohorts") == (
        f"Real-life populationN = {sizes[0]}Clinical trials populationN = {sizes[1]}"
    )
    with page.expect_download() as download:
        page.click("text=Download XLSX")
    assert download.value.suggested_filename == "report.xlsx"
    saved = tmp_path / "report.xlsx"
    download.value.save_as(saved)
    book = openpyxl.load_workbook(saved)
    assert all(c.data_type != "f" for s in book.worksheets for r in s.iter_rows() for c in r)
    assert page.evaluate("Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)")
    screenshot(page, "study", full_page=False)
    assert refused == []
