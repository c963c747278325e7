"""ASTCT 2019 ICANS grade per observation and the ICE score: every cell of the consensus table, quoted.

Rules from clinical_rules.md (Lee et al., BBMT 2019;25:625, Tables 5, 6 and 8).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from factories import small_dataset
from iectox.dataset import Dataset, conform
from iectox.grading import (
    GradingInputError,
    GradingSettings,
    grade_dataset,
    grade_observations,
    ice_as_recorded,
    ice_score,
)
from iectox.grading.ice import ICE_MAX
from iectox.schema import CONTRACT

ICE = "| ICE score | 7-9 | 3-6 | 0-2 | 0, unarousable, cannot perform ICE |"
CONSCIOUSNESS = (
    "| depressed consciousness | wakes spontaneously | wakes to voice | wakes only to tactile stimulus | "
    "unarousable or needs vigorous/repeated stimuli; stupor or coma |"
)
SEIZURE = (
    "| seizure | - | - | any clinical seizure resolving rapidly, or non-convulsive EEG seizures resolving with "
    "intervention | prolonged (> 5 min) or repetitive seizures without return to baseline |"
)
MOTOR = "| motor findings | - | - | - | deep focal motor weakness (hemiparesis, paraparesis) |"
EDEMA = (
    "| raised ICP / cerebral oedema | - | - | focal/local oedema on imaging | diffuse oedema; decerebrate/"
    "decorticate posturing; cranial nerve VI palsy; papilloedema; Cushing's triad |"
)
NONE = "ICE 10 with no other domain = no ICANS."
ICE_ZERO = "ICE 0 while awake (global aphasia) = grade 3; ICE 0 because unarousable = grade 4."
MOST_SEVERE = "the most severe domain not attributable to another cause sets the grade"
CAPD = (
    "Children under 12 (the age cut-off is a setting): CAPD replaces ICE. Lee 2019's paediatric table lists CAPD "
    "1-8 in the rows of both grade 1 and grade 2 (the level of consciousness decides between them: awakens "
    "spontaneously = 1, awakens to voice = 2), CAPD >= 9 = 3, unable to perform CAPD = 4; the other domains as in "
    "adults. As in adults the grade is that of the most severe domain, so CAPD 1-8 alone, in an alert child, is "
    "grade 1."
)
DELAY = (
    'Lee 2019, as reported by MDedge: "the ICE assessment is not suitable for children younger than 12. For these '
    "patients (and older patients with baseline developmental delays), ICANS can be assessed using the Cornell "
    'Assessment of Pediatric Delirium (CAPD)." ASCO 2021 (Santomasso et al.), Table 2: "The CAPD score also may '
    'be used in patients age >12 years with baseline developmental delay as it has been validated up to age 21 years."'
)
ICE_ITEMS = (
    "orientation to year, month, city, hospital (4); naming three objects (3); following a simple command (1); "
    "writing a standard sentence (1); counting back from 100 by ten (1)."
)

NORMAL = {
    "infusion_id": "INF-1",
    "observed_at": pd.Timestamp("2024-03-06 14:00"),
    "ice_score": 10,
    "consciousness": "alert",
    "seizure": "none",
    "motor_weakness": False,
    "cerebral_edema": "none",
}


def graded(*rows: dict, settings: GradingSettings | None = None) -> pd.DataFrame:
    frame = conform(CONTRACT.table("observations"), pd.DataFrame(list(rows)))
    ages = [row.get("age_years") for row in rows]
    delays = [row.get("developmental_delay") for row in rows]
    frame = frame.assign(
        age_years=pd.array(ages, dtype="Float64"), developmental_delay=pd.array(delays, dtype="boolean")
    )
    return grade_observations(frame, settings)


CASES = [
    (NONE, {}, 0),
    (ICE, {"ice_score": 9}, 1),
    (ICE, {"ice_score": 7}, 1),
    (ICE, {"ice_score": 6}, 2),
    (ICE, {"ice_score": 3}, 2),
    (ICE, {"ice_score": 2}, 3),
    (ICE, {"ice_score": 0}, 3),
    (ICE_ZERO, {"ice_score": 0, "consciousness": "unarousable"}, 4),
    (CONSCIOUSNESS, {"consciousness": "wakes_spontaneously"}, 1),
    (CONSCIOUSNESS, {"consciousness": "wakes_to_voice"}, 2),
    (CONSCIOUSNESS, {"consciousness": "wakes_to_touch"}, 3),
    (CONSCIOUSNESS, {"consciousness": "unarousable"}, 4),
    (SEIZURE, {"seizure": "clinical_resolved"}, 3),
    (SEIZURE, {"seizure": "nonconvulsive_resolved"}, 3),
    (SEIZURE, {"seizure": "prolonged_or_repetitive"}, 4),
    (MOTOR, {"motor_weakness": True}, 4),
    (EDEMA, {"cerebral_edema": "focal"}, 3),
    (EDEMA, {"cerebral_edema": "diffuse"}, 4),
    (MOST_SEVERE, {"ice_score": 8, "consciousness": "wakes_to_voice"}, 2),
    (MOST_SEVERE, {"ice_score": 5, "seizure": "clinical_resolved", "motor_weakness": True}, 4),
    (CAPD, {"age_years": 8, "capd_score": 4, "consciousness": "wakes_spontaneously"}, 1),
    (CAPD, {"age_years": 8, "capd_score": 4}, 1),
    (CAPD, {"age_years": 8, "capd_score": 1}, 1),
    (CAPD, {"age_years": 8, "capd_score": 8}, 1),
    (CAPD, {"age_years": 8, "capd_score": 0}, 0),
    (CAPD, {"age_years": 8, "capd_score": 4, "consciousness": "wakes_to_voice"}, 2),
    (CAPD, {"age_years": 8, "capd_score": 9}, 3),
    (CAPD, {"age_years": 8, "capd_score": 12, "consciousness": "unarousable"}, 4),
    (CAPD, {"age_years": 8, "capd_score": 3, "cerebral_edema": "diffuse"}, 4),
]


@pytest.mark.parametrize(("rule", "changes", "expected"), CASES)
def test_astct_icans_table(rule, changes, expected):
    assert graded({**NORMAL, **changes})["icans_grade"].tolist() == [expected], rule


REASONS = [
    (ICE_ZERO, {"ice_score": 0}, 3, "grade 3: ICE 0/10 while awake"),
    (
        ICE_ZERO,
        {"ice_score": 0, "consciousness": "unarousable"},
        4,
        "grade 4: unarousable (cannot perform ICE)",
    ),
    (NONE, {}, 0, "grade 0: ICE 10/10, no other domain affected"),
    (
        MOST_SEVERE,
        {"ice_score": 2, "cerebral_edema": "focal"},
        3,
        "grade 3: ICE 2/10 and focal/local cerebral oedema on imaging",
    ),
    (CAPD, {"age_years": 8, "capd_score": 12, "ice_score": None}, 3, "grade 3: CAPD 12 (child)"),
    (
        CAPD,
        {"age_years": 8, "capd_score": 12, "consciousness": "unarousable"},
        4,
        "grade 4: unarousable (unable to perform CAPD)",
    ),
    (
        NONE,
        {"cerebral_edema": None},
        0,
        "grade 0 (lower bound): ICE 10/10, no other domain affected; not recorded: cerebral_edema",
    ),
    (
        ICE_ZERO,
        {"ice_score": 0, "consciousness": None},
        3,
        "grade 3 (lower bound): ICE 0/10; not recorded: consciousness",
    ),
    (
        NONE,
        {
            "ice_score": None,
            "consciousness": None,
            "seizure": None,
            "motor_weakness": None,
            "cerebral_edema": None,
        },
        None,
        "not gradable: no ICANS input recorded",
    ),
]


@pytest.mark.parametrize(("rule", "changes", "expected", "reason"), REASONS)
def test_reasons(rule, changes, expected, reason):
    result = graded({**NORMAL, **changes})
    grade = result["icans_grade"][0]
    assert (None if pd.isna(grade) else grade, result["icans_reason"][0]) == (expected, reason), rule


def test_capd_in_a_child_of_8_and_ice_in_an_adult():
    """The same observation: a child of 8 is graded by CAPD (>= 9: grade 3), an adult by ICE (9: grade 1)."""
    row = {**NORMAL, "ice_score": 9, "capd_score": 10}
    result = graded({**row, "age_years": 8}, {**row, "age_years": 40}, {**row, "age_years": None})
    assert result["icans_grade"].tolist() == [3, 1, 1]


def test_capd_1_to_8_by_consciousness_is_a_named_setting():
    """Teams that grade CAPD 1-8 by consciousness alone keep doing so by name; the table is the default."""
    alert = {**NORMAL, "age_years": 8, "capd_score": 5}
    voice = {**alert, "consciousness": "wakes_to_voice"}
    by_consciousness = GradingSettings(capd_convention="consciousness")
    assert graded(alert, voice)["icans_grade"].tolist() == [1, 2]
    assert graded(alert, voice, settings=by_consciousness)["icans_grade"].tolist() == [0, 2]
    with pytest.raises(ValueError, match="capd_convention must be one of table, consciousness"):
        GradingSettings(capd_convention="lee")


def test_capd_age_is_a_setting():
    row = {**NORMAL, "ice_score": 10, "capd_score": 10, "age_years": 13}
    assert graded(row)["icans_grade"].tolist() == [0]
    assert graded(row, settings=GradingSettings(capd_age=16))["icans_grade"].tolist() == [3]


def test_ice_score_from_its_items():
    """Rule: ICE_ITEMS; a row missing an item falls back to the score as entered."""
    assert ice_score(
        *(np.array([4, 2, 0]), np.array([3, 1, 0]), np.ones(3), np.ones(3), np.array([1, 0, 0]))
    ).tolist() == [10, 5, 2]
    frame = pd.DataFrame(
        {
            "ice_score": [9, 7, None],
            "ice_orientation": [4, None, 1],
            "ice_naming": [3, 3, 0],
            "ice_command": [1, 1, 0],
            "ice_writing": [1, 0, 0],
            "ice_counting": [0, 1, 0],
        }
    )
    assert ice_as_recorded(frame).tolist() == [9.0, 7.0, 1.0]
    assert grade_observations(frame.assign(ice_score=[None, 7, None]))["icans_grade"].tolist() == [1, 1, 3]


def test_ice_items_out_of_range_are_refused():
    with pytest.raises(GradingInputError, match="ice_naming"):
        ice_score(np.array([4]), np.array([4]), np.array([1]), np.array([1]), np.array([1]))


def test_the_contract_ice_range_is_the_sum_of_its_items():
    declared = CONTRACT.table("observations").column("ice_score")
    assert (declared.minimum, declared.maximum) == (0, ICE_MAX) == (0, 10)
    with pytest.raises(GradingInputError, match="ice_score: 11 is outside 0-10"):
        grade_observations(pd.DataFrame({"ice_score": [11]}))


SEDATION = (
    'Lee 2019, Table 6: depressed level of consciousness "should be attributable to no other cause (e.g., no '
    'sedating medication)"; an ICE score under sedation is "not gradable", not grade 4.'
)
SEDATED = [
    # changes to a normal adult observation, grade, reason
    (
        {"ice_score": 0, "consciousness": "unarousable", "sedated": True},
        0,
        "grade 0: no ICANS sign recorded; ICE or CAPD and consciousness not assessable: sedated",
    ),
    (
        {"ice_score": 0, "consciousness": "unarousable", "seizure": "clinical_resolved", "sedated": True},
        3,
        "grade 3: clinical seizure resolving rapidly; ICE or CAPD and consciousness not assessable: sedated",
    ),
    (
        {
            "ice_score": 2,
            "consciousness": "wakes_to_touch",
            "seizure": None,
            "motor_weakness": None,
            "cerebral_edema": None,
            "sedated": True,
        },
        None,
        "not gradable: sedated (ICE or CAPD and consciousness cannot be assessed)",
    ),
    ({"ice_score": 2, "sedated": False}, 3, "grade 3: ICE 2/10"),
]


@pytest.mark.parametrize(("changes", "expected", "reason"), SEDATED)
def test_sedation_leaves_ice_and_consciousness_ungraded(changes, expected, reason):
    result = graded({**NORMAL, **changes})
    grade = result["icans_grade"][0]
    assert (None if pd.isna(grade) else grade, result["icans_reason"][0]) == (expected, reason), SEDATION


# The same observation (ICE 9: grade 1 by ICE; CAPD 10: grade 3 by CAPD) in patients of each age, with and
# without developmental delay: the grade says which assessment was used.
DELAY_CASES = [
    (DELAY, 8, None, 3),
    (DELAY, 8, False, 3),
    (DELAY, 12, None, 1),
    (DELAY, 12, False, 1),
    (DELAY, 12, True, 3),
    (DELAY, 17, True, 3),
    (DELAY, 21, True, 3),
    (DELAY, 21.9, True, 3),
    (DELAY, 22, True, 1),
    (DELAY, 40, True, 1),
    (DELAY, None, True, 1),
]


@pytest.mark.parametrize(("rule", "age", "delay", "expected"), DELAY_CASES)
def test_capd_for_developmental_delay_up_to_21_years(rule, age, delay, expected):
    row = {**NORMAL, "ice_score": 9, "capd_score": 10, "age_years": age, "developmental_delay": delay}
    assert graded(row)["icans_grade"].tolist() == [expected], rule


def test_the_reason_of_a_delayed_patient_of_17_names_capd():
    row = {**NORMAL, "ice_score": None, "capd_score": 12, "age_years": 17, "developmental_delay": True}
    assert graded(row)["icans_reason"].tolist() == ["grade 3: CAPD 12 (child)"], DELAY


def test_a_dataset_takes_the_delay_from_the_patient():
    """`grade_dataset` reads `patients.developmental_delay` through the infusion: a patient of 17 with
    developmental delay is graded by CAPD, the same observation in an adult of 34 by ICE."""
    dataset = small_dataset()
    tables = dict(dataset.tables)
    tables["patients"] = tables["patients"].assign(
        developmental_delay=pd.array([None, None, True], "boolean")
    )
    tables["infusions"] = tables["infusions"].assign(age_at_infusion=[61.5, 58.25, 17.0])
    observations = conform(
        CONTRACT.table("observations"),
        pd.DataFrame(
            [{**NORMAL, "infusion_id": i, "ice_score": 9, "capd_score": 10} for i in ("INF-001", "INF-003")]
        ),
    )
    tables["observations"] = observations
    graded_rows = grade_dataset(Dataset.from_frames(tables))
    assert graded_rows["icans_grade"].tolist() == [1, 3], DELAY
    tables["patients"] = tables["patients"].assign(
        developmental_delay=pd.array([None, None, False], "boolean")
    )
    assert grade_dataset(Dataset.from_frames(tables))["icans_grade"].tolist() == [1, 1]
