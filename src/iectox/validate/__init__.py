"""Validation that says exactly what is wrong: file, sheet, row, column, value, rule and a sentence.

Reading is all-or-nothing: `load_raw` returns a whole `Dataset` or raises `DatasetInvalid` with every
problem found, never a partial dataset.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

import pandas as pd

from iectox.dataset import DTYPES, Dataset, time_known_column
from iectox.errors import DatasetInvalid, Issue
from iectox.schema import CONTRACT, Kind, Schema, Table
from iectox.validate.cells import NOT_READ, parse_column
from iectox.validate.content import check_cells
from iectox.validate.frames import Frames
from iectox.validate.rules import RULES
from iectox.validate.settings import Settings
from iectox.validate.structure import RawTable, check_headers, check_tables

__all__ = ["DatasetInvalid", "RawTable", "Settings", "check_raw", "load_raw", "validate_dataset"]


def _typed(
    table: Table, raw: RawTable, settings: Settings, frames: Frames
) -> tuple[pd.DataFrame, list[Issue]]:
    """The table's typed frame (index kept as the user's row numbers) and its header and type problems."""
    named, issues = check_headers(table, raw)
    named = named.dropna(how="all") if len(named.columns) else named
    typed: dict[str, pd.Series] = {}
    for column in table.columns:
        if column.name not in named:
            frames.absent.add((table.name, column.name))
            typed[column.name] = pd.Series(
                pd.array([None] * len(named), dtype=DTYPES[column.kind]), index=named.index
            )
            if column.kind is Kind.DATETIME:
                typed[time_known_column(column.name)] = pd.Series(pd.NA, index=named.index, dtype="boolean")
            continue
        cells = named[column.name]
        parsed = parse_column(cells, column.kind, settings)
        for row in parsed.bad.index[parsed.bad.to_numpy(dtype=bool)]:
            value = str(cells[row]).strip()
            values = {"value": value, "expected_text": parsed.reason[row]}
            issue = frames.issue(
                table.name, row, column.name, value, column.kind.name.lower(), NOT_READ.format(**values)
            )
            issues.append(replace(issue, template=NOT_READ, values=values))
        values = parsed.values
        if column.vocabulary is not None:
            spelled = {value: column.vocabulary.normalise(value) for value in values.dropna().unique()}
            codes = values.map(spelled)
            values = codes.where(codes.notna(), values).astype("string")
        typed[column.name] = values
        if parsed.time_known is not None:
            typed[time_known_column(column.name)] = parsed.time_known
    return pd.DataFrame(typed, index=named.index), issues


def check_raw(
    raw_tables: Mapping[str, RawTable],
    settings: Settings | None = None,
    where: str = "dataset",
    extra: Iterable[str] = (),
    schema: Schema = CONTRACT,
) -> tuple[Dataset | None, list[Issue]]:
    """Every problem of a dataset read from disk, and the dataset itself when it has no error."""
    settings = settings or Settings()
    issues = check_tables(schema, dict(raw_tables), where, list(extra))
    frames = Frames({}, {name: (raw.file, raw.sheet) for name, raw in raw_tables.items()})
    for table in schema.tables:
        if table.name in raw_tables:
            frames.tables[table.name], table_issues = _typed(table, raw_tables[table.name], settings, frames)
            issues += table_issues
        else:
            frames.tables[table.name] = Dataset()[table.name]
    if not any(i.rule == "missing_table" for i in issues):
        issues += _content_issues(frames, settings, schema)
    order = {
        source: n
        for n, source in enumerate(frames.sources[t.name] for t in schema.tables if t.name in raw_tables)
    }
    issues.sort(key=lambda i: (order.get((i.file, i.sheet), -1), i.row or 0))
    if any(i.severity == "error" for i in issues):
        return None, issues
    return Dataset.from_frames(frames.tables), issues


def load_raw(
    raw_tables: Mapping[str, RawTable],
    settings: Settings | None = None,
    where: str = "dataset",
    extra: Iterable[str] = (),
) -> Dataset:
    """The dataset, or `DatasetInvalid` listing every problem; nothing partial is ever returned."""
    dataset, issues = check_raw(raw_tables, settings, where, extra)
    if dataset is None:
        raise DatasetInvalid(issues)
    return dataset


def _content_issues(frames: Frames, settings: Settings, schema: Schema) -> list[Issue]:
    """Cell and column rules first; cross-field rules then see failed cells as blank, so one wrong value
    gives one error, not a cascade."""
    issues = list(check_cells(frames, schema))
    failed = {(i.file, i.sheet, i.row, i.column) for i in issues if i.rule in ("vocabulary", "range")}
    clean = Frames({name: frame.copy() for name, frame in frames.tables.items()}, frames.sources)
    for name, frame in clean.tables.items():
        file, sheet = frames.sources.get(name, (f"{name}.csv", None))
        for _, _, row, column in (f for f in failed if f[:2] == (file, sheet)):
            frame.loc[row, column] = pd.NA
    for rule in RULES:
        issues += rule(clean, settings)
    return issues


def validate_dataset(dataset: Dataset, settings: Settings | None = None) -> list[Issue]:
    """Problems of an in-memory dataset, with rows numbered as they will be in the written CSV files."""
    tables = {name: frame.set_axis(frame.index + 2) for name, frame in dataset.tables.items()}
    return _content_issues(Frames(tables), settings or Settings(), dataset.schema)
