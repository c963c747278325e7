"""A small, valid, hand-made dataset that tests can copy and spoil one cell at a time."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd

from iectox.dataset import Dataset
from iectox.study import StudyResult, load_study, run_study
from iectox.synth import calibrate


def small_dataset() -> Dataset:
    ts = pd.Timestamp
    return Dataset.from_frames(
        {
            "patients": pd.DataFrame(
                {
                    "patient_id": ["P-001", "P-002", "P-003"],
                    "sex": ["female", "male", "male"],
                    "birth_year": [1961, None, 1990],
                    "centre": ["CHU-A", "CHU-A", "CHU-B"],
                }
            ),
            "infusions": pd.DataFrame(
                {
                    "infusion_id": ["INF-001", "INF-002", "INF-003"],
                    "patient_id": ["P-001", "P-002", "P-003"],
                    "therapy": [
                        "axicabtagene_ciloleucel",
                        "investigational_car_t",
                        "ciltacabtagene_autoleucel",
                    ],
                    "infusion_date": [ts("2023-05-17"), ts("2024-01-09"), ts("2024-11-02")],
                    "setting": ["standard_of_care", "clinical_trial", "standard_of_care"],
                    "trial_id": [None, "NCT01234567", None],
                    "indication": ["dlbcl_3l_plus", "dlbcl_2l", "multiple_myeloma"],
                    "age_at_infusion": [61.5, 58.25, 34.0],
                    "weight_kg": [71.4, 0.1 + 0.2 + 80, None],
                    "height_cm": [165.0, None, 180.0],
                    "crs_status": [None, "no", "yes"],
                    "icans_status": [None, None, "unknown"],
                }
            ),
            "toxicity_episodes": pd.DataFrame(
                {
                    "episode_id": ["EP-001", "EP-002", "EP-003"],
                    "infusion_id": ["INF-001", "INF-001", "INF-003"],
                    "syndrome": ["CRS", "ICANS", "CRS"],
                    "onset_at": [ts("2023-05-19 14:30"), ts("2023-05-21"), ts("2024-11-09 08:15:30")],
                    "onset_at_time_known": [True, False, True],
                    "resolved_at": [ts("2023-05-24"), None, ts("2024-11-12 00:00")],
                    "resolved_at_time_known": [False, None, True],
                    "max_grade": [2, 1, 3],
                    "grading_scale": ["ASTCT2019", "ASTCT2019", "Lee2014"],
                    "outcome": ["resolved", "ongoing", "resolved"],
                }
            ),
            "administrations": pd.DataFrame(
                {
                    "administration_id": ["ADM-001", "ADM-002", "ADM-003"],
                    "infusion_id": ["INF-001", "INF-001", "INF-003"],
                    "drug": ["tocilizumab", "dexamethasone", "tocilizumab"],
                    "given_at": [ts("2023-05-20 08:00"), None, ts("2024-11-10")],
                    "given_at_time_known": [True, None, False],
                    "dose_mg": [571.2, 10.0, 640.0],
                    "route": ["IV", "IV", None],
                    "reason": ["CRS", "ICANS", "CRS"],
                }
            ),
            "observations": pd.DataFrame(
                {
                    "infusion_id": ["INF-001"],
                    "observed_at": [ts("2023-05-19 14:00")],
                    "temperature_c": [38.4],
                    "hypotension": [False],
                    "vasopressors": [0],
                    "vasopressin": [False],
                    "oxygen_device": ["nasal_cannula"],
                    "oxygen_l_min": [4.0],
                    "ice_score": [10],
                    "consciousness": ["alert"],
                    "seizure": ["none"],
                    "motor_weakness": [False],
                    "cerebral_edema": ["none"],
                    "capd_score": [None],
                    "antipyretic_or_anticytokine_given": [False],
                }
            ),
            "labs": pd.DataFrame(
                {
                    "infusion_id": ["INF-001", "INF-001", "INF-001"],
                    "measured_at": [ts("2023-05-12"), ts("2023-05-12 07:30"), ts("2023-05-20 06:00")],
                    "analyte": ["ferritin", "ANC", "ANC"],
                    "value": [540.0, 1.8, 0.3],
                    "unit": ["ug/L", "10^9/L", "10^9/L"],
                }
            ),
            "outcomes": pd.DataFrame(
                {
                    "infusion_id": ["INF-001", "INF-002", "INF-003"],
                    "last_follow_up": [ts("2024-05-17"), ts("2024-06-30"), ts("2025-01-15")],
                    "status": ["alive", "dead", "alive"],
                    "death_date": [None, ts("2024-06-30"), None],
                    "death_cause": [None, "disease progression", None],
                }
            ),
        }
    )


SEED_SPEC = Path(__file__).resolve().parents[1] / "examples" / "seed_study" / "study.toml"


@cache
def seed_cohort() -> Dataset:
    """The demo cohort (`iectox.synth.calibrate()`: 401 infusions with observations and labs), made once per
    test process instead of once per module (1.3 s each). Shared: read it; copy a frame before changing it."""
    return calibrate().dataset


@cache
def seed_result() -> StudyResult:
    """The seed study (examples/seed_study/study.toml) run on the demo cohort, once per test process (3 s)."""
    return run_study(seed_cohort(), load_study(SEED_SPEC))
