"""The REDCap data dictionary of an iectox project: written from the contract, and checked when read back.

The written dictionary is the file a hospital uploads on REDCap's "Data Dictionary" page to create the
project; the repeating instruments are declared beside it (REDCap's "Repeating instruments and events" upload:
`form_name,custom_form_label`), since a data dictionary cannot say which instruments repeat. Labels, notes and
choice labels are in the language asked for; names, types, validations and choice codes never change, so an
export is read with either language's dictionary.

Reading a dictionary checks that it describes the contract's project, field by field (form, type,
validation, choice codes); the first difference is a `SourceError` naming the field, and nothing is imported.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import pandas as pd

from iectox.errors import SourceError
from iectox.i18n import N_, tr
from iectox.io.csvdir import read_csv_table
from iectox.io.owned import check_output_file
from iectox.io.redcap.fields import (
    API_HEADER,
    FIELDS,
    FIELDS_BY_NAME,
    HEADER,
    REPEATING_FORMS,
    Field,
    redcap_code,
)
from iectox.io.sheets import write_csv
from iectox.schema import CONTRACT
from iectox.schema.dictionary import bound_text
from iectox.validate.structure import header_key

DATE_LABEL = N_("{column}: date")
TIME_LABEL = N_("{column}: hour (HH:MM), blank when not recorded")


def _label(field: Field, lang: str) -> str:
    column = field.column
    if field.part == "date":
        return tr(DATE_LABEL, lang).format(column=column.name)
    if field.part == "time":
        return tr(TIME_LABEL, lang).format(column=column.name)
    return f"{column.name} ({tr(column.unit, lang)})" if column.unit else column.name


def _choices(field: Field, lang: str) -> str:
    vocabulary = field.column.vocabulary
    if vocabulary is None:
        return ""
    return " | ".join(f"{redcap_code(term.code)}, {tr(term.label, lang)}" for term in vocabulary.terms)


def _row(field: Field, lang: str) -> dict[str, str]:
    column = field.column
    numeric = field.validation in ("integer", "number")
    low = bound_text(column.minimum) if numeric and not column.exclusive_minimum else None
    high = bound_text(column.maximum) if numeric else None
    note = tr(column.description, lang)
    if column.pattern_name and field.part == "value":
        note = f"{note} ({tr(column.pattern_name, lang)})"
    cells = dict.fromkeys(HEADER, "")
    cells.update(
        {
            HEADER[0]: field.name,
            HEADER[1]: field.form,
            HEADER[3]: field.field_type,
            HEADER[4]: _label(field, lang),
            HEADER[5]: _choices(field, lang),
            HEADER[6]: note,
            HEADER[7]: field.validation,
            HEADER[8]: low or "",
            HEADER[9]: high or "",
            HEADER[12]: "y" if field.required else "",
            HEADER[17]: f"iectox {field.table}.{column.name}",
        }
    )
    return cells


def dictionary_frame(lang: str = "en") -> pd.DataFrame:
    """The data dictionary, one row per field, in REDCap's columns; each instrument opens with a section
    header that says what one instance is ("One row per dose of a drug given to manage a toxicity.")."""
    rows = [_row(field, lang) for field in FIELDS]
    seen: set[str] = set()
    for field, row in zip(FIELDS, rows, strict=True):
        if field.form not in seen:
            seen.add(field.form)
            row[HEADER[2]] = tr(CONTRACT.table(field.table).description, lang)
    return pd.DataFrame(rows, columns=list(HEADER))


def repeating_frame() -> pd.DataFrame:
    """The repeating instruments, in REDCap's upload format for a classic (non-longitudinal) project."""
    return pd.DataFrame(
        {"form_name": list(REPEATING_FORMS), "custom_form_label": ["" for _ in REPEATING_FORMS]},
    )


def repeating_path(path: Path) -> Path:
    """Where the repeating instruments are written beside the dictionary `path`."""
    return path.with_name(f"{path.stem}_repeating_instruments.csv")


def write_dictionary(path: str | Path, lang: str = "en") -> tuple[Path, Path]:
    """Write the data dictionary at `path` and the repeating instruments beside it; both paths. Both are
    refused (`OutputRefused`: a file iectox did not write) before either is written."""
    path = Path(path)
    for each in (path, repeating_path(path)):
        check_output_file(each)
    write_csv(dictionary_frame(lang), path)
    return path, write_csv(repeating_frame(), repeating_path(path))


# -- reading a dictionary back ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ProjectDictionary:
    """A checked dictionary: for each field with choices, its choice labels (as written) -> REDCap code; and
    each field's (name, label), in the dictionary's order."""

    path: str
    labels: Mapping[str, Mapping[str, str]]
    field_labels: tuple[tuple[str, str], ...] = ()


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value).strip()


def _parse_choices(text: str) -> dict[str, str]:
    """REDCap's "code, label | code, label": code -> label."""
    choices: dict[str, str] = {}
    for part in text.split("|"):
        if part.strip():
            code, _, label = part.partition(",")
            choices[code.strip()] = label.strip()
    return choices


def _mismatch(path: str, field: str, what: str, found: str, expected: str) -> SourceError:
    return SourceError(
        path,
        N_(
            "does not describe the iectox project: field {field}, {what_text}: '{found}' where the contract "
            "gives '{expected}'; write it again with `iectox redcap dictionary`"
        ),
        field=field,
        what_text=what,
        found=found,
        expected=expected,
    )


def _check_field(path: str, field: Field, cells: Mapping[str, str]) -> dict[str, str]:
    checks = (
        (N_("form"), cells[HEADER[1]], field.form),
        (N_("type"), cells[HEADER[3]], field.field_type),
        (N_("validation"), cells[HEADER[7]], field.validation),
    )
    for what, found, expected in checks:
        if found != expected:
            raise _mismatch(path, field.name, what, found, expected)
    choices = _parse_choices(cells[HEADER[5]])
    expected_codes = list(field.choices)
    if list(choices) != expected_codes:
        raise _mismatch(path, field.name, N_("choices"), ", ".join(choices), ", ".join(expected_codes))
    return {label: code for code, label in choices.items()}


def read_dictionary(path: str | Path, shown_as: str | None = None) -> ProjectDictionary:
    """The dictionary at `path` (as the "Data Dictionary" page or the API's metadata export writes it),
    checked against the contract's project; `SourceError` at the first difference (a missing, extra or
    changed field). `shown_as` names the file in messages (a server's metadata, kept in a temporary file)."""
    raw = read_csv_table(Path(path))
    where = shown_as or str(path)
    if raw.issues:
        raise SourceError(
            where, N_("cannot be read as a REDCap data dictionary: {problem}"), problem=raw.issues[0].message
        )
    header = [header_key(name) for name in raw.frame.columns[: len(HEADER)]]
    if header not in ([header_key(name) for name in HEADER], list(API_HEADER)):
        raise SourceError(
            where,
            N_("is not a REDCap data dictionary: its first line must be REDCap's columns ({columns})"),
            columns=", ".join(HEADER[:5]) + ", ...",
        )
    rows = [
        {name: _text(value) for name, value in zip(HEADER, row, strict=False)}
        for row in raw.frame.itertuples(index=False)
    ]
    labels: dict[str, dict[str, str]] = {}
    seen: list[str] = []
    for cells in rows:
        name = cells[HEADER[0]]
        field = FIELDS_BY_NAME.get(name)
        if field is None:
            raise SourceError(
                where,
                N_("does not describe the iectox project: it has a field {field} that the contract does not"),
                field=name,
            )
        seen.append(name)
        choices = _check_field(where, field, cells)
        if choices:
            labels[name] = MappingProxyType(choices)
    missing = [field.name for field in FIELDS if field.name not in seen]
    if missing:
        raise SourceError(
            where, N_("does not describe the iectox project: field {field} is missing"), field=missing[0]
        )
    field_labels = tuple((cells[HEADER[0]], cells[HEADER[4]]) for cells in rows)
    return ProjectDictionary(where, MappingProxyType(labels), field_labels)


__all__ = [
    "ProjectDictionary",
    "dictionary_frame",
    "read_dictionary",
    "repeating_frame",
    "write_dictionary",
]
