"""A REDCap export of the iectox project into the dataset, with the same validation as every import.

Accepted: REDCap's flat CSV exports, raw or with labels for values (choice labels, Yes/No, the instrument's
label in `redcap_repeat_instrument`), classic or longitudinal (`redcap_event_name`: events only group rows,
a patient's `patient` instrument filled in one event). Headers are field names (REDCap's "raw" headers) or
field labels ("CSV (labels)", `headers.py`). The `<form>_complete` status columns and
`redcap_data_access_group` are REDCap's bookkeeping, not data, and are not read.

Each export row gives one row of one contract table, which keeps the export's row number, so that every
problem, the contract's validation's included, names the export row, the record, the instrument, the instance
and the REDCap field. A column that is not a field of the dictionary, an unknown instrument, or a value that is
not a choice of the dictionary is an error; the import is all or nothing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from iectox.dataset import Dataset
from iectox.errors import DatasetInvalid, Issue
from iectox.i18n import N_
from iectox.io.csvdir import read_csv_table
from iectox.io.injection import restore
from iectox.io.redcap.dictionary import ProjectDictionary, read_dictionary
from iectox.io.redcap.fields import (
    COMPLETE_SUFFIX,
    DATA_ACCESS_GROUP,
    EVENT_NAME,
    FIELDS,
    FIELDS_BY_NAME,
    FORMS,
    RECORD_ID,
    REPEAT_INSTANCE,
    REPEAT_INSTRUMENT,
    REPEATING_FORMS,
    TABLE_OF_FORM,
    Field,
    form_label,
)
from iectox.io.redcap.headers import labelled, raw_headers
from iectox.message import Message
from iectox.schema import CONTRACT, Kind
from iectox.validate import RawTable, Settings, check_raw

BOOKKEEPING = (REPEAT_INSTRUMENT, REPEAT_INSTANCE, EVENT_NAME, DATA_ACCESS_GROUP)
YES = ("1", "yes", "oui")
NO = ("0", "no", "non")
PLACE = N_("record {record}, instrument {instrument}, instance {instance}, field {field}: {problem}")
PLACE_PATIENT = N_("record {record}, instrument {instrument}, field {field}: {problem}")


@dataclass(frozen=True)
class Origin:
    """Where a contract row came from in the export."""

    record: str
    form: str
    instance: str


def _issue(path: str, row: int, origin: Origin, field: str, value: str, rule: str, problem: Message) -> Issue:
    values = {
        "record": origin.record,
        "instrument": origin.form,
        "instance": origin.instance,
        "field": field,
        "problem": problem,
    }
    template = PLACE if origin.instance else PLACE_PATIENT
    return Issue(
        path, None, row, field, value, rule, Message(template, **values), template=template, values=values
    )


class _Reader:
    """Turns export rows into contract rows, collecting every problem."""

    def __init__(self, path: str, dictionary: ProjectDictionary):
        self.path = path
        self.dictionary = dictionary
        self.issues: list[Issue] = []
        self.rows: dict[str, dict[int, dict[str, str | None]]] = {table: {} for table in FORMS}
        self.origins: dict[int, Origin] = {}
        self.patients: dict[str, int] = {}
        self.instances: set[tuple[str, str, str, str]] = set()
        self.forms = {**{form: form for form in FORMS.values()}, **{form_label(f): f for f in FORMS.values()}}

    def problem(
        self, row: int, origin: Origin, field: str, cell: str, rule: str, template: str, **kw: object
    ) -> None:
        """Record a problem of the export's `row` at `field`, whose cell holds `cell`."""
        self.issues.append(_issue(self.path, row, origin, field, cell, rule, Message(template, **kw)))

    def read_row(self, row: int, cells: Mapping[str, str]) -> None:
        record = cells.get(RECORD_ID, "")
        written_form = cells.get(REPEAT_INSTRUMENT, "")
        instance = cells.get(REPEAT_INSTANCE, "")
        form = self.forms.get(written_form, "") if written_form else FORMS["patients"]
        origin = Origin(record, form or written_form, instance)
        if not record:
            self.problem(row, origin, RECORD_ID, "", "redcap_record", N_("the record id is blank"))
            return
        if written_form and form not in REPEATING_FORMS:
            self.problem(
                row,
                origin,
                REPEAT_INSTRUMENT,
                written_form,
                "redcap_instrument",
                N_("'{value}' is not a repeating instrument of the dictionary ({allowed})"),
                value=written_form,
                allowed=", ".join(REPEATING_FORMS),
            )
            return
        if not self._instance_ok(row, origin, cells, written_form, instance):
            return
        values = self._values(row, origin, cells, form)
        if not written_form:
            if not any(value for name, value in values.items() if name != RECORD_ID):
                return  # a longitudinal event's row with nothing in the patient instrument
            if record in self.patients:
                self.problem(
                    row,
                    origin,
                    RECORD_ID,
                    record,
                    "redcap_patient_twice",
                    N_("the patient instrument is filled twice for this record (also row {first})"),
                    first=self.patients[record],
                )
                return
            self.patients[record] = row
        self.origins[row] = origin
        self.rows[TABLE_OF_FORM[form]][row] = self._contract_row(form, record, values)

    def _instance_ok(
        self, row: int, origin: Origin, cells: Mapping[str, str], written_form: str, instance: str
    ) -> bool:
        if not written_form:
            if instance:
                self.problem(
                    row,
                    origin,
                    REPEAT_INSTANCE,
                    instance,
                    "redcap_instrument",
                    N_("an instance without a repeating instrument (repeating events are not supported)"),
                )
                return False
            return True
        if not instance.isdigit() or int(instance) < 1:
            self.problem(
                row,
                origin,
                REPEAT_INSTANCE,
                instance,
                "redcap_instance",
                N_("the repeat instance must be a whole number from 1, not '{value}'"),
                value=instance,
            )
            return False
        key = (origin.record, cells.get(EVENT_NAME, ""), origin.form, instance)
        if key in self.instances:
            self.problem(
                row,
                origin,
                REPEAT_INSTANCE,
                instance,
                "redcap_instance",
                N_("this instance is exported twice"),
            )
            return False
        self.instances.add(key)
        return True

    def _values(self, row: int, origin: Origin, cells: Mapping[str, str], form: str) -> dict[str, str]:
        values: dict[str, str] = {}
        for name, value in cells.items():
            field = FIELDS_BY_NAME.get(name)
            if field is None or name == RECORD_ID or value == "":
                continue
            if field.form != form:
                self.problem(
                    row,
                    origin,
                    name,
                    value,
                    "redcap_instrument",
                    N_("the field belongs to instrument {owner}, and this row is of instrument {form}"),
                    owner=field.form,
                    form=form,
                )
                continue
            values[name] = self._value(row, origin, field, value)
        return values

    def _value(self, row: int, origin: Origin, field: Field, value: str) -> str:
        if field.column.kind is Kind.BOOLEAN:
            folded = value.strip().lower()
            if folded in YES or folded in NO:
                return "yes" if folded in YES else "no"
            self._not_a_choice(row, origin, field, value, "1, 0, Yes, No")
            return ""
        if field.choices:
            code = value if value in field.choices else self.dictionary.labels[field.name].get(value.strip())
            if code is None:
                self._not_a_choice(row, origin, field, value, ", ".join(field.choices))
                return ""
            return field.choices[code]
        return restore(value) if field.column.kind is Kind.TEXT else value

    def _not_a_choice(self, row: int, origin: Origin, field: Field, value: str, allowed: str) -> None:
        self.problem(
            row,
            origin,
            field.name,
            value,
            "redcap_choice",
            N_(
                "'{value}' is not a choice of this field in the dictionary ({allowed}), nor one of its labels"
            ),
            value=value,
            allowed=allowed,
        )

    def _contract_row(self, form: str, record: str, values: Mapping[str, str]) -> dict[str, str | None]:
        contract_row: dict[str, str | None] = {}
        for field in FIELDS:
            if field.form != form or field.part == "time":
                continue
            value = values.get(field.name) or None
            if field.part == "date":
                hour = values.get(field.name[: -len("_date")] + "_time")
                value = f"{value} {hour}" if value and hour else (value or hour or None)
            contract_row[field.column.name] = value
        if form == FORMS["infusions"]:
            contract_row["patient_id"] = record
        if form == FORMS["patients"]:
            contract_row["patient_id"] = record
        return contract_row


def _check_columns(path: str, columns: Sequence[str]) -> list[Issue]:
    """Every header must be a field of the dictionary or REDCap's bookkeeping."""
    issues = []
    if RECORD_ID not in columns:
        issues.append(
            Issue(
                path,
                None,
                1,
                RECORD_ID,
                None,
                "redcap_columns",
                Message(
                    N_("the export has no {field} column: export raw field names as headers"), field=RECORD_ID
                ),
            )
        )
    forms = set(FORMS.values())
    for name in columns:
        known = name in FIELDS_BY_NAME or name in BOOKKEEPING
        if name.endswith(COMPLETE_SUFFIX) and name[: -len(COMPLETE_SUFFIX)] in forms:
            known = True
        if not known:
            issues.append(
                Issue(
                    path,
                    None,
                    1,
                    name,
                    name,
                    "redcap_columns",
                    Message(N_("'{name}' is not a field of the dictionary"), name=name),
                )
            )
    return issues


def _locate(issue: Issue, origins: Mapping[int, Origin], path: str) -> Issue:
    """A validation problem said at the export row, record, instrument, instance and REDCap field."""
    origin = origins.get(issue.row or 0)
    if origin is None or issue.sheet is None:
        return dataclasses.replace(issue, file=path, sheet=None)
    table = TABLE_OF_FORM[origin.form]
    names = [f.name for f in FIELDS if f.table == table and f.column.name == issue.column]
    if issue.column == "patient_id":
        names = [RECORD_ID]
    field = names[0] if names else (issue.column or "")
    return dataclasses.replace(
        _issue(path, issue.row or 0, origin, field, issue.value or "", issue.rule, _problem(issue)),
        severity=issue.severity,
    )


def _problem(issue: Issue) -> Message:
    """The issue's sentence as a message that is translated where it is shown, like the issue itself."""
    try:
        return Message(issue.template or issue.message, **issue.values)
    except (KeyError, IndexError, ValueError):  # a sentence with braces of its own, made without a template
        return Message("{text}", text=issue.message)


def import_redcap(
    export: str | Path, dictionary: str | Path | ProjectDictionary, settings: Settings | None = None
) -> Dataset:
    """The dataset held by a REDCap export, validated; `DatasetInvalid` names each problem's place, and a
    dictionary that does not describe the project is a `SourceError`."""
    project = dictionary if isinstance(dictionary, ProjectDictionary) else read_dictionary(dictionary)
    raw = read_csv_table(Path(export))
    path = raw.file
    frame = raw.frame.astype(object).where(raw.frame.notna(), "")
    columns = [str(name) for name in frame.columns]
    if labelled(columns):
        columns = raw_headers(columns, project)
    issues = [*raw.issues, *_check_columns(path, columns)]
    if any(issue.severity == "error" for issue in issues):
        raise DatasetInvalid(issues)
    reader = _Reader(path, project)
    for row, values in zip(frame.index, frame.itertuples(index=False), strict=True):
        reader.read_row(
            int(row), {name: str(value).strip() for name, value in zip(columns, values, strict=True)}
        )
    if reader.issues:
        raise DatasetInvalid(reader.issues)
    tables = {
        table: RawTable(
            path, table, pd.DataFrame.from_dict(rows, orient="index", columns=list(_columns(table)))
        )
        for table, rows in reader.rows.items()
    }
    dataset, found = check_raw(tables, settings or Settings(), where=path)
    located = [_locate(issue, reader.origins, path) for issue in found]
    if dataset is None:
        raise DatasetInvalid(located)
    return dataset


def _columns(table: str) -> tuple[str, ...]:
    return CONTRACT.table(table).column_names
