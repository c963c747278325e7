"""A dataset as REDCap's flat records file: what REDCap's Data Import Tool (or its API) loads into the project
that `iectox redcap dictionary` describes, and what a raw CSV export of that project looks like.

One row per patient (the `patient` instrument, `redcap_repeat_instrument` blank), then one row per instance of
each repeating instrument of that patient's record, numbered 1, 2, ... in the dataset's order. Values are
REDCap's raw values: choice codes, 1/0 for yes/no, dates yyyy-mm-dd and hours HH:MM. Text that a spreadsheet
would run as a formula is neutralised (`iectox.io.injection`), and iectox's reader gives it back.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from iectox.dataset import Dataset
from iectox.errors import DatasetInvalid, OutputRefused
from iectox.i18n import N_
from iectox.io.redcap.fields import FIELDS, FORMS, RECORD_ID, REPEAT_INSTANCE, REPEAT_INSTRUMENT, Field
from iectox.io.sheets import write_csv
from iectox.io.text import table_text
from iectox.schema import Kind
from iectox.validate import validate_dataset

COLUMNS = (RECORD_ID, REPEAT_INSTRUMENT, REPEAT_INSTANCE, *(field.name for field in FIELDS[1:]))
TEXT_FIELDS = tuple(field.name for field in FIELDS if field.column.kind is Kind.TEXT)


def _cell(field: Field, text: str) -> str:
    """A contract cell's text as the field's raw REDCap value."""
    if text == "":
        return ""
    if field.column.kind is Kind.BOOLEAN:
        return "1" if text == "yes" else "0"
    if field.part in ("date", "time"):
        day, _, hour = text.partition(" ")
        return day if field.part == "date" else hour
    if field.column.vocabulary is not None:
        return next(code for code, iectox in field.choices.items() if iectox == text)
    return text


def _patients_of_infusions(dataset: Dataset) -> dict[str, str]:
    infusions = dataset["infusions"]
    return dict(zip(infusions["infusion_id"].astype(str), infusions["patient_id"].astype(str), strict=True))


def record_rows(dataset: Dataset) -> pd.DataFrame:
    """The dataset as REDCap's flat records (every cell text, blank = "")."""
    by_table: dict[str, list[Field]] = {}
    for field in FIELDS[1:]:
        by_table.setdefault(field.table, []).append(field)
    patient_of = _patients_of_infusions(dataset)
    rows: dict[str, list[dict[str, str]]] = {}
    for table in dataset.schema.tables:
        text = table_text(dataset[table.name], table)
        _refuse_seconds(table.name, text, by_table.get(table.name, []))
        patients = text["patient_id"] if "patient_id" in text else text["infusion_id"].map(patient_of)
        instances: dict[str, int] = {}
        for position in range(len(text)):
            record = str(patients.iloc[position])
            row = {RECORD_ID: record}
            if table.name != "patients":
                instances[record] = instances.get(record, 0) + 1
                row[REPEAT_INSTRUMENT] = FORMS[table.name]
                row[REPEAT_INSTANCE] = str(instances[record])
            for field in by_table.get(table.name, []):
                row[field.name] = _cell(field, str(text[field.column.name].iloc[position]))
            rows.setdefault(record, []).append(row)
    ordered = [
        row for record in dataset["patients"]["patient_id"].astype(str) for row in rows.pop(record, [])
    ]
    ordered += [row for remaining in rows.values() for row in remaining]
    return pd.DataFrame(ordered, columns=list(COLUMNS)).fillna("")


def _refuse_seconds(table: str, text: pd.DataFrame, fields: list[Field]) -> None:
    """REDCap's hours are HH:MM: a time with seconds cannot be written without losing them."""
    for field in fields:
        if field.part == "time":
            cells = text[field.column.name]
            with_seconds = cells[cells.str.count(":") > 1]
            if len(with_seconds):
                raise OutputRefused(
                    f"{table}.{field.column.name}",
                    N_("'{value}' has seconds, which a REDCap hour (HH:MM) cannot hold"),
                    value=with_seconds.iloc[0],
                )


def write_records(dataset: Dataset, path: str | Path) -> Path:
    """Write the dataset as REDCap's flat records CSV at `path` (whole or not at all), after checking it as
    every dataset written is checked: an invalid one (a dose of an unknown infusion...) is not written."""
    errors = [issue for issue in validate_dataset(dataset) if issue.severity == "error"]
    if errors:
        raise DatasetInvalid(errors)
    return write_csv(record_rows(dataset), Path(path), text=TEXT_FIELDS)
