"""An uploaded file checked as `iectox validate` checks it, plus the one rule only the web knows: a user imports
only the patients of their centres.

The file is read as `iectox.io.check_path` reads it (`read_raw`, then `check_raw`: the same issues, rows and
sentences), keeping the raw patients sheet so that the centre rule can name the row the user sees. A patient
row is refused when its centre is not one of the user's, or when its code is a patient of another centre in the
registry (an import cannot move another centre's patient into one's own).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from iectox.dataset import Dataset
from iectox.errors import Issue
from iectox.i18n import N_
from iectox.io import read_raw
from iectox.validate import RawTable, Settings, check_raw
from iectox.validate.cells import as_text
from iectox.validate.characters import INVISIBLE
from iectox.validate.structure import header_key
from iectox.web.registry.models import Patient

CENTRE_RULE = "centre_not_yours"
CENTRE_NOT_YOURS = N_(
    "centre '{centre}' is not one of your centres ({yours}): you may import only the patients of your centres"
)
PATIENT_ELSEWHERE = N_(
    "{patient} is a patient of another centre in the registry: you may import only the patients of your centres"
)


@dataclass(frozen=True)
class Checked:
    """What the library (and the centre rule) say of a file: every issue, and the dataset when none is an
    error."""

    dataset: Dataset | None
    issues: tuple[Issue, ...]

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity != "error"]


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    """A raw column as the library reads its text (stripped, invisible characters removed); blank if absent."""
    for label in frame.columns:
        if header_key(label) == name:
            return as_text(frame[label]).str.replace(INVISIBLE, "", regex=True)
    return pd.Series(pd.NA, index=frame.index, dtype="string")


def centre_issues(
    patients: RawTable | None, centres: list[str], refused: set[tuple[int, str]]
) -> list[Issue]:
    """One error per patient row of a centre that is not among `centres`, or of another centre's patient; a cell
    the library refused (`refused`: row, column) is left to its issue, which may be one that never shows it."""
    if patients is None:
        return []
    centre = _column(patients.frame, "centre")
    code = _column(patients.frame, "patient_id")
    stored = dict(
        Patient.objects.filter(patient_id__in=list(code.dropna().unique())).values_list(
            "patient_id", "centre"
        )
    )
    yours = ", ".join(centres)
    found = []
    for row in patients.frame.index:
        here, patient = centre[row], code[row]
        owner = None if pd.isna(patient) else stored.get(patient)
        if (int(row), "centre") in refused or (int(row), "patient_id") in refused:
            continue
        if not pd.isna(here) and here not in centres:
            values = {"centre": here, "yours": yours}
            column, value, template = "centre", here, CENTRE_NOT_YOURS
        elif owner is not None and owner not in centres:
            values = {"patient": patient}
            column, value, template = "patient_id", patient, PATIENT_ELSEWHERE
        else:
            continue
        message = template.format(**values)
        found.append(
            Issue(
                patients.file,
                patients.sheet,
                int(row),
                column,
                value,
                CENTRE_RULE,
                message,
                "error",
                template,
                values,
            )
        )
    return found


def _ordered(issues: list[Issue], raw: dict[str, RawTable]) -> tuple[Issue, ...]:
    """Issues by sheet in the contract's order (the file's own issues first), then by row."""
    order = {(table.file, table.sheet): n for n, table in enumerate(raw.values())}
    return tuple(sorted(issues, key=lambda i: (order.get((i.file, i.sheet), -1), i.row or 0)))


def check_upload(path: Path, user: Any, date_order: str = "iso") -> Checked:
    """Every issue of the file at `path` for `user`, and its dataset when there is no error. A file that
    cannot be read at all raises the library's `SourceError`."""
    raw, extra = read_raw(path)
    dataset, issues = check_raw(raw, Settings(date_order=date_order), where=path.name, extra=extra)
    patients = raw.get("patients")
    taken = {
        (i.row, i.column or "")
        for i in issues
        if patients is not None
        and i.severity == "error"
        and (i.file, i.sheet) == (patients.file, patients.sheet)
    }
    refused = centre_issues(patients, user.centre_codes(), taken)
    if refused:
        dataset = None
    return Checked(dataset, _ordered(issues + refused, raw))
