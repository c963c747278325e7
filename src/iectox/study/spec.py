"""The study spec: a TOML file that says what a study compares, how, and against which published values.

[study]      title, period, reference (a summary-table/1 file of published values), language
[cohorts]    by (a column of the analysis table), order, labels, therapy_class (the cohorts hold only the
             infusions of this class, "CAR-T" or "BsAb"; the others are reported apart: `iectox.study.population`)
[analysis]   settings of the derived columns (grading scale, corticosteroid window...)
[tests]      preset (iectox, gtsummary, r_tableone, py_tableone) and overrides, p_digits, digits
[management] pathway ("iectox:default" or a pathway TOML relative to the spec): audit the management of
             CRS and ICANS against it (`iectox.management.audit`); no section, no audit
[adjusted]   reference, covariates, logistic, weighted, estimand, unit: regression tables and propensity-score
             weighted comparisons of the cohorts (`iectox.study.adjusted`); no section, none
[[tables]]   id, title, strata (categorical variables tested within a column's strata), variables =
             [{ name, label, kind, summary, test, levels, level_labels, among, top, reference }, ...]
[adverse_events] title, per ("infusion" or "patient"), toxicities: the adverse-event table
             (`iectox.study.adverse_events`); no section, no table

Every key is checked when the file is read (`load_study`): an unknown key, a wrong type, a number out of its
range, a column that is not in the analysis table, a kind, summary, test, preset or level that does not exist,
a published table or pathway file that cannot be read is a `SpecError` naming the file, the key, the value and
what is allowed. The file itself is read safely (`iectox.io.settings_file`: no folder, device, huge or
non-UTF-8 file). Levels of columns whose values come from the data are checked when the study runs
(`iectox.study.levels`); variables are read by `iectox.study.variables`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from iectox.analysis import AnalysisSettings
from iectox.errors import SpecError
from iectox.i18n import LANGUAGES
from iectox.io.settings_file import read_toml
from iectox.management.pathway import Pathway, default_pathway, load_pathway
from iectox.published import SummaryTable, read_summary_table, seed_table
from iectox.schema.therapies import THERAPY_CLASSES
from iectox.schema.vocabularies import GRADING_SCALE
from iectox.stats.policy import PRESETS, MethodPolicy
from iectox.stats.variables import Variable
from iectox.study.adjusted import AdjustedSpec, adjusted_spec
from iectox.study.adverse_events import AdverseEventSpec, read_adverse_events
from iectox.study.reading import choice, dataclass_fields, non_empty, not_allowed, table, typed, within
from iectox.study.variables import column, level_labels, levels, variable

SECTIONS = ("study", "cohorts", "analysis", "management", "tests", "adjusted", "tables", "adverse_events")
STUDY_KEYS: dict[str, type | tuple[type, ...]] = {
    "title": str,
    "period": list,
    "reference": str,
    "language": str,
}
COHORT_KEYS: dict[str, type | tuple[type, ...]] = {
    "by": str,
    "order": list,
    "labels": dict,
    "therapy_class": str,
}
TABLE_KEYS: dict[str, type | tuple[type, ...]] = {"id": str, "title": str, "variables": list, "strata": str}
STRATA_KINDS = ("categorical",)  # a column whose values name strata: centre, product, therapy class
TEST_KEYS = ("preset", "digits", "p_digits")
COHORT_KINDS = ("categorical", "boolean", "ordinal")  # a column whose values name groups
SEED_REFERENCE = "iectox:seed"
DIGITS = (0, 6)  # decimals of counts' percentages, means, SDs
P_DIGITS = (1, 6)  # decimals of p-values
FISHER_BELOW = (0, 100)  # an expected count below this switches to Fisher's exact test
STEROID_WINDOW_H = (0, 720)  # hours after a CRS episode in which a corticosteroid counts as concomitant


@dataclass(frozen=True)
class TableSpec:
    id: str
    title: str
    variables: tuple[Variable, ...]
    references: MappingProxyType = field(
        default_factory=lambda: MappingProxyType({})
    )  # variable -> published
    strata: str | None = (
        None  # categorical variables tested within this column's strata (Cochran-Mantel-Haenszel)
    )


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
    adverse_events: AdverseEventSpec | None = None  # the adverse-event table; None: none
    adjusted: AdjustedSpec | None = None  # the adjusted comparisons (`iectox.study.adjusted`); None: none
    therapy_class: str | None = None  # the cohorts' therapy class ("CAR-T", "BsAb"); None: every infusion


DEFAULT_PATHWAY = "iectox:default"


def _fail(path: Path, where: str, message: str, value: object, allowed: str) -> SpecError:
    return SpecError(
        f"{path}: {where}: {message}", file=str(path), key=where, value=value, allowed=(allowed,)
    )


def load_reference(spec: StudySpec) -> SummaryTable | None:
    """The published values the study is checked against, if it names any."""
    if spec.reference is None:
        return None
    if spec.reference == SEED_REFERENCE:
        return seed_table()
    return read_summary_table(spec.reference)


def load_management_pathway(spec: StudySpec) -> Pathway | None:
    """The pathway the study's management is audited against, if its spec has a [management] section."""
    if spec.management is None:
        return None
    if spec.management == DEFAULT_PATHWAY:
        return default_pathway()
    return load_pathway(spec.management)


def _alone(path: Path, key: str, value: str, own: str) -> SpecError:
    """A study sent alone (uploaded to the web application) has no folder of its own: a file it names would be
    looked for among the server's files, so only the one shipped with iectox may be named."""
    return _fail(
        path,
        key,
        f"{value!r} names a file, but this study file was sent alone, without the files beside it; "
        f"only {own!r} (shipped with iectox) can be named",
        value,
        own,
    )


def _management(doc: dict[str, Any], path: Path, alone: bool = False) -> str | None:
    if "management" not in doc:
        return None
    section = table(path, "[management]", doc["management"], ("pathway",))
    pathway = typed(path, "[management] pathway", section.get("pathway", DEFAULT_PATHWAY), str)
    allowed = f"{DEFAULT_PATHWAY!r} or a pathway file"
    if not pathway.strip():
        raise _fail(path, "[management] pathway", f"{pathway!r} should be {allowed}", pathway, allowed)
    if pathway.startswith("iectox:"):
        return choice(path, "[management] pathway", pathway, (DEFAULT_PATHWAY,))
    if alone:
        raise _alone(path, "[management] pathway", pathway, DEFAULT_PATHWAY)
    return str(path.parent / pathway)


def _reference(path: Path, raw: object, alone: bool = False) -> str | None:
    if raw is None:
        return None
    reference = typed(path, "[study] reference", raw, str)
    if not reference.strip():
        allowed = f"{SEED_REFERENCE!r} or a summary-table/1 file"
        raise _fail(path, "[study] reference", f"{reference!r} should be {allowed}", reference, allowed)
    if reference.startswith("iectox:"):
        return choice(path, "[study] reference", reference, (SEED_REFERENCE,))
    if alone:
        raise _alone(path, "[study] reference", reference, SEED_REFERENCE)
    return str(path.parent / reference)


def _files_named(spec: StudySpec, path: Path) -> None:
    """The published table and the pathway a study names are read now: a missing or malformed one stops the
    study before any data is read, with the key that names it."""
    for key, value, load, what in (
        ("[study] reference", spec.reference, load_reference, "a summary-table/1 file"),
        ("[management] pathway", spec.management, load_management_pathway, "a management pathway file"),
    ):
        if value is None or value.startswith("iectox:"):  # none, or shipped with iectox and tested
            continue
        try:
            load(spec)
        except SpecError as exc:
            raise SpecError(
                f"{path}: {key}: {exc}", file=str(path), key=key, value=value, allowed=(what,)
            ) from exc


def _period(path: Path, raw: object) -> tuple[date, date] | None:
    if raw is None:
        return None
    key, allowed = "[study] period", "two dates, [start, end] (YYYY-MM-DD)"
    if not isinstance(raw, list) or len(raw) != 2:
        raise _fail(path, key, f"{raw!r} should be {allowed}", raw, allowed)
    try:
        start, end = (v if isinstance(v, date) else date.fromisoformat(typed(path, key, v, str)) for v in raw)
    except ValueError as exc:
        raise _fail(path, key, f"{raw!r} should be {allowed}: {exc}", raw, allowed) from exc
    if end < start:
        raise _fail(
            path, key, f"the period ends ({end}) before it starts ({start})", raw, "a start before its end"
        )
    return start, end


def _cohorts(path: Path, raw: object) -> tuple[str, tuple[object, ...] | None, dict[object, str], str | None]:
    """The grouping column, its groups in order, their labels and the therapy class they hold; groups are
    checked against the column's vocabulary now, or against the data when the study runs."""
    cohorts = table(path, "[cohorts]", raw, COHORT_KEYS)
    by = column(path, "[cohorts] by", cohorts.get("by", "cohort"))
    if by.kind not in COHORT_KINDS:
        raise not_allowed(path, "[cohorts] by", by.name, (), f"a column whose values name groups ({by.kind})")
    order = levels(path, "[cohorts] order", by, cohorts.get("order"))
    labels = level_labels(path, "[cohorts] labels", by, cohorts.get("labels", {}))
    therapy_class = cohorts.get("therapy_class")
    if therapy_class is not None:
        key = "[cohorts] therapy_class"
        therapy_class = choice(path, key, typed(path, key, therapy_class, str), THERAPY_CLASSES)
    return by.name, order, labels, therapy_class


def _tests(path: Path, raw: object) -> tuple[MethodPolicy, int, int]:
    overridable = [f for f in MethodPolicy.__dataclass_fields__ if f != "name"]
    tests = table(path, "[tests]", raw, (*TEST_KEYS, *overridable))
    preset = choice(
        path, "[tests] preset", typed(path, "[tests] preset", tests.get("preset", "iectox"), str), PRESETS
    )
    overrides = dataclass_fields(path, "[tests]", tests, MethodPolicy, exclude=("name",))
    if "fisher_below" in overrides:
        within(path, "[tests] fisher_below", overrides["fisher_below"], *FISHER_BELOW)
    digits = within(path, "[tests] digits", tests.get("digits", 1), *DIGITS, whole=True)
    p_digits = within(path, "[tests] p_digits", tests.get("p_digits", 3), *P_DIGITS, whole=True)
    return PRESETS[preset].with_(**overrides), digits, p_digits


def _analysis(path: Path, raw: object) -> AnalysisSettings:
    analysis = table(path, "[analysis]", raw, AnalysisSettings.__dataclass_fields__)
    fields = dataclass_fields(path, "[analysis]", analysis, AnalysisSettings)
    if "grading_scale" in fields:
        choice(path, "[analysis] grading_scale", fields["grading_scale"], GRADING_SCALE.codes)
    if "steroid_window_h" in fields:
        within(path, "[analysis] steroid_window_h", fields["steroid_window_h"], *STEROID_WINDOW_H)
    return AnalysisSettings(**fields)


def _table(path: Path, i: int, raw: object, by: str) -> TableSpec:
    entry = table(path, f"[[tables]] #{i}", raw, TABLE_KEYS)
    where = f"[[tables]] #{i} ({entry.get('id', '?')})"
    for key, expected in TABLE_KEYS.items():
        if key in entry:
            typed(path, f"{where} {key}", entry[key], expected)
    strata = _strata(path, f"{where} strata", entry.get("strata"), by)
    listed = non_empty(path, f"{where} variables", entry.get("variables", []), "variable")
    parsed = [
        variable(v, path, f"{where}, variable #{j}", strata is not None) for j, v in enumerate(listed, 1)
    ]
    _unique(path, f"{where} variables", [v.name for v, _ in parsed], "variable")
    return TableSpec(
        id=entry.get("id", f"table{i}"),
        title=entry.get("title", f"Table {i}"),
        variables=tuple(v for v, _ in parsed),
        references=MappingProxyType({v.name: ref for v, ref in parsed if ref}),
        strata=strata,
    )


def _strata(path: Path, key: str, raw: object, by: str) -> str | None:
    """The column a table's categorical variables are stratified by: categories other than the cohorts."""
    if raw is None:
        return None
    strata = column(path, key, raw)
    if strata.kind not in STRATA_KINDS or strata.name == by:
        raise not_allowed(path, key, strata.name, (), f"a categorical column other than the cohorts ({by})")
    return strata.name


def _unique(path: Path, key: str, names: list[str], what: str) -> None:
    """Two tables with one id, or one variable twice in a table, would overwrite each other in the outputs."""
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise _fail(path, key, f"{what} {twice[0]!r} is given twice", twice[0], f"each {what} once")


def seed_study() -> StudySpec:
    """The seed study's spec, shipped with iectox (also at examples/seed_study/study.toml)."""
    with resources.as_file(resources.files("iectox").joinpath("data", "seed", "study.toml")) as path:
        return load_study(path)


def load_study(path: str | Path, alone: bool = False) -> StudySpec:
    """The study file, every key checked: a `SpecError` names the file, the key, the value and what is allowed;
    the published table and the pathway it names are read too.

    `alone`: the file came without its folder (uploaded to the web application), so it may name only the
    published table and pathway shipped with iectox, never a path (which would read the server's files)."""
    path = Path(path)
    doc = read_toml(path, "study file")
    table(path, "the study file", doc, SECTIONS)
    study = table(path, "[study]", doc.get("study", {}), STUDY_KEYS)
    for key, expected in STUDY_KEYS.items():
        if key in study:
            typed(path, f"[study] {key}", study[key], expected)
    by, order, labels, therapy_class = _cohorts(path, doc.get("cohorts", {}))
    policy, digits, p_digits = _tests(path, doc.get("tests", {}))
    tables = tuple(
        _table(path, i, t, by)
        for i, t in enumerate(typed(path, "[[tables]]", doc.get("tables", []), list), 1)
    )
    _unique(path, "[[tables]] id", [t.id for t in tables], "table id")
    spec = StudySpec(
        title=study.get("title", path.stem),
        path=path,
        period=_period(path, study.get("period")),
        reference=_reference(path, study.get("reference"), alone),
        language=choice(path, "[study] language", study.get("language", "en"), LANGUAGES),
        by=by,
        order=order,
        labels=MappingProxyType(labels),
        analysis=_analysis(path, doc.get("analysis", {})),
        policy=policy,
        digits=digits,
        p_digits=p_digits,
        tables=tables,
        management=_management(doc, path, alone),
        adverse_events=read_adverse_events(path, doc),
        adjusted=adjusted_spec(path, doc),
        therapy_class=therapy_class,
    )
    _files_named(spec, path)
    return spec
