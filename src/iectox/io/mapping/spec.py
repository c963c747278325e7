"""The mapping file parsed and checked as a whole before any source row is read; mistakes name the entry."""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from iectox.errors import SpecError
from iectox.schema import CONTRACT, Schema, Table

FORMAT = "iectox-mapping/1"
OPERATORS = ("==", "!=", ">=", "<=", ">", "<")
_CONDITION = re.compile(
    r"^\s*(?:\{(?P<braced>[^{}]+)\}|(?P<bare>.+?))\s*(?P<op>==|!=|>=|<=|>|<)\s*(?P<value>.*?)\s*$"
)
_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
Fail = Callable[[str], SpecError]  # builds the error naming the mapping file
_SOURCE_KEYS = {"file", "delimiter", "missing", "encoding", "sheet", "date_order"}
_RECORD_KEYS = {"table", "name", "when", "distinct", "columns", "values"}


@dataclass(frozen=True)
class Condition:
    """One `when` test on a source column."""

    column: str
    op: str
    value: str

    def number(self) -> float | None:
        return float(self.value) if NUMBER.match(self.value) else None


@dataclass(frozen=True)
class Template:
    """A produced value: literal text and `{Source Column}` placeholders (a constant has none)."""

    parts: tuple[tuple[str, str | None], ...]  # (literal, column or None)

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(column for _, column in self.parts if column is not None)


@dataclass(frozen=True)
class Record:
    """One `[[records]]` entry: which table it feeds, from which rows, and how each column is made."""

    label: str
    table: str
    when: tuple[Condition, ...]
    columns: Mapping[str, Template]
    values: Mapping[str, Mapping[str, str]]
    distinct: bool = False


@dataclass(frozen=True)
class MappingSpec:
    """A checked mapping file."""

    path: Path
    source: Path
    delimiter: str
    missing: tuple[str, ...]
    encoding: str
    sheet: str | None
    date_order: str | None
    records: tuple[Record, ...]


def load_mapping(path: str | Path, schema: Schema = CONTRACT) -> MappingSpec:
    """Parse and check a mapping file; every mistake is a `SpecError` naming the file and the entry."""
    path = Path(path)
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SpecError(f"{path}: mapping file not found") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SpecError(f"{path}: not valid TOML ({exc})") from None
    return parse_mapping(document, path, schema)


def parse_mapping(document: Mapping[str, Any], path: Path, schema: Schema = CONTRACT) -> MappingSpec:
    """Check an already-parsed mapping document (kept separate so tests can build mappings inline)."""

    def fail(message: str) -> SpecError:
        return SpecError(f"{path}: {message}")

    unknown = set(document) - {"format", "source", "records"}
    if unknown:
        raise fail(f"unknown top-level key(s) {sorted(unknown)}; expected format, [source], [[records]]")
    if document.get("format", FORMAT) != FORMAT:
        raise fail(f"format {document['format']!r} is not supported (expected {FORMAT!r})")
    source = document.get("source")
    if not isinstance(source, dict):
        raise fail("a [source] section with the source file is required")
    _no_unknown_keys(source, _SOURCE_KEYS, "[source]", fail)
    file = source.get("file")
    if not isinstance(file, str) or not file.strip():
        raise fail("[source] file must name the source file, relative to the mapping file")
    missing = source.get("missing", [])
    if isinstance(missing, str):
        missing = [missing]
    if not isinstance(missing, list) or not all(isinstance(m, str) for m in missing):
        raise fail('[source] missing must be a list of strings, e.g. ["N/A", "NA"]')
    delimiter = source.get("delimiter", ",")
    if not isinstance(delimiter, str) or len(delimiter) != 1:
        raise fail(f"[source] delimiter must be one character, not {delimiter!r}")
    date_order = source.get("date_order")
    if date_order is not None and date_order not in ("iso", "dmy", "mdy"):
        raise fail(f"[source] date_order must be iso, dmy or mdy, not {date_order!r}")
    entries = document.get("records")
    if not isinstance(entries, list) or not entries:
        raise fail("at least one [[records]] entry is required")
    records = tuple(_parse_record(entry, index, schema, fail) for index, entry in enumerate(entries, start=1))
    return MappingSpec(
        path=path,
        source=path.parent / file,
        delimiter=delimiter,
        missing=tuple(m.strip().casefold() for m in missing),
        encoding=str(source.get("encoding", "utf-8-sig")),
        sheet=source.get("sheet"),
        date_order=date_order,
        records=records,
    )


def _no_unknown_keys(section: Mapping[str, Any], allowed: set[str], where: str, fail: Fail) -> None:
    for key in section:
        if key not in allowed:
            close = difflib.get_close_matches(key, sorted(allowed), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise fail(f"{where}: unknown key '{key}'{hint} (allowed: {', '.join(sorted(allowed))})")


def _parse_record(entry: Any, index: int, schema: Schema, fail: Fail) -> Record:
    where = f"[[records]] #{index}"
    if not isinstance(entry, dict):
        raise fail(f"{where} must be a table")
    table_name = entry.get("table")
    if isinstance(table_name, str) and table_name in schema.table_names:
        table = schema.table(table_name)
    else:
        close = difflib.get_close_matches(str(table_name), list(schema.table_names), n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise fail(
            f"{where}: table {table_name!r} is not a table of the dataset{hint} "
            f"(tables: {', '.join(schema.table_names)})"
        )
    entry_name = entry.get("name")
    label = (
        f"{where} {entry_name!r} ({table.name})" if isinstance(entry_name, str) else f"{where} ({table.name})"
    )
    _no_unknown_keys(entry, _RECORD_KEYS, label, fail)
    when = entry.get("when", [])
    tests = [when] if isinstance(when, str) else when
    if not isinstance(tests, list) or not all(isinstance(t, str) for t in tests):
        raise fail(f'{label}: when must be a string such as "Toci == 1" or a list of them')
    conditions = tuple(parse_condition(test, f"{label}: when", fail) for test in tests)
    columns = entry.get("columns")
    if not isinstance(columns, dict) or not columns:
        raise fail(f"{label}: [records.columns] must map contract columns to constants or templates")
    templates = {name: _parse_column(table, name, value, label, fail) for name, value in columns.items()}
    unmapped = [c.name for c in table.columns if c.required and c.name not in templates]
    if unmapped:
        raise fail(f"{label}: required column(s) of {table.name} not mapped: {', '.join(unmapped)}")
    values = entry.get("values", {})
    if not isinstance(values, dict):
        raise fail(f"{label}: [records.values] must map columns to value maps")
    maps: dict[str, dict[str, str]] = {}
    for name, value_map in values.items():
        if name not in templates:
            raise fail(f"{label}: value map for '{name}', which [records.columns] does not map")
        if not isinstance(value_map, dict) or not all(isinstance(v, str) for v in value_map.values()):
            raise fail(f'{label}: value map for \'{name}\' must map text to text, e.g. {{ "0" = "no" }}')
        maps[name] = {str(k).strip(): v.strip() for k, v in value_map.items()}
    distinct = entry.get("distinct", False)
    if not isinstance(distinct, bool):
        raise fail(f"{label}: distinct must be true or false")
    return Record(label, table.name, conditions, templates, maps, distinct)


def _parse_column(table: Table, name: str, value: Any, label: str, fail: Fail) -> Template:
    if name not in table.column_names:
        close = difflib.get_close_matches(name, list(table.column_names), n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise fail(f"{label}: '{name}' is not a column of {table.name}{hint}")
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise fail(f"{label}: column '{name}' must be text (a constant or a \"{{Source Column}}\" template)")
    return parse_template(str(value), f"{label}: column '{name}'", fail)


def parse_condition(text: str, where: str, fail: Fail) -> Condition:
    """`"<source column> <op> <value>"`; ordering operators need a number."""
    match = _CONDITION.match(text)
    # "g => 1" would otherwise read as column "g =": operator characters left over mean a mistyped operator.
    if (
        match is None
        or not match["value"]
        or match["value"][0] in "=<>!"
        or (match["bare"] or " ")[-1] in "=<>!"
    ):
        raise fail(f"{where} {text!r} is not '<source column> <op> <value>' (op: {' '.join(OPERATORS)})")
    column = (match["braced"] or match["bare"]).strip()
    value = match["value"]
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        value = value[1:-1]
    condition = Condition(column, match["op"], value.strip())
    if condition.op not in ("==", "!=") and condition.number() is None:
        raise fail(f"{where} {text!r}: {condition.op} compares numbers, and {value!r} is not a number")
    return condition


def parse_template(text: str, where: str, fail: Fail) -> Template:
    """Split a template into literal text and placeholders; a lone brace is a mistake, not a literal."""
    parts: list[tuple[str, str | None]] = []
    literal = ""
    position = 0
    for match in _TOKEN.finditer(text):
        literal += text[position : match.start()]
        position = match.end()
        token = match.group(0)
        if token in ("{{", "}}"):
            literal += token[0]
        elif match.group(1) is not None and match.group(1).strip():
            parts.append((literal, match.group(1).strip()))
            literal = ""
        else:
            raise fail(
                f"{where}: {text!r} has an unmatched or empty brace (write {{{{ or }}}} for a literal one)"
            )
    literal += text[position:]
    if literal or not parts:
        parts.append((literal, None))
    return Template(tuple(parts))
