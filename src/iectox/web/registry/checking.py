"""A form's record checked by the library, among the rows of its patient (`iectox.validate.record`).

The context is every row of the patient the record belongs to in the tables the record involves
(`iectox.validate.record.involved_tables`: for an observation, the patient, its infusions and observations;
for an infusion, every table), of the user's centres only: a reference to a record the user cannot see "does
not exist", as in a file. A record whose code is already used elsewhere is put beside its namesake, so that
the library's `unique` rule says so. French users type dates day first (their language says which order, as
`--dates dmy` does). The rows are given to the library typed, as read (`check_record(..., typed=True)`: the
registry keeps checked rows and reads them back exactly), so that only the record is read from text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from iectox.dataset import conform
from iectox.validate import Settings
from iectox.validate.record import RecordCheck, check_record, involved_tables
from iectox.web.accounts.access import visible
from iectox.web.registry.models import Infusion, Patient, Record
from iectox.web.registry.records import frame, patients_rows
from iectox.web.registry.tables import TablePage

DATE_ORDER = {"fr": "dmy", "en": "iso"}


def patient_codes(
    page: TablePage,
    typed: Mapping[str, str],
    user: Any,
    stored: Record | None,
    infusion: Infusion | None = None,
) -> set[str]:
    """The patients whose rows the record is checked among: the one it names, and the one it belonged to.
    `infusion`: the record's infusion as the caller looked it up among the user's centres (not read again)."""
    records = [typed, *([_codes(stored)] if stored is not None else [])]
    codes = set()
    for record in records:
        if page.id in ("patients", "infusions"):
            codes.add(record.get("patient_id") or "")
            continue
        code = record.get("infusion_id") or ""
        found = infusion if infusion is not None and infusion.infusion_id == code else None
        found = found or visible(Infusion.objects.all(), user).filter(infusion_id=code).first()
        codes.add(found.patient_id if found else "")
    return codes - {""}


def _codes(stored: Record) -> dict[str, str]:
    return {
        name: str(getattr(stored, name)) for name in ("patient_id", "infusion_id") if hasattr(stored, name)
    }


def check(
    page: TablePage,
    typed: Mapping[str, str],
    user: Any,
    stored: Record | None = None,
    infusion: Infusion | None = None,
) -> RecordCheck:
    """What the library says of the record typed in `page`'s form (`stored`: its saved version, when edited;
    `infusion`: its infusion, when the page looked it up among the user's centres already)."""
    codes = patient_codes(page, typed, user, stored, infusion)
    patients = visible(Patient.objects, user).filter(patient_id__in=codes)
    rows = patients_rows(patients)
    frames = {name: frame(rows[name]) for name in involved_tables(page.id)}
    replacing = None
    if stored is not None:
        positions = list(rows[page.id].values_list("pk", flat=True))
        replacing = positions.index(stored.pk) if stored.pk in positions else None
    key = page.key
    if key and typed.get(key) and (stored is None or str(getattr(stored, key)) != typed[key]):
        namesake = page.model.objects.filter(**{key: typed[key]})
        frames[page.id] = conform(
            page.table, pd.concat([frames[page.id], frame(namesake)], ignore_index=True)
        )
    settings = Settings(date_order=DATE_ORDER.get(getattr(user, "language", "en"), "iso"))
    return check_record(page.id, typed, frames, replacing=replacing, settings=settings, typed=True)
