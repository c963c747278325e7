"""The columns, levels and variables a study file names, each checked when the file is read.

A variable is a column of the analysis table with how to summarise and test it. What can be checked without
the data is checked here: the column exists, a level is a code of its vocabulary or a yes/no word, a summary,
kind or test exists and suits the variable, a number is in its range. Levels of columns whose values come from
the data are checked when the study runs (`iectox.study.levels`).
"""

from __future__ import annotations

import contextlib
import typing
from pathlib import Path
from types import MappingProxyType

from iectox.analysis import BY_NAME, Derived
from iectox.errors import SpecError
from iectox.stats.methods import METHODS
from iectox.stats.methods.method import Method
from iectox.stats.variables import Kind as VariableKind
from iectox.stats.variables import Summary, Variable
from iectox.study.reading import choice, non_empty, not_allowed, table, typed, within

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
KINDS = typing.get_args(VariableKind)
SUMMARIES = typing.get_args(Summary)
BOOLEAN_WORDS = {"true": True, "false": False}
MAX_TOP = 1000  # `top` keeps the most frequent levels; more than this is no longer a top
GRADES = (1, 5)  # `severe_from`: a grade of the ASTCT and CTCAE scales
SUITED_KINDS = {  # how a column may be summarised: sex cannot have a mean, a grade may
    "categorical": ("categorical",),
    "boolean": ("categorical",),
    "ordinal": ("toxicity", "ordinal", "categorical", "continuous"),
    "continuous": ("continuous", "categorical"),
}


def column(path: Path, key: str, name: object) -> Derived:
    """The analysis-table column a key names."""
    name = typed(path, key, name, str)
    if name not in BY_NAME:
        raise not_allowed(
            path, key, name, BY_NAME, "a column of the analysis table (see docs/analysis_columns.md)"
        )
    return BY_NAME[name]


def level(path: Path, key: str, column: Derived, raw: object) -> object:
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


def levels(path: Path, key: str, column: Derived, raw: object) -> tuple[object, ...] | None:
    """The levels a list names, in its order; None when the key is absent, and never an empty list."""
    if raw is None:
        return None
    listed = non_empty(path, key, typed(path, key, raw, list), "level")
    return tuple(level(path, f"{key} #{i}", column, v) for i, v in enumerate(listed, 1))


def level_labels(path: Path, key: str, column: Derived, raw: object) -> dict[object, str]:
    raw = typed(path, key, raw, dict)
    return {level(path, f"{key} {k}", column, k): typed(path, f"{key} {k}", v, str) for k, v in raw.items()}


def _fits(method: Method, kind: str, stratified: bool = False) -> bool:
    """Whether a method can test a variable of this kind: counts for categories, values for measurements,
    either for grades when only their order matters; in a stratified table, a stratified method for
    categories and grades."""
    if method.data == "strata":
        return stratified and kind != "continuous"
    if kind == "categorical":
        return method.data == "counts"
    if kind == "continuous":
        return method.data == "values"
    return method.data == "counts" or method.on_ranks


def _test(path: Path, key: str, raw: object, kind: str, stratified: bool) -> str:
    fitting = [m.id for m in METHODS.values() if _fits(m, kind, stratified)]
    return choice(path, key, typed(path, key, raw, str), fitting)


def variable(entry: object, path: Path, where: str, stratified: bool = False) -> tuple[Variable, str | None]:
    """One variable of a table and the published variable it reproduces, if it names one; `stratified`:
    the table names `strata`, so a stratified method may be its test."""
    entry = table(path, where, entry, VARIABLE_KEYS)
    if "name" not in entry:
        raise SpecError(
            f"{path}: {where}: a variable needs a name",
            file=str(path),
            key=f"{where} name",
            value=None,
            allowed=("a column of the analysis table",),
        )
    derived = column(path, f"{where} name", entry["name"])
    where = f"{where} ({derived.name})"
    for key, expected in VARIABLE_KEYS.items():
        if key in entry:
            typed(path, f"{where} {key}", entry[key], expected)
    if "kind" in entry:
        choice(path, f"{where} kind", entry["kind"], SUITED_KINDS.get(derived.kind, KINDS))
    if "summary" in entry:
        choice(path, f"{where} summary", entry["summary"], SUMMARIES)
    if "among" in entry and column(path, f"{where} among", entry["among"]).kind != "boolean":
        raise not_allowed(path, f"{where} among", entry["among"], (), "a yes/no column of the analysis table")
    if "top" in entry:
        within(path, f"{where} top", entry["top"], 1, MAX_TOP, whole=True)
    if "severe_from" in entry:
        within(path, f"{where} severe_from", entry["severe_from"], *GRADES, whole=True)
    labels = level_labels(path, f"{where} level_labels", derived, entry.get("level_labels", {}))
    if derived.kind == "boolean" and not labels:
        labels = {True: "Yes", False: "No"}
    if derived.vocabulary is not None:
        labels = {**{t.code: t.label for t in derived.vocabulary.terms}, **labels}
    chosen = levels(path, f"{where} levels", derived, entry.get("levels")) or (
        (True, False) if derived.kind == "boolean" else None
    )
    kind = entry.get("kind") or {"continuous": "continuous", "ordinal": "toxicity"}.get(
        derived.kind, "categorical"
    )
    if "summary" in entry and kind != "continuous":  # it would be ignored: said rather than dropped
        raise not_allowed(path, f"{where} summary", entry["summary"], (), "a setting of continuous variables")
    test = _test(path, f"{where} test", entry["test"], kind, stratified) if "test" in entry else None
    unit = f" ({derived.unit})" if derived.unit else ""
    parsed = Variable(
        name=derived.name,
        label=entry.get("label", derived.label + unit),
        kind=kind,
        levels=chosen,
        level_labels=MappingProxyType(labels),
        summary=entry.get("summary"),
        test=test,
        severe_from=entry.get("severe_from", 3),
        top=entry.get("top"),
        among=entry.get("among"),
    )
    return parsed, entry.get("reference")


__all__ = ["KINDS", "SUMMARIES", "VARIABLE_KEYS", "column", "level", "level_labels", "levels", "variable"]
