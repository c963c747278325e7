"""Importing an external table through a column mapping file (TOML): data are described, never coded.

A mapping turns each row of one source file (CSV, or a sheet of a workbook) into rows of contract tables::

    format = "iectox-mapping/1"          # optional; guards against future format changes

    [source]
    file = "export.csv"                  # relative to the mapping file
    delimiter = ","                      # CSV only; default ","
    encoding = "cp1252"                  # CSV only; default "utf-8-sig"
    missing = ["N/A", "NA"]              # cells meaning "not known" (blank cells always do); any case
    date_order = "dmy"                   # optional: how slash dates are written (see validate settings)
    sheet = "Sheet1"                     # workbooks only; default: the first sheet

    [[records]]                          # one entry per kind of row to produce
    table = "infusions"                  # a contract table
    name = "infusion"                    # optional label used in messages
    when = "Max Grade CRS_Lee >= 0"      # optional; or a list of such tests, all of which must hold
    distinct = false                     # optional; true drops repeated identical rows (long sources)
    [records.columns]                    # contract column = constant or template
    infusion_id = "{Protocol ID}"
    setting = "clinical_trial"
    crs_status = "{Max Grade CRS_Lee}"
    [records.values]                     # optional value maps, applied to a column's produced text
    crs_status = { "0" = "no", "1" = "yes", "2" = "yes" }

Rules. `when` is `<source column> <op> <value>` with op one of == != > >= < <=; the column may be written in
braces (needed if its name holds an operator), the value may be quoted. A row whose tested cell is missing
never matches. Ordering ops compare numbers; == and != compare numbers when both sides are numbers, text
otherwise. A template's `{Source Column}` placeholders are replaced by the row's cells (`{{` and `}}` give
literal braces); if any placeholder's cell is missing, the produced value is blank. A value map replaces
whole values ("" means blank); values it does not list pass through unchanged, so that validation reports
them, and a blank stays blank. Every required column of the table must be mapped in each entry; tables no
entry produces are empty.

The produced text tables are then validated like any other file (`iectox.validate.load_raw`); problems are
reported at the source row that produced them, prefixed with the mapping entry.
"""

from __future__ import annotations

import csv
import dataclasses
import difflib
import io
import re
import tomllib
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from iectox.dataset import Dataset
from iectox.errors import DatasetInvalid, Issue, SourceError, SpecError
from iectox.schema import CONTRACT, Schema, Table
from iectox.validate import RawTable, Settings, load_raw
from iectox.validate.cells import as_text

FORMAT = "iectox-mapping/1"
OPERATORS = ("==", "!=", ">=", "<=", ">", "<")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
_CONDITION = re.compile(
    r"^\s*(?:\{(?P<braced>[^{}]+)\}|(?P<bare>.+?))\s*(?P<op>==|!=|>=|<=|>|<)\s*(?P<value>.*?)\s*$"
)
_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
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
        return float(self.value) if _NUMBER.match(self.value) else None


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


@dataclass(frozen=True)
class MappedTable:
    """Text rows produced for one table; `origins[i]` is (source row, entry label) of row i."""

    frame: pd.DataFrame
    origins: tuple[tuple[int, str], ...]


def import_mapped(mapping_path: str | Path, settings: Settings | None = None) -> Dataset:
    """The dataset described by a mapping file, validated; `DatasetInvalid` locates problems in the source."""
    spec = load_mapping(mapping_path)
    mapped = map_source(spec, read_source(spec))
    if settings is None:
        settings = Settings(date_order=spec.date_order) if spec.date_order else Settings()
    try:
        return load_raw(raw_tables(spec, mapped), settings, where=str(spec.path))
    except DatasetInvalid as exc:
        raise DatasetInvalid(locate_issues(exc.issues, spec, mapped)) from None


# -- the mapping file ------------------------------------------------------------------------------------


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


# -- the source file -------------------------------------------------------------------------------------


def read_source(spec: MappingSpec) -> pd.DataFrame:
    """Source cells as stripped text, None where missing; index = row number as seen (header = 1)."""
    path = spec.source
    if not path.exists():
        raise SourceError(str(path), f"does not exist (named by {spec.path})")
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        try:
            frame = pd.read_excel(path, sheet_name=spec.sheet or 0, dtype=object, keep_default_na=False)
        except (ValueError, KeyError, OSError, zipfile.BadZipFile) as exc:
            raise SourceError(str(path), f"cannot be read as a workbook ({exc})", spec.sheet) from None
        header = [str(c).strip() for c in frame.columns]
        # Native cells to text as the validator writes them: a midnight date-time becomes a date, no hour.
        text = frame.apply(as_text).astype(object)
        rows = text.where(text.notna(), None).to_numpy().tolist()
    else:
        try:
            text = path.read_text(encoding=spec.encoding)
        except UnicodeDecodeError as exc:
            raise SourceError(
                str(path), f"is not {spec.encoding} text ({exc}); set [source] encoding"
            ) from None
        lines = list(csv.reader(io.StringIO(text), delimiter=spec.delimiter))
        if not lines or not any(cell.strip() for cell in lines[0]):
            raise SourceError(str(path), "is empty: the first line must hold the column names")
        header = [cell.strip() for cell in lines[0]]
        rows = lines[1:]
    duplicated = sorted({h for h in header if header.count(h) > 1 and h})
    if duplicated:
        raise SourceError(str(path), f"column name(s) used twice: {', '.join(duplicated)}")
    width = len(header)
    cleaned: dict[int, list[str | None]] = {}
    for number, row in enumerate(rows, start=2):
        cells = [_clean(cell, spec.missing) for cell in row]
        if any(cell is not None for cell in cells[width:]):
            raise SourceError(str(path), f"row {number} has more cells than the header has columns")
        cells = (cells + [None] * width)[:width]
        if any(cell is not None for cell in cells):
            cleaned[number] = cells
    return (
        pd.DataFrame.from_dict(cleaned, orient="index", columns=header, dtype=object)
        if cleaned
        else pd.DataFrame(columns=header, dtype=object)
    )


def _clean(cell: object, missing: Sequence[str]) -> str | None:
    text = "" if cell is None else str(cell).strip()
    return None if not text or text.casefold() in missing else text


# -- applying the mapping --------------------------------------------------------------------------------


def map_source(spec: MappingSpec, source: pd.DataFrame, schema: Schema = CONTRACT) -> dict[str, MappedTable]:
    """The text rows each entry produces, gathered per table in entry order."""
    problems: list[Issue] = []
    for record in spec.records:
        _check_source_columns(spec, record, source)
        problems += condition_issues(record, source, str(spec.source))
    if problems:
        raise DatasetInvalid(problems)
    pieces: dict[str, list[pd.DataFrame]] = {}
    for record in spec.records:
        frame = apply_record(record, source)
        frame["__origin__"] = [(int(row), record.label) for row in frame.index]
        pieces.setdefault(record.table, []).append(frame)
    mapped: dict[str, MappedTable] = {}
    for table in schema.tables:
        frames = pieces.get(table.name, [])
        combined = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["__origin__"])
        text = pd.DataFrame(
            {name: combined.get(name) for name in table.column_names}, index=combined.index, dtype=object
        )
        text = text.astype(object).where(text.notna(), None)
        mapped[table.name] = MappedTable(text.reset_index(drop=True), tuple(combined["__origin__"]))
    return mapped


def _check_source_columns(spec: MappingSpec, record: Record, source: pd.DataFrame) -> None:
    wanted = [c.column for c in record.when] + [c for t in record.columns.values() for c in t.columns]
    for column in wanted:
        if column not in source.columns:
            close = difflib.get_close_matches(column, [str(c) for c in source.columns], n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise SpecError(
                f"{spec.path}: {record.label}: source column '{column}' is not in {spec.source.name}{hint}"
            )


def apply_record(record: Record, source: pd.DataFrame) -> pd.DataFrame:
    """The rows one entry produces (text, None = blank), indexed by the source row that produced each."""
    selected = source[matches(record.when, source)]
    produced = pd.DataFrame(index=selected.index)
    for name, template in record.columns.items():
        values = render(template, selected)
        value_map = record.values.get(name)
        if value_map:
            values = values.map(lambda v, m=value_map: m.get(v, v) if v is not None else None)
            values = values.map(lambda v: v or None)
        produced[name] = values.astype(object)
    if record.distinct:
        produced = produced[~produced.fillna("\x00").duplicated()]
    return produced


def matches(conditions: Sequence[Condition], source: pd.DataFrame) -> pd.Series:
    """Rows where every condition holds; a missing tested cell never matches."""
    keep = pd.Series(True, index=source.index, dtype=bool)
    for condition in conditions:
        keep &= _test(condition, source[condition.column])
    return keep


def _numbers(cells: pd.Series) -> pd.Series:
    numeric = cells.map(lambda v: v is not None and bool(_NUMBER.match(v))).astype(bool)
    return pd.to_numeric(cells.where(numeric), errors="coerce").astype("float64")


def _test(condition: Condition, cells: pd.Series) -> pd.Series:
    present = cells.notna()
    numbers = _numbers(cells)
    target = condition.number()
    if condition.op in ("==", "!="):
        if target is not None:
            equal = (numbers == target) | (numbers.isna() & (cells == condition.value))
        else:
            equal = cells == condition.value
        result = equal if condition.op == "==" else ~equal
        return (result & present).fillna(False).astype(bool)
    compare = {">": numbers.gt, ">=": numbers.ge, "<": numbers.lt, "<=": numbers.le}[condition.op]
    return compare(target).fillna(False).astype(bool) & present


def condition_issues(record: Record, source: pd.DataFrame, file: str) -> list[Issue]:
    """Cells an ordering test cannot compare: an error, never a silent skip that would lose rows."""
    issues: list[Issue] = []
    for condition in record.when:
        if condition.op in ("==", "!="):
            continue
        cells = source[condition.column]
        for row in cells.index[(cells.notna() & _numbers(cells).isna()).to_numpy(dtype=bool)]:
            issues.append(
                Issue(
                    file,
                    None,
                    int(row),
                    condition.column,
                    str(cells[row]),
                    "mapping_condition",
                    f"{record.label}: when '{condition.column} {condition.op} {condition.value}' "
                    f"needs a number and the cell holds '{cells[row]}'",
                )
            )
    return issues


def render(template: Template, rows: pd.DataFrame) -> pd.Series:
    """Fill a template for each row; blank where any placeholder's cell is missing."""
    out = pd.Series("", index=rows.index, dtype=object)
    blank = pd.Series(False, index=rows.index, dtype=bool)
    for literal, column in template.parts:
        out = out + literal
        if column is not None:
            cells = rows[column]
            blank |= cells.isna()
            out = out + cells.fillna("").astype(str)
    return out.where(~blank, None).astype(object)


# -- handing over to validation --------------------------------------------------------------------------


def raw_tables(spec: MappingSpec, mapped: Mapping[str, MappedTable]) -> dict[str, RawTable]:
    """The produced tables as the validator's `RawTable`s (rows numbered 2, 3, ... per table)."""
    return {
        name: RawTable(str(spec.path), name, table.frame.set_axis(range(2, len(table.frame) + 2)))
        for name, table in mapped.items()
    }


def locate_issues(
    issues: Sequence[Issue], spec: MappingSpec, mapped: Mapping[str, MappedTable]
) -> list[Issue]:
    """Point each problem at the source row and mapping entry that produced it, not at a generated row."""
    by_file = {str(spec.path)}
    located: list[Issue] = []
    for issue in issues:
        table = mapped.get(issue.sheet or "")
        if issue.file in by_file and table is not None and issue.row is not None and issue.row >= 2:
            source_row, label = table.origins[issue.row - 2]
            message = issue.message
            if issue.rule == "unique" and issue.column in table.frame:
                rows = sorted(
                    {table.origins[i][0] for i in table.frame.index[table.frame[issue.column] == issue.value]}
                )
                message = (
                    f"{issue.column} '{issue.value}' is produced more than once in {issue.sheet} "
                    f"(source rows {', '.join(map(str, rows))})"
                )
            located.append(
                dataclasses.replace(
                    issue, file=str(spec.source), sheet=None, row=source_row, message=f"{label}: {message}"
                )
            )
        elif issue.file in by_file and issue.row is not None:
            located.append(dataclasses.replace(issue, row=None))  # a header problem: the mapping's doing
        else:
            located.append(issue)
    return located
