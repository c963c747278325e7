"""Grade reasons in the user's language: the same grades, the same facts, worded in French when asked; English
stays the sentence the golden snapshot holds."""

from __future__ import annotations

import pandas as pd
import pytest

from iectox.dataset import conform
from iectox.grading import grade_observations
from iectox.schema import CONTRACT

BASE = {
    "infusion_id": "INF-1",
    "observed_at": pd.Timestamp("2024-03-06 14:00"),
    "temperature_c": 38.6,
    "hypotension": False,
    "vasopressors": 0,
    "vasopressin": False,
    "oxygen_device": "none",
    "oxygen_l_min": None,
    "antipyretic_or_anticytokine_given": False,
    "ice_score": 10,
    "consciousness": "alert",
    "seizure": "none",
    "motor_weakness": False,
    "cerebral_edema": "none",
}


def graded(lang: str, **changes: object) -> pd.Series:
    frame = conform(CONTRACT.table("observations"), pd.DataFrame([{**BASE, **changes}]))
    return grade_observations(frame, lang=lang).iloc[0]


CRS = [
    (
        {},
        "grade 1: fever 38.6 °C without hypotension or hypoxia",
        "grade 1 : fièvre 38,6 °C sans hypotension ni hypoxie",
    ),
    (
        {"hypotension": True},
        "grade 2: hypotension without vasopressors",
        "grade 2 : hypotension sans vasopresseur",
    ),
    (
        {"hypotension": True, "vasopressors": 2, "vasopressin": True},
        "grade 4: 2 vasopressors with vasopressin",
        "grade 4 : 2 vasopresseurs avec vasopressine",
    ),
    (
        {"hypotension": True, "vasopressors": 1, "oxygen_device": "nasal_cannula", "oxygen_l_min": 6.5},
        "grade 3: 1 vasopressor and high-flow nasal cannula 6.5 L/min",
        "grade 3 : 1 vasopresseur et lunettes nasales à haut débit 6,5 L/min",
    ),
    (
        {"temperature_c": 37.2, "hypotension": True},
        "grade 0: no fever (37.2 °C); hypotension or hypoxia without fever is not graded as CRS",
        "grade 0 : pas de fièvre (37,2 °C) ; une hypotension ou une hypoxie sans fièvre n'est pas gradée comme "
        "un CRS",
    ),
    (
        {"hypotension": None, "vasopressors": None},
        "grade 1 (lower bound): fever 38.6 °C without hypotension or hypoxia; not recorded: hypotension, "
        "vasopressors",
        "grade 1 (au moins) : fièvre 38,6 °C sans hypotension ni hypoxie ; non noté : hypotension, vasopressors",
    ),
]


@pytest.mark.parametrize(("changes", "english", "french"), CRS)
def test_crs_reasons_in_english_and_french(changes, english, french):
    assert graded("en", **changes)["crs_reason"] == english
    assert graded("fr", **changes)["crs_reason"] == french
    assert graded("fr", **changes)["crs_grade"] == graded("en", **changes)["crs_grade"]


ICANS = [
    ({}, "grade 0: ICE 10/10, no other domain affected", "grade 0 : ICE 10/10, aucun autre domaine atteint"),
    (
        {"ice_score": 0, "consciousness": "unarousable"},
        "grade 4: unarousable (cannot perform ICE)",
        "grade 4 : non réveillable (ICE impossible)",
    ),
    (
        {"ice_score": 2, "seizure": "clinical_resolved", "cerebral_edema": "focal"},
        "grade 3: ICE 2/10 and clinical seizure resolving rapidly and focal/local cerebral oedema on imaging",
        "grade 3 : ICE 2/10 et crise clinique résolutive rapidement et œdème cérébral focal/localisé à "
        "l'imagerie",
    ),
    (
        {"ice_score": 5, "seizure": "clinical_resolved", "motor_weakness": True},
        "grade 4: deep focal motor weakness",
        "grade 4 : déficit moteur focal profond",
    ),
]


@pytest.mark.parametrize(("changes", "english", "french"), ICANS)
def test_icans_reasons_in_english_and_french(changes, english, french):
    assert graded("en", **changes)["icans_reason"] == english
    assert graded("fr", **changes)["icans_reason"] == french
