"""Bispecific antibody step-up schedules, as the product information gives them, read from the data files.

Each schedule is one file of `iectox/data/bispecifics/` (README.md there describes the keys): the doses of the
step-up and the first treatment dose, the days between them, whether premedication is required, how long the
patient stays in hospital after each, and the label's rules for restarting the step-up after a missed or
delayed dose. Every value carries the label's sentence that gives it; a value the sources did not give is
absent (None) and named in `not_found`, so that the audit never checks a number nobody wrote.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from iectox.schema import THERAPY
from iectox.schema.vocabularies import DOSE_STEP

RESOURCE = ("data", "bispecifics")
NEXT = "next"  # a restart rule's `resume_at`: the schedule continues with its next dose


@dataclass(frozen=True)
class Step:
    """One dose of the step-up (or the first treatment dose), with the label's sentence."""

    step: str
    day: int
    dose: float
    quote: str
    cycle: int = 1
    min_days_after_previous: float | None = None
    max_days_after_previous: float | None = None
    premedication: bool = False
    hospitalisation_h: float | None = None


@dataclass(frozen=True)
class Restart:
    """After a last dose at step `after`, a gap of at most `max_days` (None: any longer gap) means the next
    dose is `resume_at` (a step, or NEXT: the schedule continues)."""

    after: str
    resume_at: str
    quote: str
    max_days: float | None = None
    first_dose_only: bool = False


@dataclass(frozen=True)
class Schedule:
    """One product's schedule (talquetamab and epcoritamab have two each)."""

    schedule: str
    therapy: str
    label: str
    dose_unit: str
    route: str
    source: str
    source_url: tuple[str, ...]
    steps: tuple[Step, ...]
    restarts: tuple[Restart, ...]
    not_found: tuple[str, ...]
    premedication_quote: str = ""
    premedication_window_h: float | None = None
    hospitalisation_quote: str = ""
    indication: tuple[str, ...] = ()
    cycle_days: int | None = None
    treatment_interval_days: int | None = None
    treatment_min_interval_days: float | None = None
    continuous: bool = False
    pretreatment_drug: str | None = None
    pretreatment_days_before: int | None = None
    note: str = ""  # where the EU SmPC and the US PI differ, and what the audit then checks

    def step(self, code: str) -> Step | None:
        return next((s for s in self.steps if s.step == code), None)

    def previous(self, code: str) -> Step | None:
        """The dose the schedule gives before `code` (None for the first)."""
        codes = [s.step for s in self.steps]
        index = codes.index(code) if code in codes else 0
        return self.steps[index - 1] if index > 0 else None

    def restart(self, after: str, gap_days: float, first_dose: bool) -> Restart | None:
        """The label's rule for a next dose `gap_days` after a last dose at step `after`, or None when the
        label gives none for that case."""
        for rule in self.restarts:
            if rule.after != after or (rule.first_dose_only and not first_dose):
                continue
            if rule.max_days is None or gap_days <= rule.max_days:
                return rule
        return None


def _step(entry: dict[str, Any]) -> Step:
    return Step(**entry)


def _restart(entry: dict[str, Any]) -> Restart:
    return Restart(**entry)


def parse(doc: dict[str, Any]) -> Schedule:
    """A schedule from one data file's document; an unknown key or step is a TypeError or ValueError (the
    shipped files are checked by tests/test_bsab_schedule.py)."""
    doc = dict(doc)
    premedication = doc.pop("premedication", {})
    hospitalisation = doc.pop("hospitalisation", {})
    steps = tuple(_step(e) for e in doc.pop("steps"))
    restarts = tuple(_restart(e) for e in doc.pop("restart", ()))
    for quote_key in ("treatment_min_interval_quote", "pretreatment_quote", "interruption_quote"):
        doc.pop(quote_key, None)
    codes = {s.step for s in steps} | {r.after for r in restarts} | {r.resume_at for r in restarts} - {NEXT}
    unknown = sorted(c for c in codes if c not in DOSE_STEP.codes)
    if unknown or doc["therapy"] not in THERAPY.codes:
        raise ValueError(f"{doc['schedule']}: unknown step or therapy: {unknown or doc['therapy']}")
    return Schedule(
        steps=steps,
        restarts=restarts,
        premedication_quote=premedication.get("quote", ""),
        premedication_window_h=premedication.get("window_h"),
        hospitalisation_quote=hospitalisation.get("quote", ""),
        source_url=tuple(doc.pop("source_url")) + ((doc.pop("note_url"),) if "note_url" in doc else ()),
        not_found=tuple(doc.pop("not_found", ())),
        indication=tuple(doc.pop("indication", ())),
        **doc,
    )


@cache
def schedules() -> dict[str, Schedule]:
    """Every shipped schedule by its id, read once."""
    folder = resources.files("iectox").joinpath(*RESOURCE)
    found = {}
    for item in sorted(folder.iterdir(), key=lambda i: i.name):
        if item.name.endswith(".toml"):
            schedule = parse(tomllib.loads(item.read_text(encoding="utf-8")))
            found[schedule.schedule] = schedule
    return found


def schedule_for(
    therapy: str, indication: str | None = None, steps: frozenset[str] = frozenset()
) -> Schedule | None:
    """The schedule a course followed: the product's only one; else the one for its indication (epcoritamab:
    DLBCL or FL); else the one whose steps are those recorded (talquetamab every 2 weeks has a step-up dose 3,
    weekly has none). None when the product has no schedule (investigational) or the record cannot tell."""
    candidates = [s for s in schedules().values() if s.therapy == therapy]
    if len(candidates) > 1 and indication:
        candidates = [s for s in candidates if indication in s.indication] or candidates
    if len(candidates) > 1 and steps:
        fitting = [s for s in candidates if steps <= {step.step for step in s.steps}]
        exact = [s for s in fitting if steps == {step.step for step in s.steps}]
        candidates = exact or fitting
    return candidates[0] if len(candidates) == 1 else None


__all__ = ["NEXT", "Restart", "Schedule", "Step", "schedule_for", "schedules"]
