"""`iectox serve --demo` loads the demo's dataset, the one `iectox demo` writes (`synth.demo.make_demo`): the
seed study's CAR-T cohort and the synthetic bispecific courses beside it (it loaded the CAR-T cohort alone).
The calibration is replaced by a 40-infusion synthetic cohort here, so that the test takes a second."""

from __future__ import annotations

import io
from types import SimpleNamespace

import pandas as pd
import pytest
from django.core.management import call_command

from iectox.schema.therapies import therapy_class
from iectox.synth import demo as synth_demo
from iectox.synth import generate
from iectox.synth.generate import DEFAULT_SEED
from iectox.web.registry.models import Patient
from iectox.web.registry.records import patients_dataset

COURSES = 27  # 3 per schedule of the 9 products authorised in the EU by the demo's start


@pytest.fixture
def small_demo(monkeypatch) -> SimpleNamespace:
    """`make_demo` on a 40-infusion CAR-T cohort instead of the 401-infusion calibration (1.3 s)."""
    cohort = generate(40, seed=3)
    monkeypatch.setattr(synth_demo, "calibrate", lambda seed, progress=None: SimpleNamespace(dataset=cohort))
    return cohort


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(list(frame.columns[:3])).reset_index(drop=True)


def test_the_demo_loads_the_dataset_iectox_demo_writes_bispecific_courses_included(db, small_demo):
    printed = io.StringIO()
    call_command("demo", stdout=printed)
    assert f"patients: {40 + COURSES}, infusions: {40 + COURSES}" in printed.getvalue()
    loaded = patients_dataset(Patient.objects.all())
    expected = synth_demo.make_demo(DEFAULT_SEED)[1]
    for name in expected.tables:
        pd.testing.assert_frame_equal(
            _sorted(loaded[name]), _sorted(expected[name]), check_exact=True, obj=name
        )
    classes = loaded["infusions"]["therapy"].map(therapy_class).value_counts().to_dict()
    assert classes == {"CAR-T": 40, "BsAb": COURSES}
    doses = loaded["administrations"]
    assert (doses["dose_step"] == "step_up_1").sum() == COURSES  # each course starts with its step-up dose 1
