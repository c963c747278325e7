"""Centre isolation: a user sees, lists and opens only the records of the patients of their centres; another
centre's record is "not found", in its URL, its children, its trail and in a form's references."""

from __future__ import annotations

import pytest
from django.urls import reverse

from iectox.web.accounts.access import visible
from iectox.web.registry.models import BY_TABLE, Administration, Patient

from .web_helpers import OTHER_CENTRE, client_of, user_of

OTHER = {
    "patients": "P-003",
    "infusions": "INF-003",
    "toxicity_episodes": "EP-003",
    "administrations": "ADM-003",
    "outcomes": "INF-003",
}
OWN = {
    "patients": "P-001",
    "infusions": "INF-001",
    "toxicity_episodes": "EP-001",
    "administrations": "ADM-001",
    "outcomes": "INF-001",
}


@pytest.mark.parametrize("table", sorted(OTHER))
@pytest.mark.parametrize("view", ["detail", "edit", "delete", "history", "history-csv"])
def test_another_centres_record_is_not_found(registry, table, view):
    client = client_of("administrator")
    assert client.get(reverse(f"registry:{table}-{view}", args=[OWN[table]])).status_code == 200
    response = client.get(reverse(f"registry:{table}-{view}", args=[OTHER[table]]))
    assert response.status_code == 404
    assert "outside the centres assigned to you" in response.content.decode()


@pytest.mark.parametrize("table", sorted(BY_TABLE))
def test_lists_hold_only_the_users_centres(registry, table):
    page = client_of("analyst").get(reverse(f"registry:{table}-list")).content.decode()
    assert "INF-003" not in page and "P-003" not in page
    assert ("P-001" in page) or ("INF-001" in page)


def test_a_user_of_both_centres_sees_both(registry):
    page = client_of("analyst", centres=("CHU-A", OTHER_CENTRE)).get(reverse("registry:patients-list"))
    assert all(code in page.content.decode() for code in ("P-001", "P-002", "P-003"))


def test_visible_filters_every_table_by_its_patients_centre(registry):
    analyst = user_of("analyst")
    assert list(visible(Patient.objects.all(), analyst).values_list("patient_id", flat=True)) == [
        "P-001",
        "P-002",
    ]
    assert list(
        visible(Administration.objects.all(), analyst).values_list("administration_id", flat=True)
    ) == [
        "ADM-001",
        "ADM-002",
    ]


def test_a_form_cannot_refer_to_another_centres_record(registry):
    """An episode typed for INF-003 (CHU-B) by a CHU-A data manager: INF-003 "does not exist", nothing saved."""
    client = client_of("data_manager")
    data = {
        "episode_id": "EP-009",
        "infusion_id": "INF-003",
        "syndrome": "CRS",
        "grading_scale": "ASTCT2019",
        "outcome": "resolved",
    }
    response = client.post(reverse("registry:toxicity_episodes-create"), data)
    assert response.status_code == 422
    assert "infusion_id &#x27;INF-003&#x27; does not exist in infusions" in response.content.decode()
    assert not BY_TABLE["toxicity_episodes"].objects.filter(episode_id="EP-009").exists()


def test_a_patient_cannot_be_put_in_a_centre_not_assigned(registry):
    client = client_of("data_manager")
    response = client.post(
        reverse("registry:patients-create"), {"patient_id": "P-009", "sex": "female", "centre": "CHU-B"}
    )
    assert response.status_code == 422
    assert "You may only record patients of your centres: CHU-A." in response.content.decode()
    assert not Patient.objects.filter(patient_id="P-009").exists()
