"""In Chromium: a nurse signs in, opens a patient, enters the observations of a febrile hypotensive patient and
sees grade 2 CRS and the pathway's tocilizumab at the infusion's weight (docs/screenshots/bedside.png)."""

from __future__ import annotations

import pytest

from browser_support import screenshot
from iectox.web.accounts.making import make_user

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser(django_db_setup, browser):
    """The suite's Chromium, started once the test database exists: Django refuses to create it from a thread
    where Playwright's event loop already runs."""
    return browser


@pytest.fixture(scope="module", autouse=True)
def django_beside_playwright():
    """Django's calls allowed in this module's thread, where Playwright's loop runs, for the whole module: the
    live server's database is emptied after each test, after `page` and its `monkeypatch` are gone."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


def test_a_nurse_enters_a_febrile_hypotensive_patient_and_sees_grade_2_and_the_advice(
    page, live_server, ward
):
    _, password = make_user("nurse-a", "clinician", ["CHU-A"], "en")
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", "nurse-a")
    page.fill("input[name=password]", password)
    page.click("form.record button")
    page.click("nav >> text=Bedside")
    page.click("text=P-010")
    page.wait_for_url("**/bedside/patients/P-010/")  # loaded: the title is empty while the page is on its way
    assert page.title() == "Patient P-010 · iectox"
    page.click("text=Enter observations")

    page.fill("input[name=observed_at]", "2024-03-03 10:00")
    page.fill("input[name=temperature_c]", "38.6")
    page.check("input[name=hypotension][value=yes]")
    page.fill("input[name=vasopressors]", "0")
    page.check("input[name=vasopressin][value=no]")
    page.select_option("select[name=oxygen_device]", "none")
    page.fill("input[name=ice_score]", "10")
    page.click("text=Save and grade")

    assert page.text_content("#grade-CRS .value") == "grade 2"
    assert page.text_content("#grade-CRS .reason") == "grade 2: hypotension without vasopressors"
    assert page.text_content(".steps .headline") == (
        "Grade 2 CRS: tocilizumab 8 mg/kg = 560 mg (vials 1 x 400 mg + 2 x 80 mg); "
        "pathway target: by 12:00 (within 2 h)"
    )
    assert page.is_visible("text=Saved.")
    screenshot(page, "bedside", full_page=False)
