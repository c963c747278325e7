"""Synthetic bispecific antibody courses: each product's step-up schedule as its label gives it, with
premedication, hospital stays, a few treatment doses, and CRS after the step-up doses.

A course follows its schedule from `iectox/data/bispecifics` (docs/bispecifics.md): the doses of each step on
the label's days (glofitamab's obinutuzumab 7 days before), dexamethasone 1 hour before each dose the label
premedicates, discharge when the label's window has passed, then treatment doses at the label's interval.
CRS follows step-up dose 1 in about half the courses (grade 1, now and then 2), 8 to 30 hours after it, as in
the products' pivotal trials where most CRS follows the first step-up doses. These courses are not part of
the calibrated seed cohort (a CAR-T study whose published counts they would change): they are a dataset of
their own, joined to another by `with_bsab_courses`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from iectox.dataset import Dataset, conform
from iectox.management.bsab_schedule import Schedule, schedules
from iectox.schema import CONTRACT
from iectox.schema.therapies import APPROVALS

START = pd.Timestamp("2025-09-01")  # after the last EU authorisation of a product (tarlatamab, 2025-07)
DOSE_HOUR = pd.Timedelta(hours=10)
TREATMENT_DOSES = 3  # treatment doses after the first, at the label's interval
MG_PER = {"mg/kg": None, "mg": 1.0, "mcg/day": 0.001}


def indication(schedule: Schedule) -> str:
    """The schedule's first indication the product is authorised for (epcoritamab DLBCL: 3rd line on)."""
    authorised = [use for (therapy, use) in APPROVALS if therapy == schedule.therapy]
    return next((use for use in schedule.indication if use in authorised), authorised[0])


def _day(schedule: Schedule, cycle: int, day: int) -> int:
    """Days from cycle 1 day 1 (glofitamab's 30 mg dose is cycle 2 day 1: day 22 of a 21-day cycle)."""
    return (cycle - 1) * (schedule.cycle_days or 0) + day


def _dose(course: str, n: int, step: str, cycle: int, at: pd.Timestamp, mg: float, drug: str) -> dict:
    return {
        "administration_id": f"{course}-D{n:02d}",
        "infusion_id": course,
        "drug": drug,
        "given_at": at,
        "given_at_time_known": True,
        "dose_mg": round(mg, 4),
        "route": "IV",
        "reason": "treatment",
        "dose_step": step,
        "cycle": cycle,
    }


def _premedication(course: str, n: int, at: pd.Timestamp) -> dict:
    return {
        "administration_id": f"{course}-P{n:02d}",
        "infusion_id": course,
        "drug": "dexamethasone",
        "given_at": at - pd.Timedelta(hours=1),
        "given_at_time_known": True,
        "dose_mg": 16.0,
        "route": "PO",
        "reason": "premedication",
    }


def _course(course: str, schedule: Schedule, first: pd.Timestamp, weight: float) -> list[dict]:
    """Every dose of one course, with premedication and discharge as its label asks."""
    per_unit = MG_PER[schedule.dose_unit] or weight
    start = next(s for s in schedule.steps if s.step != "pretreatment")
    day_one = _day(schedule, start.cycle, start.day)
    rows: list[dict] = []
    for n, step in enumerate(schedule.steps):
        at = first + pd.Timedelta(days=_day(schedule, step.cycle, step.day) - day_one)
        drug = schedule.pretreatment_drug if step.step == "pretreatment" else schedule.therapy
        mg = step.dose if step.step == "pretreatment" else step.dose * per_unit
        dose = _dose(course, n, step.step, step.cycle, at, mg, str(drug))
        if step.hospitalisation_h:
            dose["discharged_at"] = at + pd.Timedelta(hours=step.hospitalisation_h + 2)
            dose["discharged_at_time_known"] = True
        rows.append(dose)
        if step.premedication:
            rows.append(_premedication(course, n, at))
    last, interval = (
        rows[-1] if rows[-1]["reason"] == "treatment" else rows[-2],
        schedule.treatment_interval_days,
    )
    for k in range(1, TREATMENT_DOSES + 1 if interval else 1):
        at = last["given_at"] + pd.Timedelta(days=interval * k)
        cycle = 1 + int((at - first).days // schedule.cycle_days) if schedule.cycle_days else 1
        rows.append(
            _dose(course, len(schedule.steps) + k, "treatment", cycle, at, last["dose_mg"], schedule.therapy)
        )
    return rows


def bsab_courses(
    n: int = 20, seed: int = 1, start: pd.Timestamp = START, schedule_ids: Sequence[str] | None = None
) -> Dataset:
    """`n` courses, one a week from `start`, the schedules (all, or those of `schedule_ids`) taken in turn,
    each product's patients in standard of care."""
    rng = np.random.default_rng([seed, 11])
    known = schedules()
    ordered = list(known.values()) if schedule_ids is None else [known[s] for s in schedule_ids]
    patients, infusions, doses, episodes, outcomes = [], [], [], [], []
    for i in range(n):
        schedule = ordered[i % len(ordered)]
        course, patient = f"BSAB-{i + 1:03d}", f"P-BSAB-{i + 1:03d}"
        first = start + pd.Timedelta(days=7 * i) + DOSE_HOUR
        weight = float(np.round(rng.normal(74.0, 11.0), 1))
        rows = _course(course, schedule, first, weight)
        crs = bool(rng.random() < 0.5)
        patients.append({"patient_id": patient, "sex": ("female", "male")[i % 2], "centre": "CHU-A"})
        infusions.append(
            {
                "infusion_id": course,
                "patient_id": patient,
                "therapy": schedule.therapy,
                "infusion_date": first.normalize(),
                "setting": "standard_of_care",
                "indication": indication(schedule),
                "age_at_infusion": float(np.round(rng.normal(66.0, 9.0), 1)),
                "weight_kg": weight,
                "crs_status": "yes" if crs else "no",
                "icans_status": "no",
            }
        )
        if crs:
            onset = first + pd.Timedelta(hours=int(rng.integers(8, 31)))
            grade = 2 if rng.random() < 0.2 else 1
            episodes.append(
                {
                    "episode_id": f"{course}-CRS",
                    "infusion_id": course,
                    "syndrome": "CRS",
                    "onset_at": onset,
                    "onset_at_time_known": True,
                    "resolved_at": onset + pd.Timedelta(hours=int(rng.integers(12, 60))),
                    "resolved_at_time_known": True,
                    "max_grade": grade,
                    "grading_scale": "ASTCT2019",
                    "outcome": "resolved",
                }
            )
        if crs and grade == 2:  # tocilizumab 8 mg/kg (at most 800 mg) an hour after a grade 2 onset
            toci = _dose(
                course, 99, "", 1, onset + pd.Timedelta(hours=1), min(8 * weight, 800.0), "tocilizumab"
            )
            rows.append({**toci, "reason": "CRS", "dose_step": None, "cycle": None})
        doses.extend(rows)
        last = max(r["given_at"] for r in rows)
        outcomes.append(
            {
                "infusion_id": course,
                "last_follow_up": (last + pd.Timedelta(days=30)).normalize(),
                "status": "alive",
            }
        )
    rows = {
        "patients": patients,
        "infusions": infusions,
        "toxicity_episodes": episodes,
        "administrations": doses,
        "observations": [],
        "outcomes": outcomes,
    }
    return Dataset.from_frames(
        {
            t.name: conform(t, pd.DataFrame(rows.get(t.name, []), columns=t.column_names))
            for t in CONTRACT.tables
        }
    )


def joined(data: Dataset, extra: Dataset) -> Dataset:
    """`data` with the rows of `extra` after its own, table by table."""
    return Dataset.from_frames(
        {name: pd.concat([data[name], extra[name]], ignore_index=True) for name in data.tables}
    )


def with_bsab_courses(data: Dataset, n: int = 20, seed: int = 1) -> Dataset:
    """`data` with `n` bispecific courses added (their ids start with BSAB-, apart from the cohort's)."""
    return joined(data, bsab_courses(n, seed))


__all__ = ["bsab_courses", "indication", "joined", "with_bsab_courses"]
