"""The audit of a bispecific antibody's step-up schedule against its product information.

Each rule reads `Evidence.bsab` (`bsab_doses.bsab_doses`: one row per dose of the antibody) and the product's
schedule (`bsab_schedule`, from iectox/data/bispecifics, each value quoted from the label in
docs/bispecifics.md): the dose of each step, the days between steps, premedication before the doses that need
it, the hospital stay after them, glofitamab's obinutuzumab pretreatment, and restarting the step-up after a
missed or delayed dose. A check the label gives no value for is not made; a dose whose schedule cannot be
told (an investigational product, a talquetamab course still in its first doses) is said once per course.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

import numpy as np
import pandas as pd

from iectox.i18n import N_
from iectox.management.bsab_doses import STEP_RANK
from iectox.management.bsab_schedule import NEXT, schedules
from iectox.management.evidence import Evidence, Verdicts, emit
from iectox.management.findings import DEVIATION, INFO, WARNING
from iectox.rules import Rule
from iectox.schema.vocabularies import DOSE_STEP

LABELS = N_(
    "product information of each bispecific antibody (US PI section 2, EU SmPC 4.2), docs/bispecifics.md"
)
AT = ("infusion_id", "administration_id")  # where a finding on a dose is
DOSE_TOLERANCE = 0.10  # a weight-based dose is rounded to the syringe: 10% either side (iectox default)

DOSE_TEXT = N_("{step}: {dose} mg given, the label's dose is {label} mg ({percent} %).")
DOSE_UNCHECKED_TEXT = N_("{step}: dose not checked (dose or body weight not recorded).")
INTERVAL_TEXT = N_(
    "{step} given {gap} day(s) after the previous dose; the label asks for at least {minimum}."
)
PREMEDICATION_TEXT = N_("{step}: no premedication recorded before the dose; the label requires it.")
PREMEDICATION_UNKNOWN_TEXT = N_("{step}: premedication not checked (time of the dose not recorded).")
STAY_TEXT = N_("{step}: {stay} h in hospital after the dose; the label asks for {hours} h.")
NO_STAY_TEXT = N_("{step}: no hospital stay recorded after the dose; the label asks for {hours} h.")
RESTART_TEXT = N_(
    "{step} given {gap} day(s) after {previous}: after such a delay the label restarts the step-up at {expected}."
)
PRETREATMENT_TEXT = N_(
    "First glofitamab dose without the obinutuzumab pretreatment the label gives 7 days before."
)
UNKNOWN_TEXT = N_("Schedule of {drug} not known for this course: its step-up doses are not audited.")


STEP_LABEL = {term.code: term.label for term in DOSE_STEP.terms}


def _steps(codes: pd.Series) -> pd.Series:
    """Dose steps as a finding states them: the vocabulary's label ("Step-up dose 2"), which the finding's
    sentence translates, never the stored code ("step_up_2")."""
    return codes.map(STEP_LABEL)


def _on_doses(check: Callable[[Evidence], Verdicts]) -> Callable[[Evidence], Verdicts]:
    """The check, run only on a dataset with doses of a bispecific antibody (most have none). Module-level
    (`wraps` keeps the check's name), so that a rule pickles with the audit for the figure worker."""

    @wraps(check)
    def evaluate(evidence: Evidence) -> Verdicts:
        return check(evidence) if len(evidence.bsab) else Verdicts()

    return evaluate


def _least_gaps(doses: pd.DataFrame) -> pd.Series:
    """The label's minimum days before each dose: after the previous step for the first dose of a step, between
    treatment doses for a later treatment dose, blank otherwise or when the schedule or step is not known. One
    table of every schedule's steps, looked up by (schedule, step): no Python per dose."""
    table = pd.DataFrame(
        [
            (schedule.schedule, step.step, step.min_days_after_previous, schedule.treatment_min_interval_days)
            for schedule in schedules().values()
            for step in schedule.steps
        ],
        columns=["schedule", "dose_step", "after_step", "between_treatments"],
    ).set_index(["schedule", "dose_step"])
    keys = pd.MultiIndex.from_arrays([doses["schedule"].astype(object), doses["dose_step"].astype(object)])
    found = table.reindex(keys).astype("float64")
    first = doses["first_of_step"].astype(bool).to_numpy()
    treatment = doses["dose_step"].eq("treatment").fillna(False).to_numpy(dtype=bool)
    least = np.where(first, found["after_step"], np.where(treatment, found["between_treatments"], np.nan))
    return pd.Series(least, index=doses.index, dtype="float64")


@_on_doses
def step_dose(evidence: Evidence) -> Verdicts:
    """The first dose of a step more than 10% away from the label's dose for that step. Later treatment doses
    are not checked: some labels lower them (mosunetuzumab: 60 mg in cycles 1 and 2, then 30 mg)."""
    doses = evidence.bsab
    known = doses["schedule"].notna() & doses["first_of_step"].astype(bool)
    percent = doses["percent_of_label_dose"].astype("float64")
    off = known & ((percent - 100.0).abs() > 100.0 * DOSE_TOLERANCE)
    unchecked = known & percent.isna()
    step = _steps(doses["dose_step"])
    values = {"step": step, "dose": doses["dose_mg"], "label": doses["label_dose_mg"].round(2)}
    return Verdicts(
        [
            *emit(doses, off, DEVIATION, DOSE_TEXT, AT, percent=percent.round(0), **values),
            *emit(doses, unchecked, INFO, DOSE_UNCHECKED_TEXT, AT, step=step),
        ]
    )


@_on_doses
def step_interval(evidence: Evidence) -> Verdicts:
    """A dose given sooner than the label allows after the previous one."""
    doses = evidence.bsab
    least = _least_gaps(doses)
    early = (doses["gap_days"] < least).fillna(False)
    return Verdicts(
        emit(
            doses,
            early,
            DEVIATION,
            INTERVAL_TEXT,
            AT,
            step=_steps(doses["dose_step"]),
            gap=doses["gap_days"],
            minimum=least,
        )
    )


@_on_doses
def premedication(evidence: Evidence) -> Verdicts:
    """The first dose of a step the label premedicates, without a premedication recorded before it."""
    doses = evidence.bsab
    due = doses["premedication_required"].fillna(False).astype(bool) & doses["first_of_step"].astype(bool)
    given, step = doses["premedication_given"], _steps(doses["dose_step"])
    return Verdicts(
        [
            *emit(doses, due & given.eq(False).fillna(False), DEVIATION, PREMEDICATION_TEXT, AT, step=step),
            *emit(doses, due & given.isna(), INFO, PREMEDICATION_UNKNOWN_TEXT, AT, step=step),
        ]
    )


@_on_doses
def hospitalisation(evidence: Evidence) -> Verdicts:
    """The first dose of a step the label hospitalises after, with a shorter stay or none recorded."""
    doses = evidence.bsab
    hours = doses["hospitalisation_h"].astype("float64")
    due = hours.notna() & doses["first_of_step"].astype(bool)
    stay = doses["stay_h"].astype("float64")
    values = {"step": _steps(doses["dose_step"]), "hours": hours}
    return Verdicts(
        [
            *emit(
                doses,
                due & (stay < hours).fillna(False),
                DEVIATION,
                STAY_TEXT,
                AT,
                stay=stay.round(1),
                **values,
            ),
            *emit(doses, due & stay.isna(), WARNING, NO_STAY_TEXT, AT, **values),
        ]
    )


def _expected(schedule_id: object, previous: object, gap: float, previous_first: object) -> str | None:
    """The highest step the label allows next, after `previous` and a gap of `gap` days (None: no rule)."""
    schedule = schedules().get(str(schedule_id)) if pd.notna(schedule_id) else None
    if schedule is None or pd.isna(previous) or pd.isna(gap):
        return None
    rule = schedule.restart(str(previous), float(gap), bool(previous_first))
    if rule is None:
        return None
    if rule.resume_at != NEXT:
        return rule.resume_at
    codes = [s.step for s in schedule.steps]
    index = codes.index(str(previous)) if str(previous) in codes else len(codes) - 1
    return codes[min(index + 1, len(codes) - 1)]


@_on_doses
def restart(evidence: Evidence) -> Verdicts:
    """After a missed or delayed dose, a higher step given than the label's restart allows."""
    doses = evidence.bsab
    columns = ("schedule", "previous_step", "gap_days", "previous_first_of_step")
    expected = pd.Series(
        [_expected(*row) for row in zip(*(doses[c] for c in columns), strict=True)],
        index=doses.index,
        dtype=object,
    )
    rank = doses["dose_step"].map(STEP_RANK)
    allowed = expected.map(STEP_RANK)
    too_high = (rank > allowed).fillna(False).astype(bool)
    values = {
        "step": _steps(doses["dose_step"]),
        "previous": _steps(doses["previous_step"]),
        "gap": doses["gap_days"],
    }
    return Verdicts(emit(doses, too_high, DEVIATION, RESTART_TEXT, AT, expected=_steps(expected), **values))


@_on_doses
def pretreatment(evidence: Evidence) -> Verdicts:
    """A glofitamab course started without obinutuzumab pretreatment."""
    doses = evidence.bsab
    first = doses["previous_step"].isna() & doses["drug"].eq("glofitamab")
    return Verdicts(emit(doses, first & ~doses["pretreated"].astype(bool), DEVIATION, PRETREATMENT_TEXT, AT))


@_on_doses
def schedule_known(evidence: Evidence) -> Verdicts:
    """Once per course whose schedule cannot be told: nothing of it is audited."""
    doses = evidence.bsab
    unknown = doses["schedule"].isna() & doses["previous_step"].isna()
    return Verdicts(emit(doses, unknown, INFO, UNKNOWN_TEXT, AT, drug=doses["drug"]))


def _rule(
    id: str, severity: str, message: str, evaluate: Callable[[Evidence], Verdicts], columns: tuple[str, ...]
) -> Rule:
    return Rule(
        id=f"bsab.{id}",
        severity=severity,
        source=LABELS,
        message=message,
        columns=("administrations.dose_step", *columns),
        evaluate=evaluate,
    )


BSAB_RULES = (
    _rule(
        "schedule_known", "info", UNKNOWN_TEXT, schedule_known, ("infusions.therapy", "infusions.indication")
    ),
    _rule("step_dose", "deviation", DOSE_TEXT, step_dose, ("administrations.dose_mg", "infusions.weight_kg")),
    _rule("step_interval", "deviation", INTERVAL_TEXT, step_interval, ("administrations.given_at",)),
    _rule("premedication", "deviation", PREMEDICATION_TEXT, premedication, ("administrations.reason",)),
    _rule("hospitalisation", "deviation", STAY_TEXT, hospitalisation, ("administrations.discharged_at",)),
    _rule("pretreatment", "deviation", PRETREATMENT_TEXT, pretreatment, ("administrations.drug",)),
    _rule("restart", "deviation", RESTART_TEXT, restart, ("administrations.given_at",)),
)

__all__ = ["BSAB_RULES", "DOSE_TOLERANCE"]
