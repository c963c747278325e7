"""Registry crosswalks: per infusion, the answers a registry form asks for, and where they lose or contradict the
data (docs/crosswalks.md).

    form = shipped_form("cibmtr-4100")           # or load_form("my_registry.toml"): a form is a data file
    result = crosswalk(dataset, form)           # result.answers: one row per infusion; result.notes: reconciliation
    write_crosswalks(dataset, [form], "out/registry", lang="fr")

The crosswalk reads the grades computed from the observations (`iectox.grading`), so it sits above grading;
its files are written through `iectox.io.sheets` into a folder published whole (`iectox.io.atomic`).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from iectox.crosswalk.facts import computed, drugs_given, recorded_grades, syndrome_facts
from iectox.crosswalk.fill import APPLY, Context
from iectox.crosswalk.mapping import (
    RULES,
    SYNDROMES,
    UNCONFIRMED,
    Field,
    Form,
    load_form,
    registry_forms,
    shipped_form,
)
from iectox.dataset import Dataset

NOTE_COLUMNS = (
    "form",
    "patient_id",
    "infusion_id",
    "syndrome",
    "question",
    "field",
    "kind",
    "iectox_value",
    "form_value",
    "reason",
)
KINDS = ("grade_disagrees", "grade_missing", "date_missing", "information_lost")


@dataclass(frozen=True)
class Crosswalk:
    """A form filled from a dataset: `answers` (patient_id, infusion_id, then one column per field, in the
    form's order) and `notes` (`NOTE_COLUMNS`: one row per disagreement, missing date or grade, or information
    the form's coding loses; `reason` is a `Message`)."""

    form: Form
    answers: pd.DataFrame
    notes: pd.DataFrame


def crosswalk(dataset: Dataset, form: Form, grades: pd.DataFrame | None = None) -> Crosswalk:
    """Fill `form` from `dataset`: each field by its rule (`iectox.crosswalk.fill`), from the facts gathered
    once per syndrome. `grades` (the recorded and computed grades, `facts.computed`) may be passed when several
    forms are filled from one dataset, so that the observations are graded once."""
    grades = computed(dataset) if grades is None else grades
    facts = {s: syndrome_facts(dataset, s, grades) for s in SYNDROMES}
    context = Context(
        doses={s: drugs_given(dataset, s) for s in SYNDROMES},
        grades={s: recorded_grades(dataset, s) for s in SYNDROMES},
    )
    first = facts[SYNDROMES[0]]
    answers = pd.DataFrame({"patient_id": first["patient_id"], "infusion_id": first.index}, index=first.index)
    notes: list[dict[str, object]] = []
    for field in form.fields:
        values, found = APPLY[field.rule](field, facts[field.syndrome], context)
        answers[field.id] = values
        for note in found:
            note.update(
                form=form.id,
                patient_id=first.at[note["infusion_id"], "patient_id"],
                syndrome=field.syndrome,
                question=field.question,
                field=field.id,
            )
        notes.extend(found)
    order = {infusion: i for i, infusion in enumerate(first.index)}
    notes.sort(key=lambda n: order[n["infusion_id"]])
    frame = pd.DataFrame(notes, columns=list(NOTE_COLUMNS)).astype({"infusion_id": "object"})
    return Crosswalk(form, answers.reset_index(drop=True), frame)


__all__ = [
    "KINDS",
    "NOTE_COLUMNS",
    "RULES",
    "UNCONFIRMED",
    "Crosswalk",
    "Field",
    "Form",
    "computed",
    "crosswalk",
    "load_form",
    "registry_forms",
    "shipped_form",
]
