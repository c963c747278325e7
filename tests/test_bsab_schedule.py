"""The bispecific step-up schedules as the product information gives them (iectox/data/bispecifics/).

Each case quotes the label's sentence and checks the number the data file holds for it; the restart cases
check which step a gap after a last dose leads to, at and beside each boundary the label states.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from iectox.management.bsab_docs import bispecifics_markdown
from iectox.management.bsab_schedule import NEXT, schedule_for, schedules
from iectox.schema import THERAPY, therapy_class

STEP_CASES = [
    # (schedule, step, day, dose, premedication, hospitalisation_h, the label's sentence)
    ("teclistamab", "step_up_1", 1, 0.06, True, 48, "Day 1 Step-up dose 1 0.06 mg/kg"),
    ("teclistamab", "step_up_2", 4, 0.3, True, 48, "Day 4 Step-up dose 2 0.3 mg/kg"),
    ("teclistamab", "treatment", 7, 1.5, True, 48, "Day 7 First treatment dose 1.5 mg/kg"),
    (
        "elranatamab",
        "step_up_1",
        1,
        12,
        True,
        48,
        "hospitalized for 48 hours after elranatamab step-up dose 1",
    ),
    ("elranatamab", "step_up_2", 4, 32, True, 24, "and for 24 hours after elranatamab step-up dose 2"),
    ("elranatamab", "treatment", 8, 76, True, None, "Day 8 of treatment (first treatment dose ...): 76 mg"),
    ("talquetamab_weekly", "step_up_1", 1, 0.01, True, 48, "Step-Up Dose 1: 0.01 mg/kg ... on Day 1."),
    ("talquetamab_weekly", "treatment", 7, 0.4, True, 48, "First Treatment Dose: 0.4 mg/kg ... on Day 7"),
    ("talquetamab_biweekly", "step_up_3", 7, 0.4, True, 48, "Step-Up Dose 3: 0.4 mg/kg ... on Day 7."),
    ("talquetamab_biweekly", "treatment", 10, 0.8, None, 48, "First Treatment Dose: 0.8 mg/kg ... on Day 10"),
    ("epcoritamab_dlbcl", "step_up_2", 8, 0.8, True, None, "Day 8 (step-up dose 2): 0.8 mg"),
    ("epcoritamab_dlbcl", "treatment", 15, 48, True, 24, "Hospitalization ... 24 hours following ... 48 mg"),
    ("epcoritamab_fl", "step_up_3", 15, 3, True, None, "Cycle 1, day 15: 3 mg (Step-up dose 3)"),
    ("epcoritamab_fl", "treatment", 22, 48, True, None, "Cycle 1, day 22: 48 mg (First full dose)"),
    ("glofitamab", "pretreatment", 1, 1000, None, None, "Obinutuzumab 1000 mg IV x 1 dose 7 days before"),
    ("glofitamab", "step_up_1", 8, 2.5, True, 24, "Day 8 (Step-up dose 1): 2.5 mg IV over 4 hr x 1"),
    ("glofitamab", "step_up_2", 15, 10, True, None, "Day 15 (Step-up dose 2): 10 mg IV over 4 hr x 1"),
    ("mosunetuzumab", "step_up_1", 1, 1, True, None, "Cycle 1 Day 1: 1 mg IV over at least 4 hr"),
    ("mosunetuzumab", "treatment", 15, 60, True, None, "Cycle 1 Day 15: 60 mg IV over at least 4 hr"),
    ("blinatumomab", "step_up_1", 1, 9, True, 216, "9mcg/day on Days 1-7; hospitalization first 9 days"),
    ("blinatumomab", "treatment", 8, 28, True, None, "28mcg/day on Days 8-28"),
    ("tarlatamab", "step_up_1", 1, 1, True, 22, "Step-up dose 1 mg; monitor ... for 22 to 24 hours"),
    ("tarlatamab", "treatment", 8, 10, True, 22, "Cycle 1, Day 8: 10 mg"),
]


@pytest.mark.parametrize(("name", "code", "day", "dose", "premedication", "hospital_h", "quote"), STEP_CASES)
def test_each_step_is_the_label(name, code, day, dose, premedication, hospital_h, quote):
    step = schedules()[name].step(code)
    assert step is not None, quote
    assert (step.day, step.dose) == (day, dose), quote
    assert step.premedication is bool(premedication), quote
    assert step.hospitalisation_h == hospital_h, quote
    assert step.quote


RESTART_CASES = [
    # (schedule, last step, days since it, first dose of that step, next dose, the label's sentence)
    (
        "teclistamab",
        "step_up_1",
        7,
        True,
        NEXT,
        "step-up dose 2 may be given up to 7 days after step-up dose 1",
    ),
    ("teclistamab", "step_up_1", 8, True, "step_up_1", "Step-up dose 1 / More than 7 days / Restart at 1"),
    ("teclistamab", "step_up_2", 8, True, "step_up_2", "Step-up dose 2 / 8 days to 28 days / Repeat 2"),
    ("teclistamab", "step_up_2", 28, True, "step_up_2", "Step-up dose 2 / 8 days to 28 days / Repeat 2"),
    ("teclistamab", "step_up_2", 29, True, "step_up_1", "Step-up dose 2 / More than 28 days / Restart at 1"),
    ("teclistamab", "treatment", 28, False, NEXT, "Any weekly treatment dose / 28 days or less / Continue"),
    ("teclistamab", "treatment", 29, False, "step_up_2", "29 days to 56 days / Restart at step-up dose 2"),
    ("teclistamab", "treatment", 57, False, "step_up_1", "More than 56 days / Restart at step-up dose 1"),
    ("elranatamab", "step_up_1", 14, True, "step_up_2", "12 mg and 14 days or less: Restart at 32 mg"),
    ("elranatamab", "step_up_1", 15, True, "step_up_1", "12 mg and more than 14 days: Restart at 12 mg"),
    ("elranatamab", "step_up_2", 14, True, "treatment", "32 mg and 14 days or less: Restart at 76 mg"),
    ("elranatamab", "step_up_2", 28, True, "step_up_2", "32 mg, > 2 weeks but 4 weeks or less: at 32 mg"),
    ("elranatamab", "step_up_2", 29, True, "step_up_1", "32 mg and more than 28 days: Restart at 12 mg"),
    ("elranatamab", "treatment", 42, False, NEXT, "76 mg and 42 days or less [restart at 76 mg]"),
    ("epcoritamab_dlbcl", "step_up_1", 9, True, "step_up_1", "0.16 mg, more than 8 days: Repeat Cycle 1"),
    ("epcoritamab_dlbcl", "step_up_2", 14, True, NEXT, "0.8 mg, 14 days or less: Administer 48 mg"),
    ("epcoritamab_dlbcl", "step_up_2", 15, True, "step_up_1", "0.8 mg, more than 14 days: Repeat Cycle 1"),
    ("epcoritamab_dlbcl", "treatment", 43, False, "step_up_1", "48 mg, more than 6 weeks: Repeat Cycle 1"),
    ("mosunetuzumab", "step_up_2", 41, True, "step_up_2", "2 mg, >2 weeks to <6 weeks: Repeat 2 mg"),
    ("mosunetuzumab", "step_up_2", 42, True, "step_up_1", "2 mg, >=6 weeks: Repeat 1 mg and 2 mg"),
    ("mosunetuzumab", "treatment", 42, True, "step_up_1", "60 mg (Cycle 1 Day 15), >=6 weeks: Repeat 1 mg"),
    ("tarlatamab", "step_up_1", 14, True, NEXT, "1 mg, 14 days or less: Administer 10 mg"),
    ("tarlatamab", "step_up_1", 15, True, "step_up_1", "1 mg, more than 14 days: Administer step-up dose"),
    ("tarlatamab", "treatment", 22, True, "step_up_1", "10 mg on Cycle 1 Day 8, more than 21 days: 1 mg"),
]


@pytest.mark.parametrize(("name", "after", "gap", "first", "resume", "quote"), RESTART_CASES)
def test_restart_after_a_delay_is_the_label(name, after, gap, first, resume, quote):
    rule = schedules()[name].restart(after, gap, first)
    assert rule is not None and rule.resume_at == resume, quote


def test_a_rule_the_label_gives_for_the_first_dose_only_is_not_applied_to_later_ones():
    # tarlatamab: "Last dose: 10 mg on Cycle 1, Day 8" - nothing is said of later 10 mg doses
    assert schedules()["tarlatamab"].restart("treatment", 30, first_dose=False) is None
    # talquetamab: the restart table was not found, so no rule is audited
    assert schedules()["talquetamab_weekly"].restart("step_up_1", 30, True) is None


def test_every_bsab_product_has_a_schedule_and_says_what_was_not_found():
    products = {t.code for t in THERAPY.terms if therapy_class(t.code) == "BsAb"} - {"investigational_bsab"}
    assert {s.therapy for s in schedules().values()} == products
    assert "teclistamab" in schedules() and len(schedules()) == 10
    for schedule in schedules().values():
        assert schedule.source and schedule.source_url, schedule.schedule
        assert all(step.quote for step in schedule.steps), schedule.schedule
    assert any("restart" in item for item in schedules()["talquetamab_weekly"].not_found)


WEEKLY = frozenset({"step_up_1", "step_up_2", "treatment"})


@pytest.mark.parametrize(
    ("therapy", "indication", "steps", "expected"),
    [
        ("teclistamab", None, frozenset(), "teclistamab"),
        ("epcoritamab", "fl", frozenset(), "epcoritamab_fl"),
        ("epcoritamab", "dlbcl_3l_plus", frozenset(), "epcoritamab_dlbcl"),
        ("talquetamab", "multiple_myeloma", WEEKLY | {"step_up_3"}, "talquetamab_biweekly"),
        ("talquetamab", "multiple_myeloma", WEEKLY, "talquetamab_weekly"),
        ("talquetamab", "multiple_myeloma", frozenset({"step_up_1"}), None),
        ("investigational_bsab", None, frozenset(), None),
    ],
)
def test_the_schedule_a_course_followed(therapy, indication, steps, expected):
    """Talquetamab: the every-2-weeks schedule has "Step-Up Dose 3: 0.4 mg/kg ... on Day 7", the weekly none."""
    found = schedule_for(therapy, indication, steps)
    assert (found.schedule if found else None) == expected


def test_the_committed_page_is_what_the_data_files_give():
    committed = Path(__file__).resolve().parents[1] / "docs" / "bispecifics.md"
    assert committed.read_text(encoding="utf-8") == bispecifics_markdown(), (
        "docs/bispecifics.md is out of date with iectox/data/bispecifics: run "
        "`.venv/bin/python -c \"from iectox.management.bsab_docs import write; write('docs/bispecifics.md')\"`"
    )
    assert "Restart TECVAYLI step-up dosing schedule at step-up dose 2 (0.3 mg/kg)" in committed.read_text(
        "utf-8"
    )
