"""Every validation rule, each with a failing example and the exact message the user reads."""

from __future__ import annotations

from datetime import date

import pytest

from iectox.validate import Settings

# (table, row, column, new value) -> (rule, row, column, message)
CELL_CASES = [
    pytest.param(
        "patients",
        2,
        "sex",
        "femal",
        (
            "vocabulary",
            2,
            "sex",
            "'femal' is not an allowed sex; did you mean 'female'? (allowed: male, female, other, unknown)",
        ),
        id="vocabulary-did-you-mean",
    ),
    pytest.param(
        "patients",
        3,
        "centre",
        None,
        ("required", 3, "centre", "centre is required in patients and is blank"),
        id="required",
    ),
    pytest.param(
        "outcomes",
        3,
        "infusion_id",
        "INF-001",
        ("unique", 3, "infusion_id", "infusion_id 'INF-001' already appears on row 2 of outcomes"),
        id="unique-ids",
    ),
    pytest.param(
        "administrations",
        2,
        "administration_id",
        "ADM 001",
        (
            "pattern",
            2,
            "administration_id",
            "administration_id 'ADM 001' is not valid: letters, digits, '_', '.', '-', at most 64 characters, "
            "no spaces",
        ),
        id="id-pattern",
    ),
    pytest.param(
        "patients",
        2,
        "birth_year",
        "1961.5",
        ("integer", 2, "birth_year", "'1961.5' is not a whole number"),
        id="type-integer",
    ),
    pytest.param(
        "infusions",
        2,
        "weight_kg",
        "seventy",
        ("number", 2, "weight_kg", "'seventy' is not a number (decimal point or comma)"),
        id="type-number",
    ),
    pytest.param(
        "infusions",
        2,
        "weight_kg",
        "300",
        ("range", 2, "weight_kg", "weight_kg 300 is outside the plausible range 2-250 kg"),
        id="range-weight-high",
    ),
    pytest.param(
        "infusions",
        2,
        "weight_kg",
        "1,9",
        ("range", 2, "weight_kg", "weight_kg 1.9 is outside the plausible range 2-250 kg"),
        id="range-weight-low-decimal-comma",
    ),
    pytest.param(
        "infusions",
        3,
        "age_at_infusion",
        "111",
        ("range", 3, "age_at_infusion", "age_at_infusion 111 is outside the plausible range 0-110 years"),
        id="range-age",
    ),
    pytest.param(
        "administrations",
        2,
        "dose_mg",
        "0",
        ("range", 2, "dose_mg", "dose_mg 0 is outside the plausible range greater than 0 mg"),
        id="range-dose-positive",
    ),
    pytest.param(
        "infusions",
        2,
        "infusion_date",
        "17/05/2023",
        (
            "date_order",
            2,
            "infusion_date",
            "infusion_date has 1 date written day first, like 17/05/2023 (row 2): say so with --dates dmy",
        ),
        id="type-date-iso-only",
    ),
    pytest.param(
        "infusions",
        2,
        "infusion_date",
        "2023-02-30",
        ("date", 2, "infusion_date", "'2023-02-30' is not a date (YYYY-MM-DD)"),
        id="type-date-impossible",
    ),
    pytest.param(
        "toxicity_episodes",
        2,
        "onset_at",
        "tomorrow",
        ("datetime", 2, "onset_at", "'tomorrow' is not a date (YYYY-MM-DD with an optional HH:MM)"),
        id="type-datetime",
    ),
    pytest.param(
        "observations",
        2,
        "hypotension",
        "maybe",
        ("boolean", 2, "hypotension", "'maybe' is not yes or no (also accepted: true/false, 1/0, oui/non)"),
        id="type-yes-no",
    ),
    pytest.param(
        "toxicity_episodes",
        3,
        "infusion_id",
        "INF-999",
        ("reference", 3, "infusion_id", "infusion_id 'INF-999' does not exist in infusions"),
        id="reference",
    ),
    pytest.param(
        "infusions",
        3,
        "trial_id",
        None,
        ("trial_id_required", 3, "trial_id", "trial_id is required when setting is clinical_trial"),
        id="trial-id-required",
    ),
    pytest.param(
        "infusions",
        3,
        "trial_id",
        "NCT123",
        (
            "trial_id_format",
            3,
            "trial_id",
            "trial_id 'NCT123' is not an NCT number (NCT followed by 8 digits)",
        ),
        id="trial-id-nct",
    ),
    pytest.param(
        "infusions",
        2,
        "age_at_infusion",
        "40",
        (
            "age_matches_birth_year",
            2,
            "age_at_infusion",
            "age_at_infusion 40 does not match birth_year 1961 and infusion_date 2023-05-17",
        ),
        id="age-vs-birth-year",
    ),
    pytest.param(
        "toxicity_episodes",
        2,
        "onset_at",
        "2023-05-16 23:00",
        (
            "onset_not_before_infusion",
            2,
            "onset_at",
            "onset_at 2023-05-16 23:00 is before the infusion date 2023-05-17 of INF-001",
        ),
        id="onset-before-infusion",
    ),
    pytest.param(
        "toxicity_episodes",
        2,
        "resolved_at",
        "2023-05-19 14:00",
        (
            "resolution_not_before_onset",
            2,
            "resolved_at",
            "resolved_at 2023-05-19 14:00 is before onset_at 2023-05-19 14:30",
        ),
        id="resolution-before-onset",
    ),
    pytest.param(
        "toxicity_episodes",
        3,
        "resolved_at",
        "2023-05-22",
        (
            "ongoing_episode_not_resolved",
            3,
            "resolved_at",
            "an episode with outcome 'ongoing' cannot have a resolved_at",
        ),
        id="ongoing",
    ),
    pytest.param("toxicity_episodes", 4, "grading_scale", "CARTOX", None, id="cartox-grade-3-is-valid"),
    pytest.param("toxicity_episodes", 2, "grading_scale", "MSKCC", None, id="mskcc-grades-crs"),
    pytest.param(
        "toxicity_episodes",
        3,
        "grading_scale",
        "Lee2014",
        ("grade_valid_for_scale", 3, "grading_scale", "Lee2014 does not grade ICANS"),
        id="scale-does-not-grade-syndrome",
    ),
    pytest.param(
        "toxicity_episodes",
        4,
        "outcome",
        "death",
        (
            "death_episode_means_dead",
            4,
            "outcome",
            "outcome is death but the outcomes table does not record the death of INF-003",
        ),
        id="death-episode-needs-dead-status",
    ),
    pytest.param(
        "administrations",
        2,
        "given_at",
        "2023-05-16 09:00",
        (
            "administration_not_before_infusion",
            2,
            "given_at",
            "given_at 2023-05-16 09:00 is before the infusion date 2023-05-17 of INF-001",
        ),
        id="administration-before-infusion",
    ),
    pytest.param(
        "observations",
        2,
        "observed_at",
        "2023-05-16 09:00",
        (
            "observation_not_before_infusion",
            2,
            "observed_at",
            "observed_at 2023-05-16 09:00 is before the infusion date 2023-05-17 of INF-001",
        ),
        id="observation-before-infusion",
    ),
    pytest.param(
        "outcomes",
        3,
        "death_date",
        None,
        ("death_date_matches_status", 3, "death_date", "status is dead but death_date is blank"),
        id="dead-without-date",
    ),
    pytest.param(
        "outcomes",
        2,
        "death_date",
        "2024-01-01",
        ("death_date_matches_status", 2, "death_date", "death_date is given but status is 'alive'"),
        id="date-without-death",
    ),
    pytest.param(
        "outcomes",
        3,
        "death_date",
        "2024-01-08",
        (
            "follow_up_not_before_infusion",
            3,
            "death_date",
            "death_date 2024-01-08 is before the infusion date 2024-01-09 of INF-002",
        ),
        id="death-before-infusion",
    ),
    pytest.param(
        "outcomes",
        2,
        "last_follow_up",
        "2023-05-01",
        (
            "follow_up_not_before_infusion",
            2,
            "last_follow_up",
            "last_follow_up 2023-05-01 is before the infusion date 2023-05-17 of INF-001",
        ),
        id="follow-up-before-infusion",
    ),
    pytest.param("infusions", 3, "crs_status", "unknown", None, id="unknown-status-without-episode-is-fine"),
    pytest.param(
        "infusions",
        4,
        "crs_status",
        "no",
        (
            "status_matches_episodes",
            4,
            "crs_status",
            "crs_status is 'no' but toxicity_episodes records a CRS episode for INF-003",
        ),
        id="status-contradicts-episode",
    ),
]


@pytest.mark.parametrize(("table", "row", "column", "value", "expected"), CELL_CASES)
def test_rule(raw, table, row, column, value, expected):
    errors = raw.set(table, row, column, value).errors()
    if expected is None:
        assert errors == []
        return
    rule, where_row, where_column, message = expected
    assert [(e.rule, e.row, e.column, e.message) for e in errors] == [
        (rule, where_row, where_column, message)
    ]
    assert errors[0].file == f"{table}.csv"


@pytest.mark.parametrize(("weight", "warned"), [("2", True), ("9,9", True), ("10", False), ("19,9", False)])
def test_a_small_child_weight_is_accepted_and_checked(raw, weight, warned):
    """From 2 kg (children given tisagenlecleucel; tocilizumab 12 mg/kg under 30 kg); under 10 kg a warning."""
    issues = raw.set("infusions", 2, "weight_kg", weight).issues()
    assert not [i for i in issues if i.severity == "error"]
    small = [(i.rule, i.row, i.column, i.severity) for i in issues if i.rule == "small_child_weight"]
    assert small == ([("small_child_weight", 2, "weight_kg", "warning")] if warned else [])


@pytest.mark.parametrize(
    ("delay", "age", "warned"),
    [
        ("yes", "61.5", True),
        ("yes", "22", True),
        ("yes", "21.9", False),
        ("yes", "15", False),
        ("no", "40", False),
    ],
)
def test_developmental_delay_after_21_years_is_a_warning_on_its_cell(raw, delay, age, warned):
    """CAPD replaces ICE for developmental delay only up to 21 years (Lee 2019; ASCO 2021, Santomasso et al.):
    recorded for a patient older than that at an infusion, it changes nothing, and the cell is named."""
    raw.set("patients", 2, "birth_year", None)  # only the age changes: no birth year to disagree with
    issues = (
        raw.set("patients", 2, "developmental_delay", delay)
        .set("infusions", 2, "age_at_infusion", age)
        .issues()
    )
    assert not [i for i in issues if i.severity == "error"]
    found = [
        (i.file, i.row, i.column, i.value, i.severity, i.message)
        for i in issues
        if i.rule == "developmental_delay_age"
    ]
    message = (
        f"developmental_delay is yes but the patient was {age} years old at infusion INF-001: CAPD replaces ICE "
        "only up to 21 years, so ICE grades this infusion"
    )
    assert found == (
        [("patients.csv", 2, "developmental_delay", "yes", "warning", message)] if warned else []
    )


def test_grade_must_exist_on_its_scale(raw):
    raw.set("toxicity_episodes", 2, "grading_scale", "CARTOX").set("toxicity_episodes", 2, "max_grade", "5")
    raw.set("toxicity_episodes", 2, "outcome", "death")
    errors = raw.errors()
    assert ("grade_valid_for_scale", "grade 5 does not exist on CARTOX (grades 0-4)") in [
        (e.rule, e.message) for e in errors
    ]


def test_grade_5_means_death(raw):
    errors = raw.set("toxicity_episodes", 4, "max_grade", "5").errors()
    assert [(e.rule, e.row, e.message) for e in errors] == [
        ("grade_5_is_death", 4, "grade 5 means death from CRS, but outcome is 'resolved'")
    ]


def test_nothing_after_death(raw):
    raw.set("toxicity_episodes", 3, "infusion_id", "INF-002").set(
        "toxicity_episodes", 3, "onset_at", "2024-07-01"
    )
    raw.set("toxicity_episodes", 3, "outcome", "resolved")
    errors = raw.errors()
    assert [(e.rule, e.row, e.column, e.message) for e in errors] == [
        ("nothing_after_death", 3, "onset_at", "onset_at 2024-07-01 is after the death date 2024-06-30")
    ]


def test_study_period():
    from conftest import RawDataset

    settings = Settings(study_start=date(2020, 1, 1), study_end=date(2024, 7, 1))
    errors = RawDataset().errors(settings)
    assert [(e.rule, e.row, e.message) for e in errors] == [
        (
            "infusion_in_study_period",
            4,
            "infusion_date 2024-11-02 is outside the study period 2020-01-01 to 2024-07-01",
        )
    ]


def test_day_only_times_compare_by_day(raw):
    """Onset recorded as a day only, treatment that same day at 08:00: not 'before onset', hour unknown."""
    raw.set("toxicity_episodes", 2, "onset_at", "2023-05-20").set(
        "toxicity_episodes", 2, "resolved_at", "2023-05-20"
    )
    assert raw.errors() == []


def test_standard_of_care_product_outside_its_authorisation_is_a_warning(raw):
    raw.set("infusions", 2, "indication", "multiple_myeloma")
    issues = raw.issues()
    assert [(i.severity, i.rule, i.message) for i in issues] == [
        (
            "warning",
            "product_authorised",
            "axicabtagene_ciloleucel has no EU authorisation for multiple_myeloma",
        )
    ]
    raw.set("infusions", 2, "indication", "dlbcl_2l").set("infusions", 2, "infusion_date", "2022-06-01")
    assert [i.message for i in raw.issues()] == [
        "axicabtagene_ciloleucel was authorised for dlbcl_2l in 2022-10, after this infusion"
    ]


def test_every_error_is_reported_not_just_the_first(raw):
    raw.set("patients", 2, "sex", "x").set("infusions", 3, "weight_kg", "abc").set(
        "outcomes", 4, "status", "?"
    )
    assert [(e.file, e.row, e.column) for e in raw.errors()] == [
        ("patients.csv", 2, "sex"),
        ("infusions.csv", 3, "weight_kg"),
        ("outcomes.csv", 4, "status"),
    ]


def test_a_lab_unit_not_of_its_analyte_is_refused(raw):
    """Platelets in mg/dL cannot be converted: an error naming row, column, value and the allowed units."""
    issues = raw.set("labs", 2, "unit", "mg/dL").errors()
    assert [(i.file, i.rule, i.row, i.column, i.value, i.message) for i in issues] == [
        (
            "labs.csv",
            "lab_unit_for_analyte",
            2,
            "unit",
            "mg/dL",
            "unit mg/dL is not a unit of ferritin (allowed: ug/L)",
        )
    ]


@pytest.mark.parametrize(
    ("value", "unit", "refused"),
    [("0.3", "10^9/L", False), ("300", "/mm3", False), ("300", "G/L", True), ("150", "10^9/L", True)],
)
def test_a_lab_value_is_checked_in_its_canonical_unit(raw, value, unit, refused):
    """300/mm³ is 0.3 G/L; 300 G/L of neutrophils is a typing error; G/L is read as 10⁹/L for a count."""
    issues = raw.set("labs", 4, "value", value).set("labs", 4, "unit", unit).errors()
    assert [(i.rule, i.row, i.column) for i in issues] == (
        [("lab_value_plausible", 4, "value")] if refused else []
    )
