"""No lost update: two people open the same record; the second save is refused with the first person's change
shown, and the second person's text stays in the form. Nothing is lost, nothing overwritten in silence."""

from __future__ import annotations

import re

from django.urls import reverse

from iectox.web.registry.models import Observation, Patient

from .web_helpers import client_of

URL = reverse("registry:patients-edit", args=["P-001"])


def opened(client, url: str = URL) -> dict[str, str]:
    """The form's fields as the browser would send them back."""
    return opened_from(client.get(url).content.decode())


def test_the_second_save_is_refused_with_the_first_persons_change(registry):
    alice = client_of("data_manager")
    bob = client_of("administrator")
    form_a, form_b = opened(alice), opened(bob)
    assert form_a["version"] == form_b["version"] == "1"

    saved = alice.post(URL, {**form_a, "birth_year": "1962"})
    assert saved.status_code == 302
    refused = bob.post(URL, {**form_b, "sex": "male"})
    html = refused.content.decode()

    assert refused.status_code == 409
    assert "Someone else saved this record while you were editing it" in html
    assert "by data_manager-CHU-A-en" in html
    assert re.search(r"<td>birth_year</td><td class=\"old\">1961</td><td class=\"new\">1962</td>", html)
    patient = Patient.objects.get(patient_id="P-001")
    assert (patient.birth_year, patient.sex, patient.version) == (1962, "female", 2)
    # Bob's text is kept, now at version 2: saving again is a choice made knowing Alice's change.
    assert re.search(r'<option value="male" selected>', html)
    assert 'name="version" value="2"' in html
    again = opened_from(html)
    assert bob.post(URL, again).status_code == 302
    patient.refresh_from_db()
    assert (patient.birth_year, patient.sex, patient.version) == (1961, "male", 3)


def opened_from(html: str) -> dict[str, str]:
    """The fields of a form page: its text and hidden inputs, and each list's selected value."""
    fields = dict(re.findall(r'<input type="(?:text|hidden)" name="(\w+)" value="([^"]*)"', html))
    fields.update(re.findall(r'<select name="(\w+)"[^>]*>.*?<option value="([^"]*)" selected', html, re.S))
    return fields


def test_a_stale_deletion_is_refused(registry):
    alice, bob = client_of("data_manager"), client_of("administrator")
    delete = reverse("registry:observations-delete", args=[registry_observation()])
    edit = reverse("registry:observations-edit", args=[registry_observation()])
    form = opened(bob, delete)
    alice.post(edit, {**opened(alice, edit), "temperature_c": "38.9"})
    response = bob.post(delete, form, follow=True)
    assert "it was not deleted" in response.content.decode()
    assert registry_observation() is not None


def registry_observation() -> int | None:
    return Observation.objects.filter(infusion_id="INF-001").values_list("pk", flat=True).first()
