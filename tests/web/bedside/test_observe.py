"""The nurses' observation form: a febrile hypotensive patient entered at the bedside is graded 2 (ASTCT) and
the pathway in force gives tocilizumab at the infusion's weight; the library's messages at the fields and
nothing stored of an invalid observation; another centre's infusion not found; a stale correction refused."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings
from django.urls import reverse

from iectox.web.registry.models import Observation

from ..web_helpers import client_of
from .conftest import INFUSION

URL = reverse("bedside:observe", args=[INFUSION])
# ASTCT 2019 (Lee et al., BBMT 2019;25:625, Table 2): fever >= 38.0 °C with hypotension not requiring
# vasopressors is grade 2 CRS.
FEBRILE_HYPOTENSIVE = {
    "observed_at": "2024-03-03 10:00",
    "temperature_c": "38.6",
    "hypotension": "yes",
    "vasopressors": "0",
    "vasopressin": "no",
    "oxygen_device": "none",
    "ice_score": "10",
}


def text(response) -> str:
    """The page's text, tags removed and spaces collapsed, as a reader sees it."""
    html = re.sub(r"<[^>]+>", " ", response.content.decode())
    return " ".join(unescape(html).split())


def field_errors(response, field: str) -> list[str]:
    block = re.search(
        rf'<div class="field[^"]*" id="field-{field}">(.*?)</div>\s*(?:<div class="field|</fieldset>)',
        response.content.decode(),
        re.S,
    )
    assert block, field
    return [unescape(e) for e in re.findall(r'<span class="error">(.*?)</span>', block.group(1))]


def test_a_febrile_hypotensive_patient_is_grade_2_and_the_pathway_gives_tocilizumab_at_70_kg(ward):
    nurse = client_of("clinician")
    saved = nurse.post(URL, FEBRILE_HYPOTENSIVE)
    assert (saved.status_code, saved["Location"]) == (302, URL)
    stored = Observation.objects.get(infusion_id=INFUSION)
    assert (stored.observed_at, stored.temperature_c, stored.hypotension, stored.vasopressors) == (
        dt.datetime(2024, 3, 3, 10, 0),
        38.6,
        True,
        0,
    )
    assert (
        stored.history.count() == 1 and stored.history.first().history_user.username == "clinician-CHU-A-en"
    )
    page = text(nurse.get(URL))
    assert "Saved." in page
    assert "CRS grade 2 grade 2: hypotension without vasopressors" in page
    assert (  # only ICE was recorded: the other ICANS domains could raise it
        "ICANS grade 0 grade 0 (lower bound): ICE 10/10, no other domain affected; not recorded: consciousness, "
        "seizure, motor_weakness, cerebral_edema" in page
    )
    assert "At 2024-03-03 10:00, pathway: iectox default pathway" in page
    assert (
        "Grade 2 CRS: tocilizumab 8 mg/kg = 560 mg (vials 1 x 400 mg + 2 x 80 mg); "
        "pathway target: by 12:00 (within 2 h)" in page
    )
    assert "Grade 2 CRS: the pathway gives tocilizumab from grade 2." in page  # the reason, and its sources
    assert "docs/sources.md, Management pathway: CRS grade >= 2 -> tocilizumab" in page
    assert "Label dose at 70 kg: 8 mg/kg = 560 mg (at most 800 mg a dose)." in page


def test_the_same_in_french(ward):
    nurse = client_of("clinician", language="fr")
    nurse.post(URL, {**FEBRILE_HYPOTENSIVE, "observed_at": "03/03/2024 10:00", "temperature_c": "38,6"})
    page = text(nurse.get(URL))
    assert "CRS grade 2 grade 2 : hypotension sans vasopresseur" in page
    assert (
        "CRS de grade 2 : tocilizumab 8 mg/kg = 560 mg (flacons 1 x 400 mg + 2 x 80 mg) ; "
        "objectif du protocole : avant 12:00 (dans les 2 h)" in page
    )


def test_the_hospitals_pathway_file_sets_the_target(ward, tmp_path):
    pathway = tmp_path / "our_pathway.toml"
    pathway.write_text(
        '[pathway]\nname = "CHU-A CRS pathway"\n\n[crs]\ntocilizumab_within_h = 1\n', encoding="utf-8"
    )
    with override_settings(IECTOX_PATHWAY=str(pathway)):
        nurse = client_of("clinician")
        nurse.post(URL, FEBRILE_HYPOTENSIVE)
        page = text(nurse.get(URL))
    assert "pathway: CHU-A CRS pathway" in page
    assert (
        "Grade 2 CRS: tocilizumab 8 mg/kg = 560 mg (vials 1 x 400 mg + 2 x 80 mg); "
        "pathway target: by 11:00 (within 1 h)" in page
    )


def test_an_unreadable_pathway_file_is_said_on_the_page_and_by_the_check(ward, tmp_path):
    pathway = tmp_path / "broken.toml"
    pathway.write_text("[crs]\ntocilizumab_within_h = -3\n", encoding="utf-8")
    with override_settings(IECTOX_PATHWAY=str(pathway)):
        page = client_of("clinician").get(URL)
        with pytest.raises(SystemCheckError, match="tocilizumab_within_h"):
            call_command("check")
    assert page.status_code == 200
    assert "The pathway file in force cannot be read:" in text(page)
    assert "crs.tocilizumab_within_h" in text(page)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("temperature_c", "60", "temperature_c 60 is outside the plausible range 30-44 °C"),
        (
            "observed_at",
            "2024-02-28 10:00",
            "observed_at 2024-02-28 10:00 is before the infusion date 2024-03-01 of INF-010",
        ),
        ("vasopressors", "two", "'two' is not a whole number"),
    ],
)
def test_an_invalid_observation_gets_the_librarys_message_at_its_field_and_stores_nothing(
    ward, field, value, message
):
    response = client_of("clinician").post(URL, {**FEBRILE_HYPOTENSIVE, field: value})
    assert response.status_code == 422
    assert field_errors(response, field) == [message]
    assert not Observation.objects.filter(infusion_id=INFUSION).exists()


def test_messages_at_the_field_in_french(ward):
    response = client_of("clinician", language="fr").post(URL, {**FEBRILE_HYPOTENSIVE, "temperature_c": "60"})
    assert field_errors(response, "temperature_c") == [
        "temperature_c 60 est hors des bornes plausibles 30-44 °C"
    ]


def test_another_centres_infusion_and_observation_are_not_found_and_nothing_is_stored(ward):
    nurse = client_of("clinician")
    other = reverse("bedside:observe", args=["INF-003"])
    before = Observation.objects.count()
    assert nurse.get(other).status_code == 404
    assert nurse.post(other, {**FEBRILE_HYPOTENSIVE, "observed_at": "2024-11-10 10:00"}).status_code == 404
    theirs = Observation.objects.get(infusion_id="INF-003").pk
    assert nurse.get(reverse("bedside:edit", args=[theirs])).status_code == 404
    assert nurse.post(reverse("bedside:edit", args=[theirs]), FEBRILE_HYPOTENSIVE).status_code == 404
    assert Observation.objects.count() == before
    assert client_of("clinician", ("CHU-B",)).get(other).status_code == 200


@pytest.mark.parametrize("role", ["analyst", "pharmacist", "auditor"])
def test_a_role_without_observations_cannot_save_one(ward, role):
    response = client_of(role).post(URL, FEBRILE_HYPOTENSIVE)
    assert response.status_code == 403
    assert not Observation.objects.filter(infusion_id=INFUSION).exists()


def test_a_form_sent_twice_is_saved_once(ward):
    nurse = client_of("clinician")
    token = re.search(r'name="submission" value="([^"]+)"', nurse.get(URL).content.decode()).group(1)
    first = nurse.post(URL, {**FEBRILE_HYPOTENSIVE, "submission": token})
    second = nurse.post(URL, {**FEBRILE_HYPOTENSIVE, "submission": token}, follow=True)
    assert first.status_code == 302 and second.status_code == 200
    assert "This form had already been sent" in text(second)
    assert Observation.objects.filter(infusion_id=INFUSION).count() == 1


def opened(client, url: str) -> dict[str, str]:
    """The form's fields as the browser sends them back: text and hidden inputs, checked radios, selections."""
    html = client.get(url).content.decode()
    fields = dict(re.findall(r'<input type="(?:text|hidden)" name="(\w+)" value="([^"]*)"', html))
    fields.update(re.findall(r'<input type="radio" name="(\w+)" value="([^"]*)"[^>]*checked', html))
    fields.update(re.findall(r'<select name="(\w+)"[^>]*>.*?<option value="([^"]*)" selected', html, re.S))
    return fields


def test_a_stale_correction_is_refused_with_the_other_nurses_change_and_nothing_is_lost(ward):
    client_of("clinician").post(URL, FEBRILE_HYPOTENSIVE)
    observation = Observation.objects.get(infusion_id=INFUSION)
    edit = reverse("bedside:edit", args=[observation.pk])
    alice, bob = client_of("clinician"), client_of("data_manager")
    form_a, form_b = opened(alice, edit), opened(bob, edit)
    assert form_a["version"] == form_b["version"] == "1" and form_a["temperature_c"] == "38.6"

    assert alice.post(edit, {**form_a, "temperature_c": "39.2"}).status_code == 302
    refused = bob.post(edit, {**form_b, "hypotension": "no"})
    assert refused.status_code == 409
    page = text(refused)
    assert "Someone else saved this record while you were editing it" in page
    assert "by clinician-CHU-A-en" in page
    assert re.search(
        r'<td>temperature_c</td><td class="old">38.6</td><td class="new">39.2</td>', refused.content.decode()
    )
    observation.refresh_from_db()
    assert (observation.temperature_c, observation.hypotension, observation.version) == (39.2, True, 2)
    again = opened_from_refusal(refused.content.decode())
    assert again["version"] == "2" and again["hypotension"] == "no"  # Bob's text kept, at the current version
    assert bob.post(edit, again).status_code == 302
    observation.refresh_from_db()
    assert (observation.temperature_c, observation.hypotension, observation.version) == (38.6, False, 3)


def opened_from_refusal(html: str) -> dict[str, str]:
    fields = dict(re.findall(r'<input type="(?:text|hidden)" name="(\w+)" value="([^"]*)"', html))
    fields.update(re.findall(r'<input type="radio" name="(\w+)" value="([^"]*)"[^>]*checked', html))
    fields.update(re.findall(r'<select name="(\w+)"[^>]*>.*?<option value="([^"]*)" selected', html, re.S))
    return fields


def test_the_time_filled_in_is_the_wards_now_and_saves_as_it_is_in_french_too(ward):
    nurse = client_of("clinician", language="fr")
    form = opened(nurse, URL)
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", form["observed_at"])
    assert nurse.post(URL, {**form, "temperature_c": "37,2"}).status_code == 302
    stored = Observation.objects.get(infusion_id=INFUSION)
    assert (
        stored.observed_at.strftime("%Y-%m-%d %H:%M") == form["observed_at"] and stored.temperature_c == 37.2
    )
