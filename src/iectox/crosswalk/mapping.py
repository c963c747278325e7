"""A registry form's crosswalk, read from its data file: which question each field is, and what fills it.

A crosswalk is data, not code (`iectox/data/crosswalks/<form>.toml`, docs/crosswalks.md): the form, its
version and where that was read, then one `[[fields]]` entry per question, each naming the contract column it
reads (`source`, "table.column"), the `rule` that turns the infusion's rows into the form's answer, and the
form's codes for iectox's values. The rules are the only code (`RULES`, applied by `iectox.crosswalk.fill`),
so a registry is added by adding a file. Everything a file says is checked here, before any data is read: an
unknown key, rule, column, syndrome, scale, drug or code is a `SpecError` naming the file and the key.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from iectox.errors import SpecError
from iectox.grading.agreement import STATUS_COLUMN as INFUSION_STATUS
from iectox.i18n import N_
from iectox.io.settings_file import read_toml
from iectox.schema import CONTRACT
from iectox.schema.vocabularies import DRUG, GRADING_SCALE, TOXICITY_STATUS

CROSSWALKS = Path(__file__).resolve().parents[1] / "data" / "crosswalks"
UNCONFIRMED = N_("unconfirmed")  # a question number, code or version the sources did not confirm
SYNDROMES = tuple(INFUSION_STATUS)  # the syndromes iectox grades, each with its status column
STATUS_COLUMN = {syndrome: f"infusions.{column}" for syndrome, column in INFUSION_STATUS.items()}
ANSWERS = TOXICITY_STATUS.codes  # yes, no, unknown: what the yes/no rules answer before the form's codes


@dataclass(frozen=True)
class Rule:
    """How a field is filled: the contract columns it may read and the values its codes may translate."""

    id: str
    sources: tuple[str, ...]
    coded: tuple[str, ...]  # the iectox values a field's `codes` may name; () = the field takes no codes
    description: str


RULES: Mapping[str, Rule] = {
    rule.id: rule
    for rule in (
        Rule(
            "occurred",
            tuple(STATUS_COLUMN.values()),
            ANSWERS,
            "yes when the status is yes or an episode is recorded; no when the status is no, or blank without "
            "an episode; unknown when the status is unknown",
        ),
        Rule("first_date", ("toxicity_episodes.onset_at",), (), "the day of the earliest onset"),
        Rule(
            "last_date",
            ("toxicity_episodes.resolved_at",),
            (),
            "the day of the latest resolution, when every episode is resolved",
        ),
        Rule(
            "resolved",
            ("toxicity_episodes.outcome",),
            ANSWERS,
            "yes when every episode is resolved, no when one is ongoing or ended in death, else unknown",
        ),
        Rule(
            "max_grade",
            ("toxicity_episodes.max_grade",),
            (),
            "the highest recorded grade on the first of the field's scales that has one",
        ),
        Rule(
            "scale",
            ("toxicity_episodes.grading_scale",),
            GRADING_SCALE.codes,
            "the scale of the grade a max_grade field reports",
        ),
        Rule(
            "drug_given",
            ("administrations.drug",),
            ANSWERS,
            "yes when one of the field's drugs was given for the syndrome, else no",
        ),
        Rule(
            "therapy_given",
            ("administrations.reason",),
            ANSWERS,
            "yes when any drug was given for the syndrome, else no",
        ),
    )
}

FORM_KEYS = {"id", "name", "registry", "version", "source", "consulted", "note"}
FIELD_KEYS = {"id", "question", "label", "syndrome", "rule", "source", "codes", "scales", "drugs", "note"}


@dataclass(frozen=True)
class Field:
    """One question of the form: its column in the export, its number and wording on the form, and how it is
    filled."""

    id: str
    question: str
    label: str
    syndrome: str
    rule: str
    source: str
    codes: Mapping[str, str]
    scales: tuple[str, ...] = ()
    drugs: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class Form:
    """A registry form: its id (the file's name), name, registry, version and provenance, and its fields."""

    id: str
    name: str
    registry: str
    version: str
    source: str
    consulted: str
    fields: tuple[Field, ...]
    file: str
    note: str = ""


def _fail(path: Path, key: str, message: str, value: object, allowed: tuple[object, ...] = ()) -> SpecError:
    return SpecError(f"{path}: {key}: {message}", file=str(path), key=key, value=value, allowed=allowed)


def _hint(value: object, allowed: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(str(value), list(allowed), n=1)
    return f"; did you mean '{close[0]}'?" if close else ""


def _known_keys(path: Path, where: str, section: Mapping[str, Any], allowed: set[str]) -> None:
    for key in section:
        if key not in allowed:
            names = tuple(sorted(allowed))
            raise _fail(
                path,
                f"{where}.{key}",
                f"unknown key{_hint(key, names)} (allowed: {', '.join(names)})",
                key,
                names,
            )


def _text(path: Path, where: str, section: Mapping[str, Any], key: str, required: bool = True) -> str:
    value = section.get(key, None if required else "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise _fail(path, f"{where}.{key}", "must be a text", value, ("a text",))
    return value


def _one_of(path: Path, key: str, value: object, allowed: tuple[str, ...], what: str) -> str:
    if not isinstance(value, str) or value not in allowed:
        raise _fail(
            path,
            key,
            f"{value!r} is not {what}{_hint(value, allowed)} (allowed: {', '.join(allowed)})",
            value,
            allowed,
        )
    return value


def _texts(path: Path, key: str, value: object, allowed: tuple[str, ...], what: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise _fail(path, key, f"must be a list of {what}", value, allowed)
    return tuple(_one_of(path, key, item, allowed, what) for item in value)


def _source_column(path: Path, key: str, value: object, rule: Rule) -> str:
    """`value` if it is a "table.column" of the contract that `rule` reads."""
    text = str(value)
    table, _, column = text.partition(".")
    if table not in CONTRACT.table_names or column not in CONTRACT.table(table).column_names:
        columns = tuple(f"{t.name}.{c}" for t in CONTRACT.tables for c in t.column_names)
        raise _fail(
            path, key, f"{value!r} is not a column of the dataset{_hint(value, columns)}", value, columns
        )
    return _one_of(path, key, text, rule.sources, f"a column the rule '{rule.id}' reads")


def _codes(path: Path, key: str, value: object, rule: Rule) -> dict[str, str]:
    if value is None:
        return {}
    if not rule.coded:
        raise _fail(path, key, f"the rule '{rule.id}' writes its value as it is and takes no codes", value)
    if not isinstance(value, dict):
        raise _fail(path, key, "must be a table of iectox value = form code", value, rule.coded)
    codes = {}
    for code, answer in value.items():
        _one_of(path, f"{key}.{code}", code, rule.coded, f"a value the rule '{rule.id}' gives")
        if not isinstance(answer, str):
            raise _fail(path, f"{key}.{code}", "the form's code must be a text", answer, ("a text",))
        codes[code] = answer
    return codes


def _field(path: Path, index: int, entry: object) -> Field:
    where = f"fields[{index}]"
    if not isinstance(entry, dict):
        raise _fail(path, where, "must be a table", entry, ("a table",))
    _known_keys(path, where, entry, FIELD_KEYS)
    rule = RULES[_one_of(path, f"{where}.rule", entry.get("rule"), tuple(RULES), "a rule")]
    syndrome = _one_of(
        path, f"{where}.syndrome", entry.get("syndrome"), SYNDROMES, "a syndrome iectox grades"
    )
    source = _source_column(path, f"{where}.source", entry.get("source"), rule)
    if rule.id == "occurred" and source != STATUS_COLUMN[syndrome]:
        raise _fail(
            path, f"{where}.source", f"{syndrome} occurrence is read from {STATUS_COLUMN[syndrome]}", source
        )
    scales: tuple[str, ...] = ()
    if rule.id in ("max_grade", "scale"):
        scales = _texts(path, f"{where}.scales", entry.get("scales"), GRADING_SCALE.codes, "a grading scale")
    elif "scales" in entry:
        raise _fail(path, f"{where}.scales", f"the rule '{rule.id}' takes no scales", entry["scales"])
    drugs: tuple[str, ...] = ()
    if rule.id == "drug_given":
        drugs = _texts(path, f"{where}.drugs", entry.get("drugs"), DRUG.codes, "a drug of the dataset")
    elif "drugs" in entry:
        raise _fail(path, f"{where}.drugs", f"the rule '{rule.id}' takes no drugs", entry["drugs"])
    return Field(
        id=_text(path, where, entry, "id"),
        question=_text(path, where, entry, "question"),
        label=_text(path, where, entry, "label"),
        syndrome=syndrome,
        rule=rule.id,
        source=source,
        codes=_codes(path, f"{where}.codes", entry.get("codes"), rule),
        scales=scales,
        drugs=drugs,
        note=_text(path, where, entry, "note", required=False),
    )


def load_form(path: str | Path) -> Form:
    """The form described by the crosswalk file at `path`, every key checked (module docstring)."""
    path = Path(path)
    doc = read_toml(path, "crosswalk file")
    _known_keys(path, "file", doc, {"form", "fields"})
    form = doc.get("form")
    if not isinstance(form, dict):
        raise _fail(path, "form", "the file needs a [form] table (id, name, registry, version, source)", form)
    _known_keys(path, "form", form, FORM_KEYS)
    entries = doc.get("fields")
    if not isinstance(entries, list) or not entries:
        raise _fail(path, "fields", "the file needs [[fields]] entries, one per question", entries)
    fields = tuple(_field(path, i, entry) for i, entry in enumerate(entries))
    seen: set[str] = set()
    for i, field in enumerate(fields):
        if field.id in seen or field.id in ("patient_id", "infusion_id"):
            raise _fail(path, f"fields[{i}].id", f"'{field.id}' names two columns of the export", field.id)
        seen.add(field.id)
    form_id = _text(path, "form", form, "id")
    if form_id != path.stem:
        raise _fail(
            path, "form.id", f"'{form_id}' must be the file's name, '{path.stem}'", form_id, (path.stem,)
        )
    return Form(
        id=form_id,
        name=_text(path, "form", form, "name"),
        registry=_text(path, "form", form, "registry"),
        version=_text(path, "form", form, "version"),
        source=_text(path, "form", form, "source"),
        consulted=_text(path, "form", form, "consulted"),
        fields=fields,
        file=str(path),
        note=_text(path, "form", form, "note", required=False),
    )


def registry_forms() -> tuple[str, ...]:
    """The forms iectox ships a crosswalk for: the names of the files in `iectox/data/crosswalks/`."""
    return tuple(sorted(path.stem for path in CROSSWALKS.glob("*.toml")))


def shipped_form(form_id: str) -> Form:
    """The shipped crosswalk named `form_id`; an unknown name is a `SpecError` listing the known ones."""
    known = registry_forms()
    if form_id not in known:
        raise SpecError(
            f"--registry: '{form_id}' is not a registry form{_hint(form_id, known)} (known: {', '.join(known)})",
            key="registry",
            value=form_id,
            allowed=known,
        )
    return load_form(CROSSWALKS / f"{form_id}.toml")
