"""The demo's dataset (`iectox demo`): the seed study's synthetic CAR-T cohort and, beside it, synthetic
bispecific antibody courses, so that the report and the audit show what iectox does for both.

The CAR-T cohort is `calibrate()`'s, untouched: its counts are the published ones (n = 40 trial and 361
routine-care infusions). The bispecific courses are added apart from it: their ids say so (`P-BSAB-001`,
`BSAB-001`), and the seed study, which names `therapy_class = "CAR-T"`, counts them in neither of its cohorts;
its report gives them in their own sections (CRS after each step-up dose, the schedule audit). They are
dated inside the seed study's period, from `START`, three courses per schedule of a product authorised in
the EU by then (tarlatamab, authorised 2025-07, after the period, is left out).

Three courses depart from their label on purpose, so that the schedule audit has something to find
(`DEPARTURES`); every other dose follows its label.
"""

from __future__ import annotations

import pandas as pd

from iectox.dataset import Dataset
from iectox.management.bsab_schedule import schedules
from iectox.schema.therapies import approved_since
from iectox.synth.bsab import bsab_courses, indication, joined
from iectox.synth.generate import DEFAULT_SEED, Progress, SynthResult, calibrate

START = pd.Timestamp("2024-09-02")  # a Monday after epcoritamab's EU authorisation in FL (2024-08)
COURSES_PER_SCHEDULE = 3
DEPARTURES = {
    "premedication": "teclistamab, 1st course: no premedication before step-up dose 2",
    "restart": "teclistamab, 2nd course: step-up dose 2 given 10 days after step-up dose 1 (at most 7)",
    "hospitalisation": "elranatamab, 1st course: discharged 24 h after step-up dose 1 (48 h asked)",
}
DELAY_DAYS = 6  # the teclistamab course's step-up dose 2 moves from day 4 to day 10


def demo_schedules() -> tuple[str, ...]:
    """The schedules whose product was authorised in the EU before `START` for the indication their courses
    carry (`synth.bsab.indication`)."""
    month = START.strftime("%Y-%m")
    return tuple(
        s.schedule
        for s in schedules().values()
        if (since := approved_since(s.therapy, indication(s))) is not None and since < month
    )


def _course(ids: tuple[str, ...], schedule: str, k: int) -> str:
    """The id of the `k`-th course (0: first) of `schedule`: the schedules are taken in turn."""
    return f"BSAB-{k * len(ids) + ids.index(schedule) + 1:03d}"


def _depart(courses: Dataset, ids: tuple[str, ...]) -> Dataset:
    """The three departures of `DEPARTURES`, on the administrations of their courses."""
    doses = courses["administrations"].copy()
    skipped = _course(ids, "teclistamab", 0) + "-P01"  # the premedication before step-up dose 2
    doses = doses[doses["administration_id"] != skipped]
    delayed = _course(ids, "teclistamab", 1)
    second = doses.loc[doses["administration_id"] == f"{delayed}-D01", "given_at"].iloc[0]
    later = (doses["infusion_id"] == delayed) & (doses["given_at"] >= second - pd.Timedelta(hours=2))
    shift = pd.Timedelta(days=DELAY_DAYS)
    doses.loc[later, "given_at"] += shift
    doses.loc[later, "discharged_at"] += shift
    short = doses["administration_id"] == _course(ids, "elranatamab", 0) + "-D00"
    doses.loc[short, "discharged_at"] = doses.loc[short, "given_at"] + pd.Timedelta(hours=24)
    outcomes = courses["outcomes"].copy()
    moved = outcomes["infusion_id"] == delayed
    outcomes.loc[moved, "last_follow_up"] += shift
    frames = {"administrations": doses.reset_index(drop=True), "outcomes": outcomes}
    return Dataset({**courses.tables, **frames}, courses.schema)


def demo_bsab_courses(seed: int = 1) -> Dataset:
    """The demo's bispecific courses: three per schedule of `demo_schedules()`, with the departures."""
    ids = demo_schedules()
    courses = bsab_courses(COURSES_PER_SCHEDULE * len(ids), seed, START, ids)
    return _depart(courses, ids)


def demo_dataset(cohort: Dataset, seed: int = 1) -> Dataset:
    """`cohort` (the calibrated CAR-T cohort) with the demo's bispecific courses after its rows."""
    return joined(cohort, demo_bsab_courses(seed))


def make_demo(seed: int = DEFAULT_SEED, progress: Progress | None = None) -> tuple[SynthResult, Dataset]:
    """The demo's calibrated CAR-T cohort (its calibration, which `iectox demo` prints) and the demo's dataset:
    that cohort with the bispecific courses of the same seed. `iectox demo` writes this dataset and
    `iectox serve --demo` loads it, so that the files and the web application show the same patients."""
    calibrated = calibrate(seed=seed, progress=progress)
    return calibrated, demo_dataset(calibrated.dataset, seed)


__all__ = [
    "COURSES_PER_SCHEDULE",
    "DEPARTURES",
    "START",
    "demo_bsab_courses",
    "demo_dataset",
    "demo_schedules",
    "make_demo",
]
