"""docs/bispecifics.md, written from the schedule data files, so that the page shows what the audit applies.

    .venv/bin/python -c "from iectox.management.bsab_docs import write; write('docs/bispecifics.md')"

(tests/test_bsab_schedule.py fails when the committed page differs from what the data files give.)
"""

from __future__ import annotations

from pathlib import Path

from iectox.management.bsab_schedule import NEXT, Schedule, schedules

INTRO = """# Bispecific antibodies: step-up schedules and their audit

A course of a bispecific antibody (BsAb) is one row of `infusions` (its `infusion_date` is the day of the
first step-up dose); each dose of the antibody is a row of `administrations` with the product as `drug`,
`reason` treatment, its `dose_step` (`step_up_1`, `step_up_2`, `step_up_3`, `treatment`; `pretreatment` for
glofitamab's obinutuzumab, 7 days before the course), its `cycle` and `discharged_at` (the end of the stay or
monitoring after it). `dose_mg` is the dose given in mg (blinatumomab: the daily dose of the continuous
infusion in mg/day, 9 mcg/day = 0.009). Premedication is any drug given with `reason` premedication
(dexamethasone, paracetamol, an antihistamine). The validation rule `bsab_dose_matches_course` refuses a dose
on another product's course, a dose without its step, and a step on another drug (docs/validation_rules.md).

Each schedule below is one file of `src/iectox/data/bispecifics/`, read by `iectox.management.bsab_schedule`
and audited by `iectox.management.bsab_rules` (docs/management_audit.md, "Each dose of a bispecific
antibody"). Every value is quoted from the product information: the US Prescribing Information (section 2)
or the EU SmPC (section 4.2), as the pages named under each schedule reproduce them. A value those pages did
not give is left out and listed under "Not found": the audit does not check it, rather than check a number
nobody wrote. Days are counted from step-up dose 1 (day 1) in the cycle shown.

How a course's schedule is told: by its product; for epcoritamab by the indication (follicular lymphoma: the
3-step schedule; DLBCL: 2 steps); for talquetamab by its doses (the every-2-weeks schedule has a step-up dose
3, the weekly one none). A course whose schedule cannot be told is reported once (`bsab.schedule_known`) and
not audited.

Restarting after a missed or delayed dose: after a last dose at a step and a number of days, the label gives
the step to give next; the first rule of the table whose step matches and whose "at most" is not exceeded
applies. The audit reports a dose given at a higher step than the rule allows (`bsab.restart`); repeating a
lower step is never a deviation.
"""


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def _section(schedule: Schedule) -> list[str]:
    lines = [f"## {schedule.label}", "", f"Source: {schedule.source}.", ""]
    lines += [f"Pages: {', '.join(f'<{url}>' for url in schedule.source_url)}.", ""]
    lines += [
        f"Dose unit: {schedule.dose_unit}; route: {schedule.route}"
        + (f"; cycle of {schedule.cycle_days} days" if schedule.cycle_days else "")
        + (
            f"; treatment doses every {schedule.treatment_interval_days} days"
            if schedule.treatment_interval_days
            else ""
        )
        + (
            f", at least {_number(schedule.treatment_min_interval_days)} days apart"
            if schedule.treatment_min_interval_days
            else ""
        )
        + ".",
        "",
        "| step | cycle | day | dose | days after the previous dose | premedication | hospital (h) | the label |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for step in schedule.steps:
        between = " to ".join(
            _number(v) for v in (step.min_days_after_previous, step.max_days_after_previous) if v is not None
        )
        lines.append(
            f"| `{step.step}` | {step.cycle} | {step.day} | {_number(step.dose)} | {between} | "
            f"{'required' if step.premedication else ''} | {_number(step.hospitalisation_h)} | {step.quote} |"
        )
    lines.append("")
    if schedule.premedication_quote:
        lines += [f'Premedication: "{schedule.premedication_quote}"', ""]
    if schedule.hospitalisation_quote:
        lines += [f'Hospitalisation: "{schedule.hospitalisation_quote}"', ""]
    if schedule.restarts:
        lines += ["| last dose | at most (days) | next dose | the label |", "|---|---|---|---|"]
        for rule in schedule.restarts:
            resume = "the schedule continues" if rule.resume_at == NEXT else f"`{rule.resume_at}`"
            only = " (its first dose)" if rule.first_dose_only else ""
            lines.append(f"| `{rule.after}`{only} | {_number(rule.max_days)} | {resume} | {rule.quote} |")
        lines.append("")
    if schedule.note:
        lines += [f"Note: {schedule.note}", ""]
    if schedule.not_found:
        lines += ["Not found: " + "; ".join(schedule.not_found) + ".", ""]
    return lines


def bispecifics_markdown() -> str:
    """The whole page: the introduction, then one section per schedule."""
    lines = [INTRO]
    for schedule in schedules().values():
        lines += _section(schedule)
    return "\n".join(lines).rstrip() + "\n"


def write(path: str | Path) -> None:
    Path(path).write_text(bispecifics_markdown(), encoding="utf-8")


__all__ = ["bispecifics_markdown", "write"]
