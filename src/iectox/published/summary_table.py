"""Read a published comparison table in the `summary-table/1` format into frozen dataclasses.

Numbers keep the text they were printed with (``"2.0"`` is not ``"2"``): the printed precision decides what
"reproduced" means when a p-value or a mean is recomputed, so it must survive the reading.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Any

from iectox.errors import SpecError
from iectox.io.settings_file import read_settings_text
from iectox.stats.methods import METHODS

FORMAT = "summary-table/1"
VARIABLE_TYPES = ("categorical", "ordinal", "continuous")
TEST_IDS = tuple(METHODS)  # a stated_test is a method id of the registry
SUMMARY_FIELDS = ("mean", "sd", "median", "q1", "q3")
DOCUMENT_FIELDS = ("format", "study", "groups", "variables")
VARIABLE_FIELDS = (
    "name",
    "label",
    "type",
    "counts",
    "summary",
    "percentages",
    "reported_p",
    "stated_test",
    "note",
)
MAX_NUMBER = Decimal(
    "1e15"
)  # no published count, mean or SD is larger; beyond, float() loses the printed digits


def _frozen(mapping: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping))


def decimals(printed: str) -> int:
    """Digits after the decimal point of a number as printed ("62.7" -> 1, "200" -> 0, "1.5E-04" -> 5)."""
    exponent = Decimal(printed).as_tuple().exponent
    return max(0, -int(exponent))


@dataclass(frozen=True)
class Group:
    """One column of the published table: its id, label and size (None when the table does not say)."""

    id: str
    label: str
    n: int | None


@dataclass(frozen=True)
class ContinuousSummary:
    """How one group of a continuous variable is described; absent fields are None.

    `printed` keeps each number's text as printed, e.g. ``{"mean": "62.7", "sd": "14.2"}``.
    """

    mean: float | None = None
    sd: float | None = None
    n: int | None = None
    median: float | None = None
    q1: float | None = None
    q3: float | None = None
    values: tuple[float, ...] | None = None
    printed: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    def decimals(self, name: str) -> int:
        """Printed decimals of one field (0 when the field is absent)."""
        text = self.printed.get(name)
        return decimals(text) if text is not None else 0


@dataclass(frozen=True)
class Variable:
    """One row block of the table: counts per level for categorical/ordinal, summaries for continuous."""

    name: str
    label: str
    type: str
    counts: Mapping[str, Mapping[str, int]] = field(default_factory=lambda: MappingProxyType({}))
    summary: Mapping[str, ContinuousSummary] = field(default_factory=lambda: MappingProxyType({}))
    percentages: Mapping[str, Mapping[str, str]] = field(default_factory=lambda: MappingProxyType({}))
    reported_p: str | None = None
    stated_test: str | None = None
    note: str | None = None

    @property
    def is_continuous(self) -> bool:
        return self.type == "continuous"


@dataclass(frozen=True)
class SummaryTable:
    """A whole published table: groups in their printed order and variables in theirs."""

    groups: tuple[Group, ...]
    variables: tuple[Variable, ...]
    study: str | None = None
    source: str = "<summary table>"

    @property
    def group_ids(self) -> tuple[str, ...]:
        return tuple(g.id for g in self.groups)

    def group(self, group_id: str) -> Group:
        for g in self.groups:
            if g.id == group_id:
                return g
        raise KeyError(f"{self.source}: no group {group_id!r}")

    def variable(self, name: str) -> Variable:
        for v in self.variables:
            if v.name == name:
                return v
        raise KeyError(f"{self.source}: no variable {name!r}")

    def get(self, name: str) -> Variable | None:
        """The variable called `name`, or None when the table does not report it."""
        return next((v for v in self.variables if v.name == name), None)

    def n(self, variable: Variable, group_id: str) -> int | None:
        """The n of a continuous summary, falling back to the group size as the format says."""
        summary = variable.summary.get(group_id)
        if summary is not None and summary.n is not None:
            return summary.n
        return self.group(group_id).n


class _Reader:
    """Checks one decoded JSON document; every error names the file and the place inside it."""

    def __init__(self, source: str, file: str | None = None):
        self.source = source
        self.file = file or source

    def fail(self, where: str, message: str, value: object = None, allowed: str = "") -> SpecError:
        return SpecError(
            f"{self.source}: {where}: {message}",
            file=self.file,
            key=where,
            value=_plain(value),
            allowed=(allowed,) if allowed else (),
        )

    def mapping(self, value: object, where: str) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise self.fail(where, f"must be an object, got {_kind(value)}", value, "an object")
        return value

    def known(self, spec: Mapping[str, Any], where: str, keys: tuple[str, ...]) -> None:
        """A misspelt field ("reported_P") would be ignored and its value lost: it is an error."""
        unknown = sorted(set(spec) - set(keys))
        if unknown:
            raise self.fail(
                where,
                f"unknown field(s) {', '.join(unknown)}; allowed: {', '.join(keys)}",
                unknown[0],
                ", ".join(keys),
            )

    def text(self, value: object, where: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(
                where, f"must be a non-empty string, got {_kind(value)}", value, "a non-empty string"
            )
        return value

    def count(self, value: object, where: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self.fail(
                where, f"must be a whole number >= 0, got {_show(value)}", value, "a whole number >= 0"
            )
        return value

    def number(self, value: object, where: str) -> tuple[float, str]:
        if isinstance(value, bool) or not isinstance(value, int | Decimal):
            raise self.fail(where, f"must be a number, got {_show(value)}", value, "a number")
        if isinstance(value, Decimal) and not value.is_finite():
            raise self.fail(where, f"must be a finite number, got {value}", str(value), "a finite number")
        if abs(value) > MAX_NUMBER:
            raise self.fail(
                where, f"is not a number a table prints, got {_show(value)}", str(value), "a number"
            )
        return float(value), str(value)

    def table(self, data: object) -> SummaryTable:
        top = self.mapping(data, "document")
        self.known(top, "document", DOCUMENT_FIELDS)
        if top.get("format") != FORMAT:
            raise self.fail(
                "format", f"must be {FORMAT!r}, got {_show(top.get('format'))}", top.get("format"), FORMAT
            )
        groups = self.groups(top.get("groups"))
        raw_variables = top.get("variables")
        if not isinstance(raw_variables, list):
            raise self.fail(
                "variables", f"must be a list, got {_kind(raw_variables)}", raw_variables, "a list"
            )
        ids = {g.id for g in groups}
        variables: list[Variable] = []
        for index, raw in enumerate(raw_variables):
            variable = self.variable(raw, index, ids)
            if any(v.name == variable.name for v in variables):
                raise self.fail(
                    f"variables[{index}]",
                    f"variable {variable.name!r} appears twice",
                    variable.name,
                    "each once",
                )
            variables.append(variable)
        study = top.get("study")
        if study is not None and not isinstance(study, str):
            raise self.fail("study", f"must be a string, got {_kind(study)}", study, "a string")
        return SummaryTable(tuple(groups), tuple(variables), study, self.source)

    def groups(self, value: object) -> list[Group]:
        raw = self.mapping(value, "groups")
        if not raw:
            raise self.fail("groups", "must name at least one group", raw, "at least one group")
        groups = []
        for group_id, spec in raw.items():
            where = f"groups.{group_id}"
            spec = self.mapping(spec, where)
            self.known(spec, where, ("label", "n"))
            label = self.text(spec.get("label", group_id), f"{where}.label")
            n = spec.get("n")
            groups.append(Group(group_id, label, None if n is None else self.count(n, f"{where}.n")))
        return groups

    def variable(self, raw: object, index: int, group_ids: set[str]) -> Variable:
        spec = self.mapping(raw, f"variables[{index}]")
        name = self.text(spec.get("name"), f"variables[{index}].name")
        where = f"variables[{index}] ({name})"
        self.known(spec, where, VARIABLE_FIELDS)
        kind = spec.get("type")
        if not isinstance(kind, str) or kind not in VARIABLE_TYPES:
            raise self.fail(
                f"{where}.type",
                f"must be one of {', '.join(VARIABLE_TYPES)}, got {_show(kind)}",
                kind,
                ", ".join(VARIABLE_TYPES),
            )
        label = self.text(spec.get("label", name), f"{where}.label")
        counts: dict[str, Mapping[str, int]] = {}
        summary: dict[str, ContinuousSummary] = {}
        if kind == "continuous":
            raw_summary = self.mapping(spec.get("summary"), f"{where}.summary")
            for group_id, group_spec in raw_summary.items():
                self.known_group(group_id, group_ids, f"{where}.summary")
                summary[group_id] = self.summary(group_spec, f"{where}.summary.{group_id}")
        else:
            raw_counts = self.mapping(spec.get("counts"), f"{where}.counts")
            for group_id, levels in raw_counts.items():
                self.known_group(group_id, group_ids, f"{where}.counts")
                levels = self.mapping(levels, f"{where}.counts.{group_id}")
                at = f"{where}.counts.{group_id}"
                counts[group_id] = _frozen({lvl: self.count(c, f"{at}.{lvl}") for lvl, c in levels.items()})
        percentages: dict[str, Mapping[str, str]] = {}
        if spec.get("percentages") is not None:
            raw_pct = self.mapping(spec["percentages"], f"{where}.percentages")
            for group_id, levels in raw_pct.items():
                self.known_group(group_id, group_ids, f"{where}.percentages")
                levels = self.mapping(levels, f"{where}.percentages.{group_id}")
                at = f"{where}.percentages.{group_id}"
                percentages[group_id] = _frozen(
                    {lvl: self.number(p, f"{at}.{lvl}")[1] for lvl, p in levels.items()}
                )
        reported_p = spec.get("reported_p")
        if reported_p is not None and not isinstance(reported_p, str):
            raise self.fail(
                f"{where}.reported_p",
                f'must be the p-value as printed, in quotes (e.g. "0.0270"), got {reported_p}',
                str(reported_p),
                'the p-value as printed, in quotes (e.g. "0.0270")',
            )
        stated_test = spec.get("stated_test")
        if stated_test is not None and (not isinstance(stated_test, str) or stated_test not in TEST_IDS):
            raise self.fail(
                f"{where}.stated_test",
                f"must be one of {', '.join(TEST_IDS)}, got {_show(stated_test)}",
                stated_test,
                ", ".join(TEST_IDS),
            )
        note = spec.get("note")
        if note is not None and not isinstance(note, str):
            raise self.fail(f"{where}.note", f"must be a string, got {_kind(note)}", note, "a string")
        return Variable(
            name,
            label,
            kind,
            _frozen(counts),
            _frozen(summary),
            _frozen(percentages),
            reported_p,
            stated_test,
            note,
        )

    def known_group(self, group_id: str, group_ids: set[str], where: str) -> None:
        if group_id not in group_ids:
            declared = ", ".join(sorted(group_ids))
            raise self.fail(
                where, f"group {group_id!r} is not declared in groups ({declared})", group_id, declared
            )

    def summary(self, raw: object, where: str) -> ContinuousSummary:
        spec = self.mapping(raw, where)
        self.known(spec, where, (*SUMMARY_FIELDS, "n", "values"))
        fields: dict[str, Any] = {}
        printed: dict[str, str] = {}
        for name in SUMMARY_FIELDS:
            if spec.get(name) is not None:
                fields[name], printed[name] = self.number(spec[name], f"{where}.{name}")
        if fields.get("sd") is not None and fields["sd"] < 0:
            raise self.fail(
                f"{where}.sd", f"must be >= 0, got {printed['sd']}", printed["sd"], "a number >= 0"
            )
        if spec.get("n") is not None:
            fields["n"] = self.count(spec["n"], f"{where}.n")
        if spec.get("values") is not None:
            values = spec["values"]
            if not isinstance(values, list):
                raise self.fail(
                    f"{where}.values",
                    f"must be a list of numbers, got {_kind(values)}",
                    values,
                    "a list of numbers",
                )
            fields["values"] = tuple(self.number(v, f"{where}.values[{i}]")[0] for i, v in enumerate(values))
        return ContinuousSummary(**fields, printed=_frozen(printed))


def _kind(value: object) -> str:
    return {dict: "an object", list: "a list", str: "a string", type(None): "nothing"}.get(
        type(value), type(value).__name__
    )


def _show(value: object) -> str:
    return repr(str(value)) if isinstance(value, Decimal) else repr(_plain(value))


def _plain(value: object) -> object:
    """A decoded JSON value as its author wrote it: numbers read as `Decimal` (to keep their printed digits)
    shown as numbers, not as Decimal('62.7')."""
    if isinstance(value, Decimal):
        return float(value) if value.is_finite() else str(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    return value


def parse_summary_table(
    data: str | bytes | Mapping[str, Any], source: str = "<summary table>", file: str | None = None
) -> SummaryTable:
    """A `SummaryTable` from JSON text or an already decoded mapping; `SpecError` when malformed."""
    if isinstance(data, str | bytes):
        try:
            data = json.loads(data, parse_float=Decimal, parse_constant=_constant)
        except (json.JSONDecodeError, UnicodeDecodeError, RecursionError, ValueError) as exc:
            where = (
                f" (line {exc.lineno}, column {exc.colno})" if isinstance(exc, json.JSONDecodeError) else ""
            )
            reason = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc) or type(exc).__name__
            raise SpecError(
                f"{source}: not valid JSON: {reason}{where}",
                file=file or source,
                key="document",
                value=None,
                allowed=("JSON",),
            ) from exc
    else:
        # A mapping built in Python holds floats; route it through JSON so numbers keep a printed form.
        data = json.loads(json.dumps(data), parse_float=Decimal)
    return _Reader(source, file).table(data)


def _constant(name: str) -> Decimal:
    """NaN and Infinity are not JSON, but Python's reader takes them: kept as numbers here, so that the field
    holding one is named when it is refused as not finite."""
    return Decimal(name)


def read_summary_table(path: str | Path) -> SummaryTable:
    """The `summary-table/1` file at `path`; `SpecError` when it is missing, unreadable or malformed."""
    path = Path(path)
    text = read_settings_text(path, "summary-table/1 file")
    return parse_summary_table(text, source=path.name, file=str(path))
