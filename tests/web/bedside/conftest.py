"""The ward of the bedside tests: the hand-made registry (centres CHU-A and CHU-B) plus P-010, a CHU-A patient
infused on 2024-03-01 with tisagenlecleucel at 70 kg, without observation yet, and one observation of CHU-B's
INF-003."""

from __future__ import annotations

import pandas as pd
import pytest

from iectox.dataset import Dataset
from iectox.web.registry.records import store

WARD = "P-010"
INFUSION = "INF-010"


def ward_dataset() -> Dataset:
    return Dataset.from_frames(
        {
            "patients": pd.DataFrame(
                {"patient_id": [WARD], "sex": ["female"], "birth_year": [1964], "centre": ["CHU-A"]}
            ),
            "infusions": pd.DataFrame(
                {
                    "infusion_id": [INFUSION],
                    "patient_id": [WARD],
                    "therapy": ["tisagenlecleucel"],
                    "infusion_date": [pd.Timestamp("2024-03-01")],
                    "setting": ["standard_of_care"],
                    "indication": ["dlbcl_3l_plus"],
                    "age_at_infusion": [59.5],
                    "weight_kg": [70.0],
                }
            ),
            "observations": pd.DataFrame(
                {
                    "infusion_id": ["INF-003"],
                    "observed_at": [pd.Timestamp("2024-11-09 08:00")],
                    "temperature_c": [38.9],
                }
            ),
        }
    )


@pytest.fixture
def ward(registry) -> None:
    store(ward_dataset())
