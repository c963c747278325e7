"""Validation that says exactly what is wrong: file, sheet, row, column, value, rule and a sentence.

Reading is all-or-nothing: `load_raw` returns a whole `Dataset` or raises `DatasetInvalid` with every
problem found, never a partial dataset.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd
import pyarrow as pa
from pandas._typing import ArrayLike

from iectox.dataset import DTYPES, Dataset, empty_frame, time_known_column
from iectox.errors import DatasetInvalid, Issue
from iectox.rules import Registry
from iectox.schema import CONTRACT, Column, Kind, Schema, Table, Vocabulary
from iectox.validate import columnar
from iectox.validate.cells import read_cells
from iectox.validate.frames import Frames
from iectox.validate.marks import check_marks
from iectox.validate.registry import VALIDATION, run_rules
from iectox.validate.settings import Settings
from iectox.validate.structure import BLOCKING, RawTable, check_headers, check_tables, header_key

__all__ = [
    "VALIDATION",
    "DatasetInvalid",
    "RawTable",
    "Settings",
    "check_raw",
    "ensure_valid",
    "load_raw",
    "mark_valid",
    "validate_dataset",
]


def _typed(
    table: Table, raw: RawTable, settings: Settings, frames: Frames
) -> tuple[pd.DataFrame, list[Issue]]:
    """The table's typed frame (index kept as the user's row numbers) and its header and type problems."""
    named, issues = check_headers(table, raw)
    if any(issue.rule in BLOCKING for issue in issues):
        return empty_frame(table), issues  # what the reader found follows from it: said once it is fixed
    issues = [*raw.issues, *issues]
    named = _without_blank_rows(named)
    blanked = _unread(raw, named)
    typed: dict[str, ArrayLike] = {}  # arrays in the order of `named`'s rows: the frame is built unaligned
    for column in table.columns:
        if column.name not in named:
            frames.absent.add((table.name, column.name))
            typed.update(_blank_column(column, len(named)))
            continue
        raw_cells = named[column.name]
        if _blank(raw_cells):  # nothing to read (a form's fields left empty): blank in its type, as parsed
            typed.update(_blank_column(column, len(named)))
            frames.refuse(table.name, column.name, blanked.get(column.name, []))
            continue
        arrow = columnar.text_cells(raw_cells)  # converted once, for the marks and the typing
        cells, marked, refused = check_marks(frames, table.name, column, raw_cells, arrow)
        arrow = arrow if cells is raw_cells else None
        parsed, unread = read_cells(frames, table.name, column, cells, settings, arrow)
        issues += sorted([*marked, *unread], key=lambda issue: issue.row or 0)
        frames.refuse(
            table.name, column.name, refused.union(parsed.bad_rows).union(blanked.get(column.name, []))
        )
        values = parsed.values
        if column.vocabulary is not None:
            values = _coded(values, column.vocabulary, parsed.text)
        if parsed.text is not None and values is parsed.values:
            frames.text[(table.name, column.name)] = parsed.text  # for the rules, in C
        typed[column.name] = values.array
        if parsed.time_known is not None:
            typed[time_known_column(column.name)] = parsed.time_known.array
    return pd.DataFrame(typed, index=named.index), issues


def _blank_column(column: Column, rows: int) -> dict[str, ArrayLike]:
    """A column of `rows` blank cells in its type (and its blank `_time_known` for a date-time)."""
    blank = {column.name: pd.array([None] * rows, dtype=DTYPES[column.kind])}
    if column.kind is Kind.DATETIME:
        blank[time_known_column(column.name)] = pd.array([None] * rows, dtype="boolean")
    return blank


def _blank(cells: pd.Series) -> bool:
    """Whether every cell is blank (None or NaN, as readers leave an empty cell): such a column types as
    blank with no issue, and is not parsed (about 0.5 ms a column, whatever its rows)."""
    return not cells.notna().to_numpy().any()


def _unread(raw: RawTable, named: pd.DataFrame) -> dict[str, list[int]]:
    """The rows of each contract column whose cell the reader could not read (`RawTable.unread`)."""
    rows: dict[str, list[int]] = {}
    for row, header in raw.unread:
        column = header_key(header)
        if column in named.columns and row in named.index:
            rows.setdefault(column, []).append(row)
    return rows


def _without_blank_rows(named: pd.DataFrame) -> pd.DataFrame:
    """`named` without the rows blank in every column, as `dropna(how="all")` gives it; the usual table has
    none, which its first column full of identifiers tells at once, and is then not copied."""
    blank = np.ones(len(named), dtype=bool) if len(named.columns) else np.zeros(len(named), dtype=bool)
    for name in named.columns:
        blank &= named[name].isna().to_numpy()
        if not blank.any():
            return named
    return named[~blank]


def _coded(values: pd.Series, vocabulary: Vocabulary, text: pa.Array | None) -> pd.Series:
    """Each written value as the code it stands for ("crs" -> "CRS"), or as written when it stands for none
    (`values` itself when each is written as its code); each distinct value is looked up once. `text`: the
    values in Arrow, if known."""
    if text is not None:
        written = columnar.distinct(text)
        if all(vocabulary.normalise(value) in (None, value) for value in written):
            return values
    positions, distinct = pd.factorize(values)
    spelled = [vocabulary.normalise(value) for value in distinct]
    if all(code is None or code == value for value, code in zip(distinct, spelled, strict=True)):
        return values
    written = [value if code is None else code for value, code in zip(distinct, spelled, strict=True)]
    codes = np.array([*written, None], dtype=object)  # position -1 (a blank cell) takes the last: None
    return pd.Series(pd.array(codes[positions], dtype="string"), index=values.index, name=values.name)


def _put_among(frames: Frames, table: str, rows: pd.DataFrame) -> None:
    """The typed rows of `table` and `rows` (typed, indexed by row number) as one table in row order; the
    text kept for the rules is read again from it."""
    read = frames.tables[table]
    frames.tables[table] = pd.concat([rows, read]).sort_index(kind="stable") if len(read) else rows.copy()
    for key in [key for key in frames.text if key[0] == table]:
        del frames.text[key]


def check_raw(
    raw_tables: Mapping[str, RawTable],
    settings: Settings | None = None,
    where: str = "dataset",
    extra: Iterable[str] = (),
    schema: Schema = CONTRACT,
    rules: Registry | None = None,
    beside: Mapping[str, pd.DataFrame] | None = None,
) -> tuple[Dataset | None, list[Issue]]:
    """Every problem of a dataset read from disk, and the dataset itself when it has no error. `rules`: the
    validation rules to run (`VALIDATION`'s by default; a record's check runs those of its tables).

    `beside`: rows already typed (as `iectox.dataset.conform` gives them: what a store that keeps checked rows
    reads back exactly), per table, indexed by their row numbers; the raw table's rows, read from text, are
    put among them by row number before the rules run (a form's record among its patient's stored rows: only
    the record is read from text)."""
    settings = settings or Settings()
    issues = check_tables(schema, dict(raw_tables), where, list(extra))
    frames = Frames({}, {name: (raw.file, raw.sheet) for name, raw in raw_tables.items()}, schema=schema)
    beside = beside or {}
    for table in schema.tables:
        raw = raw_tables.get(table.name)
        if raw is not None and (table.name not in beside or len(raw.frame)):
            frames.tables[table.name], table_issues = _typed(table, raw, settings, frames)
            issues += table_issues
        else:
            frames.tables[table.name] = empty_frame(table)
        if table.name in beside:
            _put_among(frames, table.name, beside[table.name])
    if not any(i.rule in BLOCKING for i in issues):
        issues += run_rules(frames, settings, rules)
    order = {
        source: n
        for n, source in enumerate(frames.sources[t.name] for t in schema.tables if t.name in raw_tables)
    }
    issues.sort(key=lambda i: (order.get((i.file, i.sheet), -1), i.row or 0))
    if any(i.severity == "error" for i in issues):
        return None, issues
    dataset = Dataset.from_frames(frames.tables)
    if rules is None and schema is CONTRACT:  # every rule of the contract's dataset ran, and none refused it
        mark_valid(dataset, settings, frames.tables)
    return dataset, issues


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


def validate_dataset(dataset: Dataset, settings: Settings | None = None) -> list[Issue]:
    """Problems of an in-memory dataset, with rows numbered as they will be in the written CSV files."""
    settings = settings or Settings()
    tables = {name: frame.set_axis(frame.index + 2) for name, frame in dataset.tables.items()}
    issues = run_rules(Frames(tables, schema=dataset.schema), settings)
    if dataset.schema is CONTRACT and not any(issue.severity == "error" for issue in issues):
        mark_valid(dataset, settings)
    return issues


def _validation_key(settings: Settings) -> tuple[tuple[str, object], ...]:
    """What the validation of typed tables depends on: the settings that `VALIDATION`'s rules read (the date
    order only tells how text is read, which a typed dataset is past)."""
    names = sorted({name for rule in VALIDATION.values() for name in rule.settings})
    return tuple((name, getattr(settings, name)) for name in names)


def mark_valid(
    dataset: Dataset, settings: Settings, checked: Mapping[str, pd.DataFrame] | None = None
) -> None:
    """Record on `dataset` that every rule found no error in it under `settings` (`Dataset.validated`).
    `checked`: the typed frames the rules read, which `dataset` was made from and no one else keeps."""
    dataset.mark_valid(_validation_key(settings), checked)


def ensure_valid(dataset: Dataset, settings: Settings | None = None) -> None:
    """`DatasetInvalid` with every error of `dataset`, which every writer checks before writing anything.

    A dataset that a validation under the same settings found free of errors, and whose cells have not changed
    since (read by `iectox.io.read_dataset`, or checked here before), is not validated again."""
    settings = settings or Settings()
    if dataset.valid_under(_validation_key(settings)):
        return
    errors = [issue for issue in validate_dataset(dataset, settings) if issue.severity == "error"]
    if errors:
        raise DatasetInvalid(errors)
