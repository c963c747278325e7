"""The study spec: a TOML file that says what a study compares, how, and against which published values.

[study]      title, period, reference (a summary-table/1 file of published values), language
[cohorts]    by (a column of the analysis table), order, labels
[analysis]   settings of the derived columns (grading scale, corticosteroid window...)
[tests]      preset (iectox, gtsummary, r_tableone, py_tableone) and overrides, p_digits, digits
[management] pathway ("iectox:default" or a pathway TOML relative to the spec): audit the management of
             CRS and ICANS against it (`iectox.management.audit`); no section, no audit
[[tables]]   id, title, variables = [{ name, label, kind, summary, test, levels, level_labels,
             among, top, reference }, ...]
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from iectox.analysis import BY_NAME, AnalysisSettings
from iectox.errors import SpecError
from iectox.management.pathway import Pathway, default_pathway, load_pathway
from iectox.published import SummaryTable, read_summary_table, seed_table
from iectox.stats.policy import PRESETS, TestPolicy
from iectox.stats.variables import Variable

VARIABLE_KEYS = {
    "name",
    "label",
    "kind",
    "summary",
    "test",
    "levels",
    "level_labels",
    "among",
    "top",
    "reference",
    "severe_from",
}


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
    policy: TestPolicy
    digits: int
    p_digits: int
    tables: tuple[TableSpec, ...]
    management: str | None = None  # the pathway to audit against: "iectox:default" or a path; None: no audit


DEFAULT_PATHWAY = "iectox:default"


def _fail(path: Path, where: str, message: str) -> SpecError:
    return SpecError(f"{path}: {where}: {message}")


def _levels(raw: list[Any] | None) -> tuple[object, ...] | None:
    """TOML has no booleans-as-keys: levels 'true'/'false' name the values of yes/no columns."""
    if raw is None:
        return None
    return tuple({"true": True, "false": False}.get(v, v) if isinstance(v, str) else v for v in raw)


def _variable(entry: dict[str, Any], path: Path, where: str) -> tuple[Variable, str | None]:
    unknown = set(entry) - VARIABLE_KEYS
    if unknown:
        raise _fail(
            path,
            where,
            f"unknown key(s) {', '.join(sorted(unknown))}; allowed: {', '.join(sorted(VARIABLE_KEYS))}",
        )
    if "name" not in entry:
        raise _fail(path, where, "a variable needs a name")
    name = entry["name"]
    derived = BY_NAME.get(name)
    if derived is None:
        raise _fail(
            path, where, f"'{name}' is not a column of the analysis table (see docs/analysis_columns.md)"
        )
    labels = {({"true": True, "false": False}.get(k, k)): v for k, v in entry.get("level_labels", {}).items()}
    if derived.kind == "boolean" and not labels:
        labels = {True: "Yes", False: "No"}
    if derived.vocabulary is not None:
        labels = {**{t.code: t.label for t in derived.vocabulary.terms}, **labels}
    levels = _levels(entry.get("levels")) or ((True, False) if derived.kind == "boolean" else None)
    kind = entry.get("kind") or {"continuous": "continuous", "ordinal": "toxicity"}.get(
        derived.kind, "categorical"
    )
    unit = f" ({derived.unit})" if derived.unit else ""
    variable = Variable(
        name=name,
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
    section = doc["management"]
    unknown = set(section) - {"pathway"}
    if unknown:
        raise _fail(path, "[management]", f"unknown key(s) {', '.join(sorted(unknown))}; allowed: pathway")
    pathway = section.get("pathway", DEFAULT_PATHWAY)
    if not isinstance(pathway, str) or not pathway:
        raise _fail(path, "[management] pathway", f"{pathway!r} should be {DEFAULT_PATHWAY!r} or a file")
    if pathway.startswith("iectox:"):
        if pathway != DEFAULT_PATHWAY:
            raise _fail(path, "[management] pathway", f"'{pathway}' is unknown; use {DEFAULT_PATHWAY!r}")
        return pathway
    return str(path.parent / pathway)


def seed_study() -> StudySpec:
    """The seed study's spec, shipped with iectox (also at examples/seed_study/study.toml)."""
    with resources.as_file(resources.files("iectox").joinpath("data", "seed", "study.toml")) as path:
        return load_study(path)


def load_study(path: str | Path) -> StudySpec:
    path = Path(path)
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SpecError(f"{path}: cannot be read as TOML ({exc})") from exc
    study, cohorts, tests = doc.get("study", {}), doc.get("cohorts", {}), doc.get("tests", {})
    preset = tests.get("preset", "iectox")
    if preset not in PRESETS:
        raise _fail(path, "[tests] preset", f"'{preset}' is not one of {', '.join(PRESETS)}")
    overrides = {k: v for k, v in tests.items() if k not in ("preset", "digits", "p_digits")}
    try:
        policy = PRESETS[preset].with_(**overrides)
        analysis = AnalysisSettings(**doc.get("analysis", {}))
    except TypeError as exc:
        raise _fail(path, "[tests] or [analysis]", str(exc)) from exc
    tables = []
    for i, table in enumerate(doc.get("tables", []), start=1):
        where = f"[[tables]] #{i} ({table.get('id', '?')})"
        parsed = [
            _variable(v, path, f"{where}, variable #{j}") for j, v in enumerate(table.get("variables", []), 1)
        ]
        tables.append(
            TableSpec(
                id=table.get("id", f"table{i}"),
                title=table.get("title", f"Table {i}"),
                variables=tuple(v for v, _ in parsed),
                references=MappingProxyType({v.name: ref for v, ref in parsed if ref}),
            )
        )
    period = study.get("period")
    reference = study.get("reference")
    return StudySpec(
        title=study.get("title", path.stem),
        path=path,
        period=(date.fromisoformat(str(period[0])), date.fromisoformat(str(period[1]))) if period else None,
        reference=reference
        if reference is None or reference.startswith("iectox:")
        else str(path.parent / reference),
        language=study.get("language", "en"),
        by=cohorts.get("by", "cohort"),
        order=tuple(cohorts["order"]) if "order" in cohorts else None,
        labels=MappingProxyType(dict(cohorts.get("labels", {}))),
        analysis=analysis,
        policy=policy,
        digits=tests.get("digits", 1),
        p_digits=tests.get("p_digits", 3),
        tables=tuple(tables),
        management=_management(doc, path),
    )
