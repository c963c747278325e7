"""Registry forms are checked by the library: its messages at the field, in the user's language, nothing stored
of an invalid submission, a direct identifier refused, and a form sent twice saved once."""

from __future__ import annotations

import datetime as dt
import re

from django.urls import reverse

from iectox.web.registry.models import Infusion, Observation, Patient, ToxicityEpisode

from .web_helpers import client_of

OBSERVATION = {
    "infusion_id": "INF-001",
    "observed_at": "2023-05-20 06:00",
    "temperature_c": "39,1",
    "hypotension": "yes",
}


def field_errors(html: str, field: str) -> list[str]:
    """The error sentences shown under one field of the form."""
    block = re.search(rf'<label for="id_{field}">.*?</div>', html, re.S)
    assert block, field
    return [
        re.sub(r"&#x27;", "'", text)
        for text in re.findall(r'<span class="error">(.*?)</span>', block.group(0))
    ]


def test_a_valid_observation_is_stored_typed_as_the_library_reads_it(registry):
    response = client_of("clinician").post(reverse("registry:observations-create"), OBSERVATION)
    assert response.status_code == 302
    stored = Observation.objects.get(observed_at=dt.datetime(2023, 5, 20, 6, 0))
    assert (stored.temperature_c, stored.hypotension, stored.observed_at_time_known, stored.version) == (
        39.1,
        True,
        True,
        1,
    )
    assert response["Location"] == reverse("registry:observations-detail", args=[stored.pk])


def test_the_librarys_messages_are_at_their_fields_and_nothing_is_stored(registry):
    before = Observation.objects.count()
    data = {**OBSERVATION, "temperature_c": "48", "vasopressors": "two", "oxygen_device": "helmet"}
    response = client_of("clinician").post(reverse("registry:observations-create"), data)
    html = response.content.decode()
    assert response.status_code == 422
    assert field_errors(html, "temperature_c") == ["temperature_c 48 is outside the plausible range 30-44 °C"]
    assert field_errors(html, "vasopressors") == ["'two' is not a whole number"]
    assert field_errors(html, "oxygen_device")[0].startswith("'helmet' is not an allowed oxygen_device")
    assert Observation.objects.count() == before


def test_messages_are_in_the_users_language(registry):
    data = {**OBSERVATION, "temperature_c": "48"}
    response = client_of("clinician", language="fr").post(reverse("registry:observations-create"), data)
    html = response.content.decode()
    assert field_errors(html, "temperature_c") == ["temperature_c 48 est hors des bornes plausibles 30-44 °C"]
    assert '<html lang="fr">' in html
    assert "Enregistrer" in html  # the Save button


def test_a_french_user_types_dates_day_first(registry):
    data = {**OBSERVATION, "observed_at": "20/05/2023 07:30"}
    assert (
        client_of("clinician", language="fr").post(reverse("registry:observations-create"), data).status_code
        == 302
    )
    assert Observation.objects.filter(observed_at=dt.datetime(2023, 5, 20, 7, 30)).exists()


def test_a_date_alone_keeps_the_hour_unknown(registry):
    data = {**OBSERVATION, "observed_at": "2023-05-21"}
    client_of("clinician").post(reverse("registry:observations-create"), data)
    stored = Observation.objects.get(observed_at=dt.datetime(2023, 5, 21))
    assert stored.observed_at_time_known is False


def test_a_rule_across_tables_is_the_librarys(registry):
    """An episode before its infusion: the chronology rule's sentence, at onset_at."""
    data = {
        "episode_id": "EP-009",
        "infusion_id": "INF-001",
        "syndrome": "CRS",
        "onset_at": "2023-05-01",
        "grading_scale": "ASTCT2019",
        "outcome": "resolved",
    }
    html = client_of("data_manager").post(reverse("registry:toxicity_episodes-create"), data).content.decode()
    assert field_errors(html, "onset_at") == [
        "onset_at 2023-05-01 is before the infusion date 2023-05-17 of INF-001"
    ]
    assert not ToxicityEpisode.objects.filter(episode_id="EP-009").exists()


def test_an_error_the_save_would_cause_elsewhere_is_shown_and_refused(registry):
    """INF-002's crs_status is 'no': a CRS episode added to it would contradict it."""
    data = {
        "episode_id": "EP-009",
        "infusion_id": "INF-002",
        "syndrome": "CRS",
        "grading_scale": "ASTCT2019",
        "outcome": "resolved",
    }
    response = client_of("data_manager").post(reverse("registry:toxicity_episodes-create"), data)
    assert response.status_code == 422
    assert (
        "infusions INF-002, crs_status: crs_status is &#x27;no&#x27; but toxicity_episodes records a CRS episode"
        in response.content.decode()
    )


def test_a_direct_identifier_is_refused_by_the_privacy_rules_and_never_shown(registry):
    data = {"patient_id": "DUPONT Jean", "sex": "male", "centre": "CHU-A", "birth_year": "1961"}
    response = client_of("data_manager").post(reverse("registry:patients-create"), data)
    errors = field_errors(response.content.decode(), "patient_id")
    assert errors == [
        "patient_id holds what looks like a name (NAME Firstname) (not shown): iectox keeps pseudonymous data only; "
        "replace it with a pseudonymous code, or remove it"
    ]
    assert not Patient.objects.filter(patient_id="DUPONT Jean").exists()
    phone = {"patient_id": "P-010", "sex": "male", "centre": "CHU-A"}
    outcome = {
        "infusion_id": "INF-001",
        "last_follow_up": "2024-05-17",
        "status": "alive",
        "death_cause": "tel 06 12 34 56 78",
    }
    client = client_of("data_manager")
    assert client.post(reverse("registry:patients-create"), phone).status_code == 302
    response = client.post(reverse("registry:outcomes-edit", args=["INF-001"]), {**outcome, "version": "1"})
    assert "looks like a phone number" in " ".join(field_errors(response.content.decode(), "death_cause"))


def test_an_identifier_in_free_text_is_refused_by_the_same_rule_as_files(registry):
    """A name, a hospital number or a date of birth among the words of a free-text field: the library's rule,
    its message at the field; clinical text passes."""
    client = client_of("data_manager")
    outcome = {"infusion_id": "INF-001", "last_follow_up": "2024-05-17", "status": "alive", "version": "1"}
    edit = reverse("registry:outcomes-edit", args=["INF-001"])
    found = [
        ("décès de DUPONT Jean", "a name"),
        ("IPP 123456789", "a hospital or social security number"),
        ("née le 12/03/1961", "a date of birth"),
    ]
    for cause, kind in found:
        errors = field_errors(
            client.post(edit, {**outcome, "death_cause": cause}).content.decode(), "death_cause"
        )
        assert errors == [
            f"death_cause holds what looks like {kind} (not shown): iectox keeps pseudonymous data only; "
            "replace it with a pseudonymous code, or remove it"
        ]
    assert client.post(edit, {**outcome, "death_cause": "Guillain-Barré syndrome"}).status_code == 302


def test_a_used_code_is_refused_by_the_unique_rule(registry):
    data = {
        "infusion_id": "INF-003",
        "patient_id": "P-001",
        "therapy": "axicabtagene_ciloleucel",
        "setting": "clinical_trial",
        "trial_id": "NCT01234567",
        "indication": "dlbcl_2l",
    }
    html = client_of("data_manager").post(reverse("registry:infusions-create"), data).content.decode()
    assert field_errors(html, "infusion_id") == [
        "infusion_id 'INF-003' already appears on row 3 of infusions"
    ]
    assert Infusion.objects.get(infusion_id="INF-003").patient_id == "P-003"


def test_a_form_sent_twice_saves_once(registry):
    client = client_of("clinician")
    form = client.get(reverse("registry:observations-create")).content.decode()
    token = re.search(r'name="submission" value="([^"]+)"', form).group(1)
    before = Observation.objects.count()
    first = client.post(reverse("registry:observations-create"), {**OBSERVATION, "submission": token})
    second = client.post(reverse("registry:observations-create"), {**OBSERVATION, "submission": token})
    assert Observation.objects.count() == before + 1
    assert second.status_code == 302 and second["Location"] == first["Location"]
    page = client.get(second["Location"]).content.decode()
    assert "This form had already been sent: it was saved once, nothing more." in page


def test_a_blank_form_names_each_required_column(registry):
    html = client_of("data_manager").post(reverse("registry:patients-create"), {}).content.decode()
    assert field_errors(html, "sex") == ["sex is required in patients and is blank"]
    assert field_errors(html, "centre") == ["centre is required in patients and is blank"]


def test_the_patient_form_records_a_developmental_delay_and_warns_over_21(registry):
    """The contract's `patients.developmental_delay` is a field of the patient form (CAPD instead of ICE up to
    21 years); recorded for P-001, 61 at INF-001, it is stored and the warning names the reason."""
    client = client_of("data_manager")
    page = client.get(reverse("registry:patients-edit", args=["P-001"])).content.decode()
    assert 'id="id_developmental_delay"' in page
    data = {"patient_id": "P-001", "sex": "female", "birth_year": "1961", "centre": "CHU-A"}
    data["version"] = str(Patient.objects.get(patient_id="P-001").version)
    url = reverse("registry:patients-edit", args=["P-001"])
    response = client.post(url, {**data, "developmental_delay": "yes"}, follow=True)
    assert Patient.objects.get(patient_id="P-001").developmental_delay is True
    assert [str(m) for m in response.context["messages"] if m.level_tag == "warning"] == [
        "developmental_delay: developmental_delay is yes but the patient was 61.5 years old at infusion INF-001: "
        "CAPD replaces ICE only up to 21 years, so ICE grades this infusion"
    ]
