"""The REDCap project that holds an iectox dataset: its instruments and fields, derived from the contract.

One REDCap record is one patient (record id `patient_id`). The `patient` instrument is not repeating; every
other table is a repeating instrument of the patient's record (a patient may have several infusions, each
with its episodes, doses, observations and follow-up), whose rows name their infusion in an `*_infusion_id`
field. A field is named after its column; a column name already used by an earlier table is prefixed with
its instrument (`toxicity_episode_infusion_id`), since REDCap field names are unique in a project.

A date-and-time column becomes two fields, `<column>_date` (date_ymd) and `<column>_time` (time, HH:MM, blank
when the hour was not recorded): REDCap's datetime_ymd would refuse a date alone, which the contract keeps as
"that day, hour not recorded" (`iectox.schema.contract`). Codes that REDCap does not allow as choice codes
(letters, digits and underscores only: `IEC-HS`) are written with an underscore and read back as the code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from types import MappingProxyType

from iectox.schema import CONTRACT, Column, Kind, Schema, Table, Vocabulary

HEADER = (
    "Variable / Field Name",
    "Form Name",
    "Section Header",
    "Field Type",
    "Field Label",
    "Choices, Calculations, OR Slider Labels",
    "Field Note",
    "Text Validation Type OR Show Slider Number",
    "Text Validation Min",
    "Text Validation Max",
    "Identifier?",
    "Branching Logic (Show field only if...)",
    "Required Field?",
    "Custom Alignment",
    "Question Number (surveys only)",
    "Matrix Group Name",
    "Matrix Ranking?",
    "Field Annotation",
)
"""REDCap's data dictionary columns, in its order (the file REDCap's "Data Dictionary" page downloads)."""

API_HEADER = (
    "field_name",
    "form_name",
    "section_header",
    "field_type",
    "field_label",
    "select_choices_or_calculations",
    "field_note",
    "text_validation_type_or_show_slider_number",
    "text_validation_min",
    "text_validation_max",
    "identifier",
    "branching_logic",
    "required_field",
    "custom_alignment",
    "question_number",
    "matrix_group_name",
    "matrix_ranking",
    "field_annotation",
)
"""The same columns as REDCap's API names them (a metadata export, `content=metadata`)."""

RECORD_ID = "patient_id"
REPEAT_INSTRUMENT = "redcap_repeat_instrument"
REPEAT_INSTANCE = "redcap_repeat_instance"
EVENT_NAME = "redcap_event_name"
DATA_ACCESS_GROUP = "redcap_data_access_group"
COMPLETE_SUFFIX = "_complete"

FORMS = MappingProxyType(
    {
        "patients": "patient",
        "infusions": "infusion",
        "toxicity_episodes": "toxicity_episode",
        "administrations": "administration",
        "observations": "observation",
        "outcomes": "outcome",
        "labs": "lab",
    }
)
"""Each contract table's instrument (REDCap's unique form name)."""

DROPDOWN_FROM = 10  # a list this long is a drop-down; a shorter one, radio buttons
_REDCAP_CODE = re.compile(r"[^A-Za-z0-9_]")


def redcap_code(code: str) -> str:
    """The code as REDCap allows a choice code: letters, digits and underscores."""
    return _REDCAP_CODE.sub("_", code)


def choice_codes(vocabulary: Vocabulary) -> MappingProxyType[str, str]:
    """REDCap choice code -> iectox code, for every term of `vocabulary`."""
    codes = {redcap_code(code): code for code in vocabulary.codes}
    if len(codes) != len(vocabulary.codes):
        raise ValueError(f"vocabulary {vocabulary.name}: two codes give the same REDCap code")
    return MappingProxyType(codes)


@dataclass(frozen=True)
class Field:
    """One REDCap field: where it lives, what it holds, and the contract column (and part of it) it fills.

    `part` is "value" for a whole cell, "date" or "time" for the halves of a date-and-time column."""

    name: str
    form: str
    table: str
    column: Column
    part: str = "value"

    @property
    def field_type(self) -> str:
        if self.column.kind is Kind.BOOLEAN:
            return "yesno"
        if self.column.vocabulary is not None:
            return "dropdown" if len(self.column.vocabulary.terms) >= DROPDOWN_FROM else "radio"
        return "text"

    @property
    def validation(self) -> str:
        if self.part == "time":
            return "time"
        return {Kind.INTEGER: "integer", Kind.NUMBER: "number", Kind.DATE: "date_ymd"}.get(
            self.column.kind, "date_ymd" if self.part == "date" else ""
        )

    @property
    def required(self) -> bool:
        return self.column.required and self.part != "time"

    @property
    def choices(self) -> MappingProxyType[str, str]:
        """REDCap code -> iectox code (empty unless the field has choices)."""
        vocabulary = self.column.vocabulary
        return choice_codes(vocabulary) if vocabulary is not None else MappingProxyType({})


def _fields_of(table: Table, taken: set[str]) -> list[Field]:
    form = FORMS[table.name]
    fields: list[Field] = []
    for column in table.columns:
        if table.name == "infusions" and column.name == "patient_id":
            continue  # the record is the patient
        base = column.name if column.name not in taken else f"{form}_{column.name}"
        taken.add(column.name)
        if column.kind is Kind.DATETIME:
            fields.append(Field(f"{base}_date", form, table.name, column, "date"))
            fields.append(Field(f"{base}_time", form, table.name, column, "time"))
        else:
            fields.append(Field(base, form, table.name, column))
    return fields


def project_fields(schema: Schema = CONTRACT) -> tuple[Field, ...]:
    """Every field of the project, in the dictionary's order; the record id first."""
    taken: set[str] = set()
    fields = [field for table in schema.tables for field in _fields_of(table, taken)]
    names = [field.name for field in fields]
    if len(set(names)) != len(names) or fields[0].name != RECORD_ID:
        raise ValueError("the contract does not give unique REDCap field names with the record id first")
    return tuple(fields)


FIELDS = project_fields()
FIELDS_BY_NAME = MappingProxyType({field.name: field for field in FIELDS})
REPEATING_FORMS = tuple(form for table, form in FORMS.items() if table != "patients")
TABLE_OF_FORM = MappingProxyType({form: table for table, form in FORMS.items()})


def form_label(form: str) -> str:
    """The instrument's label as REDCap shows it (and writes it in a label export): "Toxicity Episode"."""
    return form.replace("_", " ").title()
