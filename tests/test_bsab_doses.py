"""A bispecific antibody's doses in the administrations table: on their own course, with their dose step."""

from __future__ import annotations

import pytest


def _teclistamab_course(raw):
    """INF-003 (row 4 of infusions) becomes a teclistamab course; ADM-003 (row 4) one of its doses."""
    raw.set("infusions", 4, "therapy", "teclistamab")
    return raw.set("administrations", 4, "drug", "teclistamab").set(
        "administrations", 4, "reason", "treatment"
    )


def _found(raw):
    return [(e.rule, e.row, e.column, e.message) for e in raw.errors()]


def test_a_dose_with_its_step_on_its_own_course_is_accepted(raw):
    _teclistamab_course(raw).set("administrations", 4, "dose_step", "step_up_1").set(
        "administrations", 4, "cycle", "1"
    )
    raw.set("administrations", 4, "discharged_at", "2024-11-12 09:00")
    assert raw.errors() == []


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        pytest.param(
            [],
            (
                "dose_step",
                "a dose of teclistamab needs its dose_step (step_up_1, step_up_2, step_up_3 or treatment)",
            ),
            id="no-step",
        ),
        pytest.param(
            [("dose_step", "step_up_1"), ("infusion_id", "INF-001")],
            (
                "drug",
                "teclistamab is recorded on a course of axicabtagene_ciloleucel: a bispecific antibody's dose "
                "belongs to its own course",
            ),
            id="another-product's-course",
        ),
        pytest.param(
            [("drug", "tocilizumab"), ("dose_step", "treatment"), ("reason", "CRS")],
            (
                "dose_step",
                "dose_step treatment is for a dose of a bispecific antibody (or obinutuzumab pretreatment), "
                "not for tocilizumab",
            ),
            id="step-on-another-drug",
        ),
        pytest.param(
            [("drug", "obinutuzumab"), ("dose_step", "pretreatment")],
            (
                "dose_step",
                "obinutuzumab pretreatment is recorded on a course of teclistamab, not of glofitamab",
            ),
            id="pretreatment-of-another-product",
        ),
    ],
)
def test_a_dose_that_cannot_be_audited_against_its_schedule_is_refused(raw, changes, expected):
    _teclistamab_course(raw)
    for column, value in changes:
        raw.set("administrations", 4, column, value)
    assert _found(raw) == [("bsab_dose_matches_course", 4, *expected)]


def test_obinutuzumab_seven_days_before_glofitamab_is_not_before_the_course(raw):
    """Columvi SmPC 4.2: "a single 1 000 mg dose of obinutuzumab as pre-treatment on Cycle 1 Day 1 (7 days prior
    to initiation of glofitamab treatment)"; the course starts at the first glofitamab dose."""
    raw.set("infusions", 4, "therapy", "glofitamab").set("infusions", 4, "indication", "dlbcl_3l_plus")
    raw.set("administrations", 4, "drug", "obinutuzumab").set(
        "administrations", 4, "dose_step", "pretreatment"
    )
    raw.set("administrations", 4, "given_at", "2024-10-26 09:00").set("administrations", 4, "dose_mg", "1000")
    raw.set("administrations", 4, "reason", "treatment")
    assert raw.errors() == []
    raw.set("administrations", 4, "dose_step", None).set("administrations", 4, "drug", "dexamethasone")
    assert [e.rule for e in raw.errors()] == ["administration_not_before_infusion"]
