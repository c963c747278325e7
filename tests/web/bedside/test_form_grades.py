"""The observation form's current grades are those of the patient's timeline: a teenager with developmental delay
is assessed by CAPD up to 21 years (ASTCT 2019; `iectox.grading.astct_icans.uses_capd`), which the form knows
only from the patient's row."""

from __future__ import annotations

import pandas as pd
from django.urls import reverse

from iectox.dataset import Dataset
from iectox.web.registry.records import store

from ..web_helpers import client_of
from .test_observe import text

PATIENT, INFUSION = "P-020", "INF-020"


def _teenager() -> Dataset:
    return Dataset.from_frames(
        {
            "patients": pd.DataFrame(
                {
                    "patient_id": [PATIENT],
                    "sex": ["male"],
                    "birth_year": [2009],
                    "centre": ["CHU-A"],
                    "developmental_delay": [True],
                }
            ),
            "infusions": pd.DataFrame(
                {
                    "infusion_id": [INFUSION],
                    "patient_id": [PATIENT],
                    "therapy": ["tisagenlecleucel"],
                    "infusion_date": [pd.Timestamp("2024-03-01")],
                    "setting": ["standard_of_care"],
                    "indication": ["b_all"],
                    "age_at_infusion": [15.0],
                    "weight_kg": [50.0],
                }
            ),
            "observations": pd.DataFrame(
                {
                    "infusion_id": [INFUSION],
                    "observed_at": [pd.Timestamp("2024-03-02 08:00")],
                    "capd_score": [12],
                }
            ),
        }
    )


def test_a_delayed_teenagers_icans_is_graded_by_capd_on_the_form_as_on_the_timeline(registry):
    store(_teenager())
    nurse = client_of("clinician")
    form = nurse.get(reverse("bedside:observe", args=[INFUSION]))
    timeline = text(nurse.get(reverse("bedside:timeline", args=[PATIENT])))
    reason = "grade 3 (lower bound): CAPD 12 (child)"
    assert reason in timeline
    assert f"ICANS grade 3 {reason}" in text(form)
    assert 'class="grade g3" id="grade-ICANS"' in form.content.decode()
