"""The audit of a bispecific antibody's step-up schedule: each rule against the label sentence it applies.

Teclistamab (US PI 2.1, 2.3) for most cases: 0.06 mg/kg on day 1, 0.3 mg/kg on day 4, 1.5 mg/kg on day 7,
premedication 1 to 3 hours before each, 48 hours in hospital after each.
"""

from __future__ import annotations

import pickle

import pandas as pd
import pytest

from iectox.dataset import Dataset
from iectox.management.audit import audit
from iectox.management.bsab_doses import bsab_doses
from management_factories import dataset, infusion

DAY1 = pd.Timestamp("2024-03-04 10:00")
WEIGHT = 80.0


def _dose(
    i: int, step: str, day: float, mg: float, drug: str = "teclistamab", stay_h: float | None = 48
) -> dict:
    given = DAY1 + pd.Timedelta(days=day - 1)
    return {
        "administration_id": f"ADM-{i}",
        "infusion_id": "INF-1",
        "drug": drug,
        "given_at": given,
        "given_at_time_known": True,
        "dose_mg": mg,
        "route": "SC",
        "reason": "treatment",
        "dose_step": step,
        "cycle": 1,
        "discharged_at": None if stay_h is None else given + pd.Timedelta(hours=stay_h),
        "discharged_at_time_known": None if stay_h is None else True,
    }


def _premed(i: int, day: float, hours_before: float = 2) -> dict:
    given = DAY1 + pd.Timedelta(days=day - 1) - pd.Timedelta(hours=hours_before)
    return {
        "administration_id": f"PRE-{i}",
        "infusion_id": "INF-1",
        "drug": "dexamethasone",
        "given_at": given,
        "given_at_time_known": True,
        "dose_mg": 16.0,
        "route": "PO",
        "reason": "premedication",
    }


def _course(doses: list[dict], premeds: list[dict] | None = None, therapy: str = "teclistamab"):
    if premeds is None:
        premeds = [_premed(i, d["given_at"].day - DAY1.day + 1) for i, d in enumerate(doses)]
    course = infusion(therapy=therapy, weight_kg=WEIGHT, day=str(DAY1.date()))
    course["indication"] = "multiple_myeloma"
    data = dataset(infusions=[course])
    rows = pd.DataFrame([*doses, *premeds])
    return Dataset.from_frames(
        {**{name: data[name] for name in data.schema.table_names}, "administrations": rows}
    )


def _found(data) -> list[tuple[str, str | None, str]]:
    result = audit(data)
    return [
        (f.rule, f.administration_id, f.sentence()) for f in result.findings if f.rule.startswith("bsab.")
    ]


LABEL = [
    _dose(1, "step_up_1", 1, 0.06 * WEIGHT),
    _dose(2, "step_up_2", 4, 0.3 * WEIGHT),
    _dose(3, "treatment", 7, 120),
]


def test_a_course_given_as_the_label_says_has_no_finding():
    data = _course([*LABEL, _dose(4, "treatment", 14, 120, stay_h=None)])
    assert _found(data) == []
    table = bsab_doses(data["administrations"], data["infusions"])
    assert table["label_dose_mg"].round(2).tolist() == [4.8, 24.0, 120.0, 120.0]
    assert table["gap_days"].tolist()[1:] == [3.0, 3.0, 7.0]


@pytest.mark.parametrize(
    ("doses", "premeds", "expected"),
    [
        pytest.param(
            [_dose(1, "step_up_1", 1, 6.0), *LABEL[1:]],
            None,
            ("bsab.step_dose", "ADM-1", "Step-up dose 1: 6 mg given, the label's dose is 4.8 mg (125 %)."),
            id="TECVAYLI-Day-1-Step-up-dose-1-0.06-mg/kg",
        ),
        pytest.param(
            [LABEL[0], _dose(2, "step_up_2", 2, 24.0), _dose(3, "treatment", 5, 120)],
            None,
            (
                "bsab.step_interval",
                "ADM-2",
                "Step-up dose 2 given 1 day(s) after the previous dose; the label asks for at least 2.",
            ),
            id="step-up-dose-2-may-be-given-between-2-to-4-days-after-step-up-dose-1",
        ),
        pytest.param(
            LABEL,
            [_premed(0, 1), _premed(2, 7)],
            (
                "bsab.premedication",
                "ADM-2",
                "Step-up dose 2: no premedication recorded before the dose; the label requires it.",
            ),
            id="Administer-pretreatment-medications-prior-to-each-dose-of-the-step-up-dosing-schedule",
        ),
        pytest.param(
            LABEL,
            [_premed(0, 1), _premed(1, 4, hours_before=5), _premed(2, 7)],
            (
                "bsab.premedication",
                "ADM-2",
                "Step-up dose 2: no premedication recorded before the dose; the label requires it.",
            ),
            id="premedication-1-to-3-hours-before",
        ),
        pytest.param(
            [LABEL[0], _dose(2, "step_up_2", 4, 24.0, stay_h=24), LABEL[2]],
            None,
            (
                "bsab.hospitalisation",
                "ADM-2",
                "Step-up dose 2: 24 h in hospital after the dose; the label asks for 48 h.",
            ),
            id="hospitalized-for-48-hours-after-all-doses-within-the-step-up-dosing-schedule",
        ),
        pytest.param(
            [*LABEL, _dose(4, "treatment", 7 + 29, 120)],
            None,
            (
                "bsab.restart",
                "ADM-4",
                "Treatment dose given 29 day(s) after Treatment dose: after such a delay the label restarts the "
                "step-up at Step-up dose 2.",
            ),
            id="Any-weekly-treatment-dose-29-days-to-56-days-Restart-at-step-up-dose-2",
        ),
        pytest.param(
            [LABEL[0], _dose(2, "step_up_2", 9, 24.0), _dose(3, "treatment", 12, 120)],
            None,
            (
                "bsab.restart",
                "ADM-2",
                "Step-up dose 2 given 8 day(s) after Step-up dose 1: after such a delay the label restarts the "
                "step-up at Step-up dose 1.",
            ),
            id="Step-up-dose-1-More-than-7-days-Restart-at-step-up-dose-1",
        ),
    ],
)
def test_each_schedule_rule(doses, premeds, expected):
    assert _found(_course(doses, premeds)) == [expected]


def test_repeating_a_step_after_a_delay_is_what_the_label_asks():
    """Teclistamab: "Step-up dose 2 / 8 days to 28 days / Repeat step-up dose 2 (0.3 mg/kg)"."""
    doses = [*LABEL[:2], _dose(3, "step_up_2", 4 + 10, 24.0), _dose(4, "treatment", 17, 120)]
    assert _found(_course(doses)) == []


def test_glofitamab_without_its_obinutuzumab_pretreatment():
    """Columvi: "a single 1 000 mg dose of obinutuzumab as pre-treatment on Cycle 1 Day 1 (7 days prior to
    initiation of glofitamab treatment)"."""
    doses = [
        _dose(1, "step_up_1", 1, 2.5, "glofitamab", stay_h=24),
        _dose(2, "step_up_2", 8, 10.0, "glofitamab"),
    ]
    data = _course(doses, therapy="glofitamab")
    assert [f[0] for f in _found(data)] == ["bsab.pretreatment"]
    pretreatment = _dose(0, "pretreatment", -6, 1000.0, "obinutuzumab", stay_h=None)
    assert _found(_course([pretreatment, *doses], therapy="glofitamab")) == []


def test_a_course_whose_schedule_cannot_be_told_is_said_once():
    doses = [_dose(1, "step_up_1", 1, 0.8, "talquetamab")]
    assert _found(_course(doses, therapy="talquetamab")) == [
        (
            "bsab.schedule_known",
            "ADM-1",
            "Schedule of talquetamab not known for this course: its step-up doses are not audited.",
        )
    ]


def test_the_rules_pickle_with_the_audit_for_the_figure_worker():
    """The report's figure worker receives the audit, its rules included, pickled (a rule whose check was a
    closure made the worker lost and the figures drawn in one process)."""
    result = audit(_course(LABEL))
    back = pickle.loads(pickle.dumps(result))
    assert [r.id for r in back.rules.values() if r.id.startswith("bsab.")] == [
        "bsab.schedule_known",
        "bsab.step_dose",
        "bsab.step_interval",
        "bsab.premedication",
        "bsab.hospitalisation",
        "bsab.pretreatment",
        "bsab.restart",
    ]
    assert back.bsab_doses["label_dose_mg"].round(2).tolist() == [4.8, 24.0, 120.0]


def test_a_later_treatment_dose_lowered_by_the_label_is_not_a_dose_deviation():
    """Lunsumio: "Cycle 1 Day 15: 60 mg ...; Cycle 2 Day 1: 60 mg; Cycle 3 and subsequent cycles, Day 1: 30 mg"."""
    doses = [
        _dose(1, "step_up_1", 1, 1.0, "mosunetuzumab", stay_h=None),
        _dose(2, "step_up_2", 8, 2.0, "mosunetuzumab", stay_h=None),
        _dose(3, "treatment", 15, 60.0, "mosunetuzumab", stay_h=None),
        _dose(4, "treatment", 22, 60.0, "mosunetuzumab", stay_h=None),
        _dose(5, "treatment", 43, 30.0, "mosunetuzumab", stay_h=None),
    ]
    assert _found(_course(doses, therapy="mosunetuzumab")) == []
    lowered_first = [*doses[:2], _dose(3, "treatment", 15, 30.0, "mosunetuzumab", stay_h=None)]
    assert [f[0] for f in _found(_course(lowered_first, therapy="mosunetuzumab"))] == ["bsab.step_dose"]
