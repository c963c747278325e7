"""The study spec: a TOML file that says what a study compares, how, and against which published values.

[study]      title, period, reference (a summary-table/1 file of published values), language
[cohorts]    by (a column of the analysis table), order, labels
[analysis]   settings of the derived columns (grading scale, corticosteroid window...)
[tests]      preset (iectox, gtsummary, r_tableone, py_tableone) and overrides, p_digits, digits
[management] pathway ("iectox:default" or a pathway TOML relative to the spec): audit the management of
             CRS and ICANS against it (`iectox.management.audit`); no section, no audit
[[tables]]   id, title, variables = [{ name, label, kind, summary, test, levels, level_labels,
             among, top, reference }, ...]

Every key is checked when the file is read (`load_study`): an unknown key, a wrong type, a column that is not
in the analysis table, a kind, summary, preset or level that does not exist is a `SpecError` naming the file,
the key, the value and what is allowed. Levels of columns whose values come from the data are checked when
the study runs (`iectox.study.levels`).
"""

from __future__ import annotations

import contextlib
import tomllib
import typing
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from iectox.analysis import BY_NAME, AnalysisSettings, Derived
from iectox.errors import SpecError
from iectox.i18n import LANGUAGES
from iectox.management.pathway import Pathway, default_pathway, load_pathway
from iectox.published import SummaryTable, read_summary_table, seed_table
from iectox.stats.policy import PRESETS, MethodPolicy
from iectox.stats.variables import Kind as VariableKind
from iectox.stats.variables import Summary, Variable
from iectox.study.reading import choice, dataclass_fields, not_allowed, table, typed

VARIABLE_KEYS: dict[str, type | tuple[type, ...]] = {
    "name": str,
    "label": str,
    "kind": str,
    "summary": str,
    "test": str,
    "levels": list,
    "level_labels": dict,
    "among": str,
    "top": int,
    "reference": str,
    "severe_from": int,
}
SECTIONS = ("study", "cohorts", "analysis", "management", "tests", "tables")
STUDY_KEYS: dict[str, type | tuple[type, ...]] = {
    "title": str,
    "period": list,
    "reference": str,
    "language": str,
}
COHORT_KEYS: dict[str, type | tuple[type, ...]] = {"by": str, "order": list, "labels": dict}
TABLE_KEYS: dict[str, type | tuple[type, ...]] = {"id": str, "title": str, "variables": list}
TEST_KEYS = ("preset", "digits", "p_digits")
COHORT_KINDS = ("categorical", "boolean", "ordinal")  # a column whose values name groups
KINDS = typing.get_args(VariableKind)
SUMMARIES = typing.get_args(Summary)
BOOLEAN_WORDS = {"true": True, "false": False}


@dataclass(frozen=True)
class TableSpec:
    id: str
    title: str
    variables: tuple[Variable, ...]
    references: MappingProxyType = field(
        default_factory=lambda: MappingProxyType({})
    )  # variable -> published


@dataclass(frozen=True)
class StudySpec:
    title: str
    path: Path | None
    period: tuple[date, date] | None
    reference: str | None  # a summary-table/1 path (relative to the spec) or "iectox:seed"
    language: str
    by: str
    order: tuple[str, ...] | None
    labels: MappingProxyType
    analysis: AnalysisSettings
    policy: MethodPolicy
    digits: int
    p_digits: int
    tables: tuple[TableSpec, ...]
    management: str | None = None  # the pathway to audit against: "iectox:default" or a path; None: no audit


DEFAULT_PATHWAY = "iectox:default"


def _fail(path: Path, where: str, message: str) -> SpecError:
    return SpecError(f"{path}: {where}: {message}", file=str(path), key=where)


def _column(path: Path, key: str, name: object) -> Derived:
    """The analysis-table column a key names."""
    name = typed(path, key, name, str)
    if name not in BY_NAME:
        raise not_allowed(
            path, key, name, BY_NAME, "a column of the analysis table (see docs/analysis_columns.md)"
        )
    return BY_NAME[name]


def _level(path: Path, key: str, column: Derived, raw: object) -> object:
    """One level of a column as the data holds it, checked now when the column's values are known in advance.

    TOML has no booleans-as-keys: levels 'true'/'false' name the values of yes/no columns. Levels of a column
    with neither a vocabulary nor yes/no values are checked against the data when the study runs.
    """
    value = BOOLEAN_WORDS.get(raw, raw) if isinstance(raw, str) else raw
    if column.kind == "boolean":
        return (
            choice(path, key, value, (True, False))
            if isinstance(value, bool)
            else choice(path, key, raw, BOOLEAN_WORDS)
        )
    if column.vocabulary is not None:  # a code, or a label or synonym of one ("Clinical trial")
        code = column.vocabulary.normalise(typed(path, key, value, str))
        return choice(path, key, value if code is None else code, column.vocabulary.codes)
    if column.kind in ("ordinal", "continuous"):
        if isinstance(value, str):  # a TOML key, e.g. level_labels = { 3 = "Grade 3" }; text is refused below
            with contextlib.suppress(ValueError):
                value = float(value) if "." in value else int(value)
        return typed(path, key, value, (int, float))
    return typed(path, key, value, str)


def _levels(path: Path, key: str, column: Derived, raw: list[Any] | None) -> tuple[object, ...] | None:
    if raw is None:
        return None
    return tuple(_level(path, f"{key} #{i}", column, v) for i, v in enumerate(typed(path, key, raw, list), 1))


def _level_labels(path: Path, key: str, column: Derived, raw: dict[str, Any]) -> dict[object, str]:
    raw = typed(path, key, raw, dict)
    return {_level(path, f"{key} {k}", column, k): typed(path, f"{key} {k}", v, str) for k, v in raw.items()}


def _variable(entry: object, path: Path, where: str) -> tuple[Variable, str | None]:
    entry = table(path, where, entry, VARIABLE_KEYS)
    if "name" not in entry:
        raise _fail(path, where, "a variable needs a name")
    derived = _column(path, f"{where} name", entry["name"])
    where = f"{where} ({derived.name})"
    for key, expected in VARIABLE_KEYS.items():
        if key in entry:
            typed(path, f"{where} {key}", entry[key], expected)
    if "kind" in entry:
        choice(path, f"{where} kind", entry["kind"], KINDS)
    if "summary" in entry:
        choice(path, f"{where} summary", entry["summary"], SUMMARIES)
    if "among" in entry and _column(path, f"{where} among", entry["among"]).kind != "boolean":
        raise not_allowed(path, f"{where} among", entry["among"], (), "a yes/no column of the analysis table")
    labels = _level_labels(path, f"{where} level_labels", derived, entry.get("level_labels", {}))
    if derived.kind == "boolean" and not labels:
        labels = {True: "Yes", False: "No"}
    if derived.vocabulary is not None:
        labels = {**{t.code: t.label for t in derived.vocabulary.terms}, **labels}
    levels = _levels(path, f"{where} levels", derived, entry.get("levels")) or (
        (True, False) if derived.kind == "boolean" else None
    )
    kind = entry.get("kind") or {"continuous": "continuous", "ordinal": "toxicity"}.get(
        derived.kind, "categorical"
    )
    unit = f" ({derived.unit})" if derived.unit else ""
    variable = Variable(
        name=derived.name,
        label=entry.get("label", derived.label + unit),
        kind=kind,
        levels=levels,
        level_labels=MappingProxyType(labels),
        summary=entry.get("summary"),
        test=entry.get("test"),
        severe_from=entry.get("severe_from", 3),
        top=entry.get("top"),
        among=entry.get("among"),
    )
    return variable, entry.get("reference")


def load_reference(spec: StudySpec) -> SummaryTable | None:
    """The published values the study is checked against, if it names any."""
    if spec.reference is None:
        return None
    if spec.reference == "iectox:seed":
        return seed_table()
    return read_summary_table(spec.reference)


def load_management_pathway(spec: StudySpec) -> Pathway | None:
    """The pathway the study's management is audited against, if its spec has a [management] section."""
    if spec.management is None:
        return None
    if spec.management == DEFAULT_PATHWAY:
        return default_pathway()
    return load_pathway(spec.management)


def _management(doc: dict[str, Any], path: Path) -> str | None:
    if "management" not in doc:
        return None
    section = table(path, "[management]", doc["management"], ("pathway",))
    pathway = section.get("pathway", DEFAULT_PATHWAY)
    if not isinstance(pathway, str) or not pathway:
        raise _fail(path, "[management] pathway", f"{pathway!r} should be {DEFAULT_PATHWAY!r} or a file")
    if pathway.startswith("iectox:"):
        return choice(path, "[management] pathway", pathway, (DEFAULT_PATHWAY,))
    return str(path.parent / pathway)


def _period(path: Path, raw: object) -> tuple[date, date] | None:
    if raw is None:
        return None
    key = "[study] period"
    if not isinstance(raw, list) or len(raw) != 2:
        raise _fail(path, key, f"{raw!r} should be two dates, [start, end]")
    try:
        start, end = (v if isinstance(v, date) else date.fromisoformat(str(v)) for v in raw)
    except ValueError as exc:
        raise _fail(path, key, f"{raw!r} should be two dates (YYYY-MM-DD): {exc}") from exc
    if end < start:
        raise _fail(path, key, f"the period ends ({end}) before it starts ({start})")
    return start, end


def _cohorts(path: Path, raw: object) -> tuple[str, tuple[object, ...] | None, dict[object, str]]:
    """The grouping column, its groups in order and their labels; groups are checked against the column's
    vocabulary now, or against the data when the study runs."""
    cohorts = table(path, "[cohorts]", raw, COHORT_KEYS)
    column = _column(path, "[cohorts] by", cohorts.get("by", "cohort"))
    if column.kind not in COHORT_KINDS:
        raise not_allowed(
            path, "[cohorts] by", column.name, (), f"a column whose values name groups ({column.kind})"
        )
    order = _levels(path, "[cohorts] order", column, cohorts.get("order"))
    labels = _level_labels(path, "[cohorts] labels", column, cohorts.get("labels", {}))
    return column.name, order, labels


def _tests(path: Path, raw: object) -> tuple[MethodPolicy, int, int]:
    overridable = [f for f in MethodPolicy.__dataclass_fields__ if f != "name"]
    tests = table(path, "[tests]", raw, (*TEST_KEYS, *overridable))
    preset = choice(
        path, "[tests] preset", typed(path, "[tests] preset", tests.get("preset", "iectox"), str), PRESETS
    )
    overrides = dataclass_fields(path, "[tests]", tests, MethodPolicy, exclude=("name",))
    digits = typed(path, "[tests] digits", tests.get("digits", 1), int)
    p_digits = typed(path, "[tests] p_digits", tests.get("p_digits", 3), int)
    return PRESETS[preset].with_(**overrides), digits, p_digits


def _analysis(path: Path, raw: object) -> AnalysisSettings:
    analysis = table(path, "[analysis]", raw, AnalysisSettings.__dataclass_fields__)
    return AnalysisSettings(**dataclass_fields(path, "[analysis]", analysis, AnalysisSettings))


def _table(path: Path, i: int, raw: object) -> TableSpec:
    entry = table(path, f"[[tables]] #{i}", raw, TABLE_KEYS)
    where = f"[[tables]] #{i} ({entry.get('id', '?')})"
    for key, expected in TABLE_KEYS.items():
        if key in entry:
            typed(path, f"{where} {key}", entry[key], expected)
    parsed = [
        _variable(v, path, f"{where}, variable #{j}") for j, v in enumerate(entry.get("variables", []), 1)
    ]
    return TableSpec(
        id=entry.get("id", f"table{i}"),
        title=entry.get("title", f"Table {i}"),
        variables=tuple(v for v, _ in parsed),
        references=MappingProxyType({v.name: ref for v, ref in parsed if ref}),
    )


def seed_study() -> StudySpec:
    """The seed study's spec, shipped with iectox (also at examples/seed_study/study.toml)."""
    with resources.as_file(resources.files("iectox").joinpath("data", "seed", "study.toml")) as path:
        return load_study(path)


def load_study(path: str | Path) -> StudySpec:
    """The study file, every key checked: a `SpecError` names the file, the key, the value and what is allowed."""
    path = Path(path)
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SpecError(f"{path}: cannot be read as TOML ({exc})", file=str(path)) from exc
    table(path, "the study file", doc, SECTIONS)
    study = table(path, "[study]", doc.get("study", {}), STUDY_KEYS)
    for key, expected in STUDY_KEYS.items():
        if key in study:
            typed(path, f"[study] {key}", study[key], expected)
    by, order, labels = _cohorts(path, doc.get("cohorts", {}))
    policy, digits, p_digits = _tests(path, doc.get("tests", {}))
    tables = typed(path, "[[tables]]", doc.get("tables", []), list)
    reference = study.get("reference")
    return StudySpec(
        title=study.get("title", path.stem),
        path=path,
        period=_period(path, study.get("period")),
        reference=reference
        if reference is None or reference.startswith("iectox:")
        else str(path.parent / reference),
        language=choice(path, "[study] language", study.get("language", "en"), LANGUAGES),
        by=by,
        order=order,
        labels=MappingProxyType(labels),
        analysis=_analysis(path, doc.get("analysis", {})),
        policy=policy,
        digits=digits,
        p_digits=p_digits,
        tables=tuple(_table(path, i, t) for i, t in enumerate(tables, 1)),
        management=_management(doc, path),
    )
