"""A patient's page is kept under the fingerprint of the rows it is computed from: every write that changes them
shows at once, whichever way it is made (the observation form, a correction, a dose written by the registry's
path as the pharmacy's "administered" step writes it, rows deleted and stored again as an import or a restore
replaces them); a write to a table the page does not show (the labs) keeps the page, and keeps it right."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from django.core.cache import cache
from django.urls import reverse

from iectox.dataset import Dataset
from iectox.web.bedside import timeline as timeline_module
from iectox.web.registry import saving
from iectox.web.registry.models import Administration, LabResult, Observation
from iectox.web.registry.records import store

from ..web_helpers import client_of
from .conftest import INFUSION, WARD
from .test_observe import FEBRILE_HYPOTENSIVE, text

TIMELINE = reverse("bedside:timeline", args=[WARD])
OBSERVE = reverse("bedside:observe", args=[INFUSION])


@pytest.fixture
def computed(ward, monkeypatch) -> list[str]:
    """The patients whose timeline was computed (not taken from the cache), in order."""
    cache.clear()
    made: list[str] = []
    real = timeline_module._timeline

    def counted(dataset, *args):
        made.append(str(dataset["patients"]["patient_id"].iloc[0]))
        return real(dataset, *args)

    monkeypatch.setattr(timeline_module, "_timeline", counted)
    return made


def test_a_saved_observation_and_its_correction_show_at_once(computed):
    nurse = client_of("clinician")
    assert "38.6" not in text(nurse.get(TIMELINE))
    assert nurse.post(OBSERVE, FEBRILE_HYPOTENSIVE).status_code == 302
    assert "2024-03-03 10:00 38.6" in text(nurse.get(TIMELINE))
    stored = Observation.objects.get(infusion_id=INFUSION)
    corrected = {**FEBRILE_HYPOTENSIVE, "temperature_c": "39.4", "version": str(stored.version)}
    assert nurse.post(reverse("bedside:edit", args=[stored.pk]), corrected).status_code == 302
    page = text(nurse.get(TIMELINE))
    assert "2024-03-03 10:00 39.4" in page and "38.6" not in page
    assert computed == [WARD, WARD, WARD]  # each write a new page
    assert "39.4" in text(nurse.get(TIMELINE)) and computed == [WARD, WARD, WARD]  # then kept


def test_a_dose_given_shows_at_once(computed):
    nurse = client_of("clinician")
    assert "ADM-RX-000001" not in text(nurse.get(TIMELINE))
    saving.create(
        Administration,
        {
            "administration_id": "ADM-RX-000001",
            "infusion_id": INFUSION,
            "drug": "tocilizumab",
            "given_at": dt.datetime(2024, 3, 3, 11, 30),
            "given_at_time_known": True,
            "dose_mg": 560.0,
            "route": "iv",
            "reason": "CRS",
        },
    )
    assert "ADM-RX-000001 Tocilizumab 2024-03-03 11:30 560" in text(nurse.get(TIMELINE))
    assert computed == [WARD, WARD]


def test_rows_replaced_as_an_import_or_a_restore_replaces_them_show_at_once(computed):
    nurse = client_of("clinician")
    nurse.post(OBSERVE, FEBRILE_HYPOTENSIVE)
    assert "2024-03-03 10:00 38.6" in text(nurse.get(TIMELINE))
    Observation.objects.filter(infusion_id=INFUSION).delete()
    again = pd.DataFrame(
        {
            "infusion_id": [INFUSION],
            "observed_at": [pd.Timestamp("2024-03-03 10:00")],
            "temperature_c": [37.1],
        }
    )
    store(Dataset.from_frames({"observations": again}), ["observations"])
    page = text(nurse.get(TIMELINE))
    assert "2024-03-03 10:00 37.1" in page and "38.6" not in page
    assert computed == [WARD, WARD]


def test_a_lab_result_keeps_the_page_which_shows_none(computed):
    nurse = client_of("clinician")
    before = text(nurse.get(TIMELINE))
    store(
        Dataset.from_frames(
            {
                "labs": pd.DataFrame(
                    {
                        "infusion_id": [INFUSION],
                        "measured_at": [pd.Timestamp("2024-03-02 07:00")],
                        "analyte": ["CRP"],
                        "value": [12.5],
                        "unit": ["mg/L"],
                    }
                )
            }
        ),
        ["labs"],
    )
    assert LabResult.objects.filter(infusion_id=INFUSION).count() == 1
    assert text(nurse.get(TIMELINE)) == before
    assert computed == [WARD]
