"""ASTCT 2019 CRS grade per observation: every cell of the consensus table, its boundaries, and missing inputs.

Each case quotes the rule it reproduces from clinical_rules.md (Lee et al., BBMT 2019;25:625, Table 2).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from iectox.dataset import conform
from iectox.grading import GradingInputError, grade_observations
from iectox.grading.astct_crs import crs_hypotension_grade, crs_hypoxia_grade
from iectox.schema import CONTRACT

ROW_1 = "| 1 | >= 38.0 C | none | none |"
ROW_2 = "| 2 | >= 38.0 C | not needing vasopressors | low-flow nasal cannula (<= 6 L/min) or blow-by |"
ROW_3 = (
    "| 3 | >= 38.0 C | one vasopressor, with or without vasopressin | high-flow nasal cannula (> 6 L/min), "
    "facemask, non-rebreather or Venturi mask |"
)
ROW_4 = (
    "| 4 | >= 38.0 C | several vasopressors (vasopressin not counted) | positive pressure: CPAP, BiPAP, "
    "intubation / mechanical ventilation |"
)
WORSE = "The grade is set by the more severe of hypotension and hypoxia."
FEVER = (
    'Lee 2019, Table 2 footnote: "In patients who have CRS then receive antipyretic or anticytokine therapy such '
    'as tocilizumab or steroids, fever is no longer required to grade subsequent CRS severity." The waiver '
    "applies only after CRS was established for that infusion (an earlier febrile observation) and such therapy "
    "was given since; premedication and prophylaxis do not waive fever before CRS."
)
SIX = "Boundary at 6 L/min: <= 6 is low-flow (grade 2), > 6 is high-flow (grade 3)."
FLOW = (
    'Lee 2019, Table 2 footnote: "Low-flow nasal cannula is defined as oxygen delivered at <= 6 L/minute. Low flow '
    "also includes blow-by oxygen delivery ... High-flow nasal cannula is defined as oxygen delivered at > 6 "
    'L/minute." A recorded flow decides low against high flow, whatever the cannula is called; 0 L/min is no '
    "oxygen; a device without a flow keeps its class."
)

NORMAL = {
    "infusion_id": "INF-1",
    "observed_at": pd.Timestamp("2024-03-06 14:00"),
    "temperature_c": 37.0,
    "hypotension": False,
    "vasopressors": 0,
    "vasopressin": False,
    "oxygen_device": "none",
    "oxygen_l_min": 0.0,
    "antipyretic_or_anticytokine_given": False,
}
FEBRILE = {**NORMAL, "temperature_c": 38.5}


def graded(*rows: dict) -> pd.DataFrame:
    """The rows typed as the dataset types the observations table, then graded."""
    return grade_observations(conform(CONTRACT.table("observations"), pd.DataFrame(list(rows))))


CASES = [
    # rule quoted, inputs (changes to a febrile, otherwise normal observation), grade
    (ROW_1, {}, 1),
    (ROW_1, {"temperature_c": 38.0}, 1),
    (ROW_2, {"hypotension": True}, 2),
    (ROW_2, {"oxygen_device": "nasal_cannula", "oxygen_l_min": 2.0}, 2),
    (ROW_2, {"oxygen_device": "blow_by", "oxygen_l_min": None}, 2),
    (FLOW, {"oxygen_device": "nasal_cannula", "oxygen_l_min": 0.0}, 1),
    (FLOW, {"oxygen_device": "high_flow_cannula", "oxygen_l_min": 0.0}, 1),
    (FLOW, {"oxygen_device": "high_flow_cannula", "oxygen_l_min": 4.0}, 2),
    (FLOW, {"oxygen_device": "high_flow_cannula", "oxygen_l_min": 6.0}, 2),
    (FLOW, {"oxygen_device": "high_flow_cannula", "oxygen_l_min": None}, 3),
    (FLOW, {"oxygen_device": "blow_by", "oxygen_l_min": 8.0}, 3),
    (FLOW, {"oxygen_device": None, "oxygen_l_min": 8.0}, 3),
    (FLOW, {"oxygen_device": "facemask", "oxygen_l_min": 4.0}, 3),
    (FLOW, {"oxygen_device": "cpap", "oxygen_l_min": 0.0}, 4),
    (ROW_3, {"hypotension": True, "vasopressors": 1}, 3),
    (ROW_3, {"hypotension": True, "vasopressors": 1, "vasopressin": True}, 3),
    (ROW_3, {"oxygen_device": "nasal_cannula", "oxygen_l_min": 8.0}, 3),
    (ROW_3, {"oxygen_device": "high_flow_cannula", "oxygen_l_min": 40.0}, 3),
    (ROW_3, {"oxygen_device": "facemask", "oxygen_l_min": 8.0}, 3),
    (ROW_3, {"oxygen_device": "non_rebreather", "oxygen_l_min": 15.0}, 3),
    (ROW_3, {"oxygen_device": "venturi", "oxygen_l_min": 10.0}, 3),
    (ROW_4, {"hypotension": True, "vasopressors": 2}, 4),
    (ROW_4, {"hypotension": True, "vasopressors": 3, "vasopressin": True}, 4),
    (ROW_4, {"oxygen_device": "cpap"}, 4),
    (ROW_4, {"oxygen_device": "bipap"}, 4),
    (ROW_4, {"oxygen_device": "mechanical_ventilation"}, 4),
    (WORSE, {"hypotension": True, "oxygen_device": "facemask"}, 3),
    (WORSE, {"hypotension": True, "vasopressors": 2, "oxygen_device": "nasal_cannula", "oxygen_l_min": 2}, 4),
    (WORSE, {"hypotension": True, "vasopressors": 1, "oxygen_device": "bipap"}, 4),
    (FEVER, {"temperature_c": 37.5, "hypotension": True, "oxygen_device": "facemask"}, 0),
    (FEVER, {"temperature_c": 37.5, "oxygen_device": "bipap", "antipyretic_or_anticytokine_given": True}, 0),
    (FEVER, {"temperature_c": 36.8, "vasopressors": 1, "antipyretic_or_anticytokine_given": True}, 0),
]


@pytest.mark.parametrize(("rule", "changes", "expected"), CASES)
def test_astct_crs_table(rule, changes, expected):
    assert graded({**FEBRILE, **changes})["crs_grade"].tolist() == [expected], rule


BOUNDARIES = [
    # rule, inputs, grade, reason
    (ROW_1, {**NORMAL, "temperature_c": 37.9}, 0, "grade 0: no fever (37.9 °C)"),
    (ROW_1, {**NORMAL, "temperature_c": 38.0}, 1, "grade 1: fever 38.0 °C without hypotension or hypoxia"),
    (
        SIX,
        {**FEBRILE, "oxygen_device": "nasal_cannula", "oxygen_l_min": 6.0},
        2,
        "grade 2: low-flow nasal cannula 6 L/min",
    ),
    (
        SIX,
        {**FEBRILE, "oxygen_device": "nasal_cannula", "oxygen_l_min": 6.5},
        3,
        "grade 3: high-flow nasal cannula 6.5 L/min",
    ),
    (ROW_3, {**FEBRILE, "vasopressin": True}, 3, "grade 3: vasopressin alone (counts as one vasopressor)"),
    (
        ROW_3,
        {**FEBRILE, "vasopressors": 1, "vasopressin": True},
        3,
        "grade 3: 1 vasopressor with vasopressin",
    ),
    (ROW_4, {**FEBRILE, "vasopressors": 2}, 4, "grade 4: 2 vasopressors"),
    (
        FEVER,
        {**NORMAL, "temperature_c": 37.2, "oxygen_device": "nasal_cannula", "oxygen_l_min": 8.0},
        0,
        "grade 0: no fever (37.2 °C); hypotension or hypoxia without fever is not graded as CRS",
    ),
    (
        WORSE,
        {
            **FEBRILE,
            "hypotension": True,
            "vasopressors": 1,
            "oxygen_device": "facemask",
            "oxygen_l_min": 10.0,
        },
        3,
        "grade 3: 1 vasopressor and facemask 10 L/min",
    ),
]


@pytest.mark.parametrize(("rule", "row", "expected", "reason"), BOUNDARIES)
def test_boundaries_and_their_reasons(rule, row, expected, reason):
    result = graded(row)
    assert (result["crs_grade"][0], result["crs_reason"][0]) == (expected, reason), rule


def at(hour: int, day: int = 6, **changes: object) -> dict:
    return {**NORMAL, "observed_at": pd.Timestamp(2024, 3, day, hour), **changes}


HYPOXIC = {"temperature_c": 37.1, "oxygen_device": "nasal_cannula", "oxygen_l_min": 3.0}
TREATED = {**HYPOXIC, "antipyretic_or_anticytokine_given": True}
FEVERISH = {"temperature_c": 38.6}
WAIVER = [
    # the observations of one infusion in time order; the grade of the last one
    ([at(8, **FEVERISH), at(14, **TREATED)], 2),  # CRS, then therapy: fever no longer required
    ([at(14, **TREATED)], 0),  # no CRS before: premedication or prophylaxis waives nothing
    ([at(14, **TREATED), at(8, day=7, **TREATED)], 0),  # still no fever before
    ([at(8, **FEVERISH), at(14, **HYPOXIC)], 0),  # CRS, but no therapy recorded since
    ([at(14, **FEVERISH), at(8, **TREATED)], 0),  # the fever came after: rows are put in time order
    ([{**at(8, **FEVERISH), "observed_at": None}, at(14, **TREATED)], 0),  # a fever without a time
    ([at(8, **FEVERISH), at(8, **TREATED)], 2),  # the same hour: the earlier row is earlier
    ([at(8, **FEVERISH, infusion_id="INF-2"), at(14, **TREATED)], 0),  # another infusion's CRS
]


@pytest.mark.parametrize(("rows", "expected"), WAIVER)
def test_fever_waiver_needs_crs_established_then_therapy(rows, expected):
    assert graded(*rows)["crs_grade"].iloc[-1] == expected, FEVER


def test_fever_waived_reason():
    result = graded(at(8, **FEVERISH), at(14, **{**TREATED, "oxygen_l_min": 8.0}))
    assert result["crs_reason"].iloc[-1] == (
        "grade 3: high-flow nasal cannula 8 L/min (fever not required after antipyretic or anti-cytokine therapy)"
    )


ADMINISTRATION = {"administration_id": "ADM-1", "infusion_id": "INF-1", "dose_mg": 560.0, "route": "IV"}


def administrations(*doses: dict) -> pd.DataFrame:
    return conform(CONTRACT.table("administrations"), pd.DataFrame([{**ADMINISTRATION, **d} for d in doses]))


DOSES = [
    # a dose in the administrations table, the grade of a hypoxic afebrile observation at 14:00 on day 6 after
    # a fever at 08:00 (no flag on the row)
    ({"drug": "tocilizumab", "given_at": pd.Timestamp(2024, 3, 6, 10), "reason": "CRS"}, 2),
    ({"drug": "paracetamol", "given_at": pd.Timestamp(2024, 3, 6, 9), "reason": "CRS"}, 2),
    ({"drug": "dexamethasone", "given_at": pd.Timestamp(2024, 3, 6, 10), "reason": "CRS"}, 2),
    ({"drug": "dexamethasone", "given_at": pd.Timestamp(2024, 3, 6, 10), "reason": "prophylaxis"}, 0),
    ({"drug": "tocilizumab", "given_at": pd.Timestamp(2024, 3, 6, 15), "reason": "CRS"}, 0),  # after the row
    (
        {"drug": "paracetamol", "given_at": pd.Timestamp(2024, 3, 6, 7), "reason": "CRS"},
        0,
    ),  # before the fever
    ({"drug": "other", "given_at": pd.Timestamp(2024, 3, 6, 10), "reason": "CRS"}, 0),
]


@pytest.mark.parametrize(("dose", "expected"), DOSES)
def test_a_dose_for_crs_since_the_fever_waives_it(dose, expected):
    rows = conform(CONTRACT.table("observations"), pd.DataFrame([at(8, **FEVERISH), at(14, **HYPOXIC)]))
    result = grade_observations(rows, administrations=administrations(dose))
    assert result["crs_grade"].iloc[-1] == expected, FEVER


def test_a_dose_recorded_by_date_counts_from_the_end_of_its_day():
    """Whether a dose of day 6 came before an observation of day 6 is not known; it counts on day 7."""
    dose = administrations(
        {
            "drug": "tocilizumab",
            "given_at": pd.Timestamp(2024, 3, 6),
            "given_at_time_known": False,
            "reason": "CRS",
        }
    )
    rows = conform(
        CONTRACT.table("observations"),
        pd.DataFrame([at(8, **FEVERISH), at(20, **HYPOXIC), at(8, day=7, **HYPOXIC)]),
    )
    assert grade_observations(rows, administrations=dose)["crs_grade"].tolist() == [1, 0, 2]


MISSING = [
    # a missing input is not normal: the grade is a lower bound and names what could raise it
    (
        {**FEBRILE, "vasopressin": None},
        1,
        "grade 1 (lower bound): fever 38.5 °C without hypotension or hypoxia; not recorded: vasopressin",
    ),
    (
        {**FEBRILE, "oxygen_device": "nasal_cannula", "oxygen_l_min": None},
        2,
        "grade 2 (lower bound): low-flow nasal cannula, flow not recorded; not recorded: oxygen_l_min",
    ),
    (
        {**NORMAL, "temperature_c": None},
        0,
        "grade 0 (lower bound): no fever recorded; not recorded: temperature_c",
    ),
    (
        {
            **NORMAL,
            "temperature_c": None,
            "antipyretic_or_anticytokine_given": None,
            "oxygen_device": "facemask",
        },
        0,
        "grade 0 (lower bound): no fever recorded; hypotension or hypoxia without fever is not graded as CRS; "
        "not recorded: temperature_c",  # no CRS before this row: no therapy could waive its fever
    ),
    ({**FEBRILE, "vasopressors": 2, "vasopressin": None}, 4, "grade 4: 2 vasopressors"),
    (
        {**FEBRILE, "oxygen_device": None, "oxygen_l_min": 4.0},
        2,
        "grade 2 (lower bound): oxygen 4 L/min, device not recorded: low flow (<= 6 L/min); not recorded: "
        "oxygen_device",
    ),
    (
        {**FEBRILE, "oxygen_device": "high_flow_cannula", "oxygen_l_min": 4.0},
        2,
        "grade 2: high-flow nasal cannula 4 L/min: low flow (<= 6 L/min)",
    ),
    (
        {**FEBRILE, "oxygen_device": "blow_by", "oxygen_l_min": 8.0},
        3,
        "grade 3: blow-by oxygen 8 L/min: high flow (> 6 L/min)",
    ),
    (
        {**FEBRILE, "oxygen_device": "high_flow_cannula", "oxygen_l_min": 40.0},
        3,
        "grade 3: high-flow nasal cannula 40 L/min",
    ),
    (
        {**FEBRILE, "oxygen_device": "high_flow_cannula", "oxygen_l_min": None},
        3,
        "grade 3: high-flow nasal cannula, flow not recorded",
    ),
    (
        {"infusion_id": "INF-1", "observed_at": NORMAL["observed_at"]},
        None,
        "not gradable: no CRS input recorded",
    ),
]


@pytest.mark.parametrize(("row", "expected", "reason"), MISSING)
def test_missing_inputs_give_a_lower_bound(row, expected, reason):
    result = graded(row)
    grade = result["crs_grade"][0]
    assert (None if pd.isna(grade) else grade, result["crs_reason"][0]) == (expected, reason)


def test_rule_functions_on_arrays():
    assert crs_hypotension_grade(
        np.array([False, True, False, True, True]),
        np.array([0, 0, 0, 1, 2]),
        np.array([False] * 2 + [True] * 3),
    ).tolist() == [0, 2, 3, 3, 4]
    assert crs_hypoxia_grade(
        np.array([0, 1, 1, 2, -1, -1, 1, -1]), np.array([0, 6, 6.01, np.nan, 3, np.nan, 0, 7])
    ).tolist() == [0, 2, 3, 2, 2, 0, 0, 3]


def test_output_keeps_the_input_and_its_index():
    frame = conform(CONTRACT.table("observations"), pd.DataFrame([NORMAL, FEBRILE])).set_axis([10, 11])
    result = grade_observations(frame)
    assert list(result.columns) == [*frame.columns, "crs_grade", "crs_reason", "icans_grade", "icans_reason"]
    assert result.index.tolist() == [10, 11]
    assert result["crs_grade"].dtype == "Int64"
    assert "crs_grade" not in frame


def test_codes_outside_the_vocabulary_are_refused():
    with pytest.raises(GradingInputError, match="oxygen_device: 'masque'"):
        grade_observations(pd.DataFrame([{**FEBRILE, "oxygen_device": "masque"}]))


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("temperature_c", 25.0, "temperature_c: 25 is outside 30-44"),  # 25 °C: a typing error, not a patient
        ("temperature_c", 45.0, "temperature_c: 45 is outside 30-44"),
        ("vasopressors", 7, "vasopressors: 7 is outside 0-6"),
        ("oxygen_l_min", 90.0, "oxygen_l_min: 90 is outside 0-80"),
    ],
)
def test_grading_refuses_what_the_contract_refuses_at_import(column, value, message):
    declared = CONTRACT.table("observations").column(column)
    assert not declared.minimum <= value <= declared.maximum  # the same value fails validation too
    with pytest.raises(GradingInputError, match=message):
        grade_observations(pd.DataFrame([{**FEBRILE, column: value}]))


@pytest.mark.parametrize(
    ("column", "value"), [("temperature_c", 30.0), ("temperature_c", 44.0), ("oxygen_l_min", 80.0)]
)
def test_the_contract_bounds_themselves_are_graded(column, value):
    assert grade_observations(pd.DataFrame([{**FEBRILE, column: value}]))["crs_grade"].notna().all()


ATTRIBUTION = (
    'Lee 2019, Table 2: CRS grades fever "with hypotension" or "with hypoxia", and the text defines CRS by '
    '"hypotension or hypoxia not attributable to any other cause"; intubation for airway protection does not make '
    "CRS grade 4."
)
ATTRIBUTED = [
    # changes to a febrile observation, grade, reason
    (
        {"oxygen_device": "mechanical_ventilation", "oxygen_cause": "airway_protection"},
        1,
        "grade 1: fever 38.5 °C without hypotension or hypoxia; oxygen or ventilation for airway protection, not CRS",
    ),
    (
        {"oxygen_device": "facemask", "oxygen_l_min": 8.0, "oxygen_cause": "other"},
        1,
        "grade 1: fever 38.5 °C without hypotension or hypoxia; oxygen attributed to another cause, not CRS",
    ),
    (
        {"oxygen_device": "facemask", "oxygen_l_min": 8.0, "oxygen_cause": "CRS"},
        3,
        "grade 3: facemask 8 L/min",
    ),
    (
        {
            "hypotension": True,
            "vasopressors": 2,
            "hypotension_cause": "other",
            "oxygen_device": "nasal_cannula",
        },
        2,
        "grade 2 (lower bound): low-flow nasal cannula, flow not recorded; hypotension attributed to another "
        "cause, not CRS; not recorded: oxygen_l_min",
    ),
]


@pytest.mark.parametrize(("changes", "expected", "reason"), ATTRIBUTED)
def test_support_attributed_to_another_cause_grades_no_crs(changes, expected, reason):
    result = graded({**FEBRILE, "oxygen_l_min": None, **changes})
    assert (result["crs_grade"][0], result["crs_reason"][0]) == (expected, reason), ATTRIBUTION
