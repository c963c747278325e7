"""The mapping file parsed and checked as a whole before any source row is read; mistakes name the entry."""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from iectox.io import WORKBOOK_SUFFIXES
from iectox.io.mapping.expressions import Condition, Fail, Template, parse_condition, parse_template
from iectox.io.settings_file import read_toml
from iectox.schema import CONTRACT, Schema, Table

FORMAT = "iectox-mapping/1"
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
DATE_ORDERS = ("iso", "dmy", "mdy")
_SOURCE_KEYS = {"file", "delimiter", "missing", "encoding", "sheet", "date_order"}
_RECORD_KEYS = {"table", "name", "when", "distinct", "columns", "values"}


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


def load_mapping(path: str | Path, schema: Schema = CONTRACT, allow_outside: bool = False) -> MappingSpec:
    """Parse and check a mapping file; every mistake is a `SpecError` naming the file, the entry and the key.

    The source file must lie in the mapping's folder (or below it): a mapping is a file one may receive, and
    it must not make iectox read `/etc/passwd` or `../../private.csv`. `allow_outside` lifts that rule.
    """
    path = Path(path)
    return parse_mapping(read_toml(path, "mapping file"), path, schema, allow_outside)


def parse_mapping(
    document: Mapping[str, Any], path: Path, schema: Schema = CONTRACT, allow_outside: bool = False
) -> MappingSpec:
    """Check an already-parsed mapping document (kept separate so tests can build mappings inline)."""
    fail = Fail(path)
    unknown = sorted(set(document) - {"format", "source", "records"})
    if unknown:
        raise fail(
            f"unknown top-level key(s) {unknown}; expected format, [source], [[records]]",
            key=unknown[0],
            value=unknown[0],
            allowed="format, [source], [[records]]",
        )
    if document.get("format", FORMAT) != FORMAT:
        raise fail(
            f"format {document['format']!r} is not supported (expected {FORMAT!r})",
            key="format",
            value=document["format"],
            allowed=FORMAT,
        )
    source = document.get("source")
    if not isinstance(source, dict):
        raise fail(
            "a [source] section with the source file is required",
            key="[source]",
            value=source,
            allowed="a table with the source file",
        )
    _no_unknown_keys(source, _SOURCE_KEYS, "[source]", fail)
    entries = document.get("records")
    if not isinstance(entries, list) or not entries:
        raise fail(
            "at least one [[records]] entry is required",
            key="[[records]]",
            value=entries,
            allowed="a list of [[records]] tables",
        )
    records = tuple(_parse_record(entry, index, schema, fail) for index, entry in enumerate(entries, start=1))
    return _with_source(source, path, fail, allow_outside, records)


def _with_source(
    source: Mapping[str, Any], path: Path, fail: Fail, allow_outside: bool, records: tuple[Record, ...]
) -> MappingSpec:
    """The [source] section checked: where the file is, and how to read it."""
    file = source.get("file")
    if not isinstance(file, str) or not file.strip() or CONTROL.search(file):
        raise fail(
            "[source] file must name the source file, relative to the mapping file",
            key="[source] file",
            value=file,
            allowed="a file name relative to the mapping file",
        )
    located = path.parent / file
    if not allow_outside:
        folder = path.parent.resolve()
        if not located.resolve().is_relative_to(folder):
            raise fail(
                f"[source] file {file!r} leads outside the mapping's folder {folder}; put the source beside "
                "the mapping, or allow it explicitly (import-mapped --allow-outside)",
                key="[source] file",
                value=file,
                allowed=f"a file in {folder}",
            )
    workbook = located.suffix.lower() in WORKBOOK_SUFFIXES
    for key in ("delimiter", "encoding") if workbook else ("sheet",):
        if key in source:
            kind = "CSV" if workbook else "workbook"
            raise fail(
                f"[source] {key} is for {kind} sources only, and {file!r} is not one",
                key=f"[source] {key}",
                value=source[key],
                allowed=f"no {key} for this source",
            )
    return MappingSpec(
        path=path,
        source=located,
        delimiter=_delimiter(source.get("delimiter", ","), fail),
        missing=_missing(source.get("missing", []), fail),
        encoding=_encoding(source.get("encoding", "utf-8-sig"), fail),
        sheet=_sheet(source.get("sheet"), fail),
        date_order=_date_order(source.get("date_order"), fail),
        records=records,
    )


def _delimiter(value: object, fail: Fail) -> str:
    if not isinstance(value, str) or len(value) != 1 or value in '"\r\n' or value.isalnum():
        raise fail(
            f"[source] delimiter must be one character, not {value!r}",
            key="[source] delimiter",
            value=value,
            allowed="one character that is not a letter, a digit, a quote or a line break, e.g. ; or ,",
        )
    return value


def _missing(value: object, fail: Fail) -> tuple[str, ...]:
    listed = [value] if isinstance(value, str) else value
    if not isinstance(listed, list) or not all(isinstance(m, str) for m in listed):
        raise fail(
            '[source] missing must be a list of strings, e.g. ["N/A", "NA"]',
            key="[source] missing",
            value=value,
            allowed="a list of texts",
        )
    return tuple(m.strip().casefold() for m in listed)


def _encoding(value: object, fail: Fail) -> str:
    try:
        if not isinstance(value, str):
            raise LookupError(value)
        "a".encode(value)  # a text encoding, not a codec such as rot13 or zlib
    except (LookupError, UnicodeError):
        raise fail(
            f"[source] encoding {value!r} is not a text encoding Python knows",
            key="[source] encoding",
            value=value,
            allowed="a text encoding, e.g. utf-8, cp1252, latin-1",
        ) from None
    return value


def _sheet(value: object, fail: Fail) -> str | None:
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise fail(
            f"[source] sheet must be the name of a sheet, not {value!r}",
            key="[source] sheet",
            value=value,
            allowed="the name of a sheet of the workbook",
        )
    return value


def _date_order(value: object, fail: Fail) -> str | None:
    if value is not None and value not in DATE_ORDERS:
        raise fail(
            f"[source] date_order must be iso, dmy or mdy, not {value!r}",
            key="[source] date_order",
            value=value,
            allowed=", ".join(DATE_ORDERS),
        )
    return value  # type: ignore[return-value]


def _no_unknown_keys(section: Mapping[str, Any], allowed: set[str], where: str, fail: Fail) -> None:
    for key in section:
        if key not in allowed:
            close = difflib.get_close_matches(key, sorted(allowed), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise fail(
                f"{where}: unknown key '{key}'{hint} (allowed: {', '.join(sorted(allowed))})",
                key=f"{where} {key}",
                value=key,
                allowed=", ".join(sorted(allowed)),
            )


def _parse_record(entry: Any, index: int, schema: Schema, fail: Fail) -> Record:
    where = f"[[records]] #{index}"
    if not isinstance(entry, dict):
        raise fail(f"{where} must be a table", key=where, value=entry, allowed="a table")
    table_name = entry.get("table")
    if isinstance(table_name, str) and table_name in schema.table_names:
        table = schema.table(table_name)
    else:
        close = difflib.get_close_matches(str(table_name), list(schema.table_names), n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise fail(
            f"{where}: table {table_name!r} is not a table of the dataset{hint} "
            f"(tables: {', '.join(schema.table_names)})",
            key=f"{where} table",
            value=table_name,
            allowed=", ".join(schema.table_names),
        )
    entry_name = entry.get("name")
    if entry_name is not None and (not isinstance(entry_name, str) or CONTROL.search(entry_name)):
        raise fail(f"{where}: name must be text", key=f"{where} name", value=entry_name, allowed="text")
    label = f"{where} {entry_name!r} ({table.name})" if entry_name else f"{where} ({table.name})"
    _no_unknown_keys(entry, _RECORD_KEYS, label, fail)
    when = entry.get("when", [])
    tests = [when] if isinstance(when, str) else when
    if not isinstance(tests, list) or not all(isinstance(t, str) for t in tests):
        raise fail(
            f'{label}: when must be a string such as "Toci == 1" or a list of them',
            key=f"{label} when",
            value=when,
            allowed="'<source column> <op> <value>' or a list of them",
        )
    conditions = tuple(parse_condition(test, f"{label}: when", fail) for test in tests)
    columns = entry.get("columns")
    if not isinstance(columns, dict) or not columns:
        raise fail(
            f"{label}: [records.columns] must map contract columns to constants or templates",
            key=f"{label} columns",
            value=columns,
            allowed=f"a table of columns of {table.name}",
        )
    templates = {name: _parse_column(table, name, value, label, fail) for name, value in columns.items()}
    unmapped = [c.name for c in table.columns if c.required and c.name not in templates]
    if unmapped:
        raise fail(
            f"{label}: required column(s) of {table.name} not mapped: {', '.join(unmapped)}",
            key=f"{label} columns",
            value=sorted(templates),
            allowed=f"every required column of {table.name}: {', '.join(unmapped)}...",
        )
    maps = _value_maps(entry.get("values", {}), templates, label, fail)
    distinct = entry.get("distinct", False)
    if not isinstance(distinct, bool):
        raise fail(
            f"{label}: distinct must be true or false",
            key=f"{label} distinct",
            value=distinct,
            allowed="true, false",
        )
    return Record(label, table.name, conditions, templates, maps, distinct)


def _value_maps(
    values: object, templates: Mapping[str, Template], label: str, fail: Fail
) -> dict[str, dict[str, str]]:
    if not isinstance(values, dict):
        raise fail(
            f"{label}: [records.values] must map columns to value maps",
            key=f"{label} values",
            value=values,
            allowed="a table of value maps",
        )
    maps: dict[str, dict[str, str]] = {}
    for name, value_map in values.items():
        if name not in templates:
            raise fail(
                f"{label}: value map for '{name}', which [records.columns] does not map",
                key=f"{label} values {name}",
                value=name,
                allowed=", ".join(templates),
            )
        if not isinstance(value_map, dict) or not all(isinstance(v, str) for v in value_map.values()):
            raise fail(
                f'{label}: value map for \'{name}\' must map text to text, e.g. {{ "0" = "no" }}',
                key=f"{label} values {name}",
                value=value_map,
                allowed="a table of text to text",
            )
        maps[name] = {str(k).strip(): v.strip() for k, v in value_map.items()}
    return maps


def _parse_column(table: Table, name: str, value: Any, label: str, fail: Fail) -> Template:
    if name not in table.column_names:
        close = difflib.get_close_matches(name, list(table.column_names), n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise fail(
            f"{label}: '{name}' is not a column of {table.name}{hint}",
            key=f"{label} columns {name}",
            value=name,
            allowed=", ".join(table.column_names),
        )
    finite = not isinstance(value, float) or math.isfinite(value)
    if isinstance(value, bool) or not isinstance(value, str | int | float) or not finite:
        raise fail(
            f"{label}: column '{name}' must be text (a constant or a \"{{Source Column}}\" template)",
            key=f"{label} columns {name}",
            value=value,
            allowed="a constant or a template",
        )
    return parse_template(str(value), f"{label}: column '{name}'", fail)
