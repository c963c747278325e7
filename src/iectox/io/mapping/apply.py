"""Applying a checked mapping to the source rows, and tracing the validator's problems back to them."""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from iectox.errors import DatasetInvalid, Issue, SpecError
from iectox.io.mapping.expressions import NUMBER, Condition, Template
from iectox.io.mapping.spec import MappingSpec, Record
from iectox.schema import CONTRACT, Schema
from iectox.validate import RawTable
from iectox.validate.content import UNIQUE


@dataclass(frozen=True)
class MappedTable:
    """Text rows produced for one table; `origins[i]` is (source row, entry label) of row i."""

    frame: pd.DataFrame
    origins: tuple[tuple[int, str], ...]


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
                f"{spec.path}: {record.label}: source column '{column}' is not in {spec.source.name}{hint}",
                file=str(spec.path),
                key=f"{record.label} columns",
                value=column,
                allowed=(f"a column of {spec.source.name}",),
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
    numeric = cells.map(lambda v: v is not None and bool(NUMBER.match(v))).astype(bool)
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
            if issue.rule == UNIQUE.id and issue.column in table.frame:
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
