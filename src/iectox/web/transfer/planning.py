"""What committing a checked file would change: the library's diff of the registry's rows of the file's patients
against the file (`iectox.io.diff.diff_datasets`), and what the registry says against it.

Only the patients named in the file are compared: an import never touches another patient. Within them:

- a row only in the file is **added**, a row in both whose values differ is **changed** (each cell, exactly);
- a row of these patients only in the registry is **missing** from the file: it is kept, unless the user ticks
  the deletion of missing rows. Kept rows must leave the patients' records valid: the rows kept and the file are
  checked together by the library (`validate_dataset`), and an error there blocks a commit that keeps them.
- a code added by the file that the registry already uses for a patient not in the file (each code is used once)
  is an error.

The plan's `fingerprint` (SHA-256 of the diff) is what the preview showed: a commit whose registry no longer
gives the same diff is refused, so that exactly the changes shown are applied.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

import pandas as pd
from django.db.models import QuerySet

from iectox.dataset import Dataset
from iectox.errors import Issue
from iectox.i18n import N_
from iectox.io.diff import DatasetDiff, diff_datasets
from iectox.schema import CONTRACT
from iectox.validate import validate_dataset
from iectox.web.accounts.access import visible
from iectox.web.registry.derive import stored_columns
from iectox.web.registry.models import BY_TABLE, Patient
from iectox.web.registry.records import patients_rows

CODE_RULE = "code_used_elsewhere"
CODE_USED = N_(
    "{code} is already in the registry, for a patient who is not in this file; a code is used once"
)
KEPT_RULE = "kept_rows_invalid"


@dataclass(frozen=True)
class Stored:
    """The registry's rows of some patients as a dataset, with each row's record number and version, in the
    same order as the dataset's rows."""

    dataset: Dataset
    records: dict[str, list[tuple[int, int]]]


@dataclass(frozen=True)
class Plan:
    incoming: Dataset
    stored: Stored
    changes: DatasetDiff
    errors: tuple[Issue, ...]  # what the registry makes of the file: codes used by patients not in it
    kept_errors: tuple[Issue, ...]  # what keeping the missing rows would leave wrong
    centres: tuple[str, ...]
    fingerprint: str

    @property
    def patients(self) -> int:
        return len(self.incoming["patients"])

    @property
    def missing(self) -> int:
        return sum(len(diff.removed) for diff in self.changes)


def stored_rows(patients: QuerySet[Patient]) -> Stored:
    """Every row of these patients, read once per table with its record number and version."""
    frames, records = {}, {}
    for name, rows in patients_rows(patients).items():
        columns = stored_columns(BY_TABLE[name].contract)
        values = list(rows.values_list("pk", "version", *columns))
        records[name] = [(row[0], row[1]) for row in values]
        frames[name] = pd.DataFrame.from_records([row[2:] for row in values], columns=columns)
    return Stored(Dataset.from_frames(frames), records)


def fingerprint(changes: DatasetDiff) -> str:
    text = json.dumps(changes.as_dict(), sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _codes_used_elsewhere(changes: DatasetDiff) -> list[Issue]:
    found = []
    for table in CONTRACT.tables:
        added = [row.key[0] for row in changes[table.name].added]
        if not table.key or not added:
            continue
        used = BY_TABLE[table.name].objects.filter(**{f"{table.key}__in": added})
        for code in sorted(used.values_list(table.key, flat=True)):
            values = {"code": code}
            found.append(
                Issue(
                    table.name,
                    table.name,
                    None,
                    table.key,
                    code,
                    CODE_RULE,
                    CODE_USED.format(**values),
                    "error",
                    CODE_USED,
                    values,
                )
            )
    return found


def _kept_errors(incoming: Dataset, stored: Stored, changes: DatasetDiff) -> list[Issue]:
    """The library's errors on the file's rows together with the registry's rows it does not hold."""
    if not any(diff.removed for diff in changes):
        return []
    frames = {
        table.name: pd.concat(
            [
                incoming[table.name],
                stored.dataset[table.name].iloc[[r.position for r in changes[table.name].removed]],
            ],
            ignore_index=True,
        )
        for table in CONTRACT.tables
    }
    issues = validate_dataset(Dataset.from_frames(frames))
    return [i for i in issues if i.severity == "error"]


def plan_import(incoming: Dataset, user: Any) -> Plan:
    """The plan of committing `incoming` (a dataset without error) for `user`, against the registry now."""
    codes = incoming["patients"]["patient_id"].dropna().tolist()
    stored = stored_rows(visible(Patient.objects.filter(patient_id__in=codes), user))
    changes = diff_datasets(stored.dataset, incoming)
    centres = tuple(sorted(set(incoming["patients"]["centre"].dropna())))
    return Plan(
        incoming,
        stored,
        changes,
        tuple(_codes_used_elsewhere(changes)),
        tuple(_kept_errors(incoming, stored, changes)),
        centres,
        fingerprint(changes),
    )
