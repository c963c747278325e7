"""Validation of the observations where they lie: a SQL condition marks the rows a cell rule could flag (in
the same pass as grading), and the cell rules themselves (`iectox.validate.content`) judge those rows only, so
the issues are word for word those of `iectox validate`, without bringing a hundred million rows into memory.

The condition is generated from the contract (required, vocabulary, range, identifier pattern, reference to
the infusions): a row it leaves unmarked breaks none of those rules. The engine reads observations stored with
the contract's own Arrow types (`iectox.io.parquet.ARROW_TYPES`); any other type is refused before anything
runs, with what to do about it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import pyarrow as pa

from iectox.dataset import DTYPES, Dataset, time_known_column
from iectox.engine.backends import Backend
from iectox.errors import Issue, SourceError
from iectox.io.parquet import ARROW_TYPES, FIRST_ROW
from iectox.registry import Registry
from iectox.schema import CONTRACT, Column, Kind, Schema
from iectox.validate import RawTable, Settings
from iectox.validate.content import CELL_RULES
from iectox.validate.frames import Frames
from iectox.validate.registry import run_rules
from iectox.validate.structure import check_headers

OBSERVATIONS = CONTRACT.table("observations")
CELL_CHECKS = Registry("observation cells", CELL_RULES)


def _accepted(column: Column, stored: pa.DataType) -> bool:
    if column.kind in (Kind.TEXT, Kind.CATEGORY):
        return pa.types.is_string(stored) or pa.types.is_large_string(stored)
    if column.kind is Kind.INTEGER:
        return pa.types.is_integer(stored)
    if column.kind is Kind.DATETIME:
        return pa.types.is_timestamp(stored) and stored.tz is None
    return stored == ARROW_TYPES[column.kind]


def stored_columns(parts: Sequence[Path], where: str) -> tuple[list[str], list[Issue]]:
    """The contract's columns found in the observation files, and their header problems (unknown or missing
    columns, as for any file); `SourceError` when a column is stored with another type than the contract's."""
    import pyarrow.parquet as pq  # imported when used: a report of a workbook never reads Parquet

    schema = pq.read_schema(parts[0])
    for part in parts[1:]:
        if not pq.read_schema(part).equals(schema):
            raise SourceError(where, f"{part.name} has other columns or types than {parts[0].name}")
    companions = {time_known_column(c.name) for c in OBSERVATIONS.columns if c.kind is Kind.DATETIME}
    for name in companions & set(schema.names):
        if not pa.types.is_boolean(schema.field(name).type):
            raise SourceError(where, f"column {name} is stored as {schema.field(name).type}, not bool")
    headers = [name for name in schema.names if name not in companions]
    named, issues = check_headers(OBSERVATIONS, RawTable(where, None, pd.DataFrame(columns=headers)))
    for name in named.columns:
        if name not in schema.names:
            raise SourceError(where, f"the column read as {name} must be named exactly {name} for the engine")
        column = OBSERVATIONS.column(name)
        stored = schema.field(name).type
        if not _accepted(column, stored):
            raise SourceError(
                where,
                f"column {name} is stored as {stored}, not {ARROW_TYPES[column.kind]}: read the dataset with "
                "iectox validate and write it again as Parquet",
            )
    return [*named.columns, *sorted(companions & set(schema.names))], issues


def _literal(value: object) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def suspect(column: Column, present: bool) -> list[str]:
    """SQL conditions under which a cell rule may flag this column's value (`o` is the observations, each
    referenced table is joined as `known_<column>`).

    A column that refers to another table needs no pattern condition: the table's identifiers are validated,
    so a malformed value is never among them and the reference condition already selects its row."""
    name = f"o.{column.name}"
    if not present:
        return []
    found = []
    if column.required:
        found.append(f"{name} IS NULL")
    if column.vocabulary is not None:
        codes = " ".join(f"WHEN {_literal(code)} THEN true" for code in column.vocabulary.codes)
        found.append(f"{name} IS NOT NULL AND (CASE {name} {codes} END) IS NULL")  # faster than NOT IN
    if column.minimum is not None:
        found.append(f"{name} {'<=' if column.exclusive_minimum else '<'} {column.minimum!r}")
    if column.maximum is not None:
        found.append(f"{name} > {column.maximum!r}")
    if column.references is not None:
        found.append(f"{name} IS NOT NULL AND {_alias(column)}.{column.references.split('.')[1]} IS NULL")
    elif column.pattern is not None:
        found.append(f"NOT regexp_matches({name}, {_literal(column.pattern)})")
    return found


def suspect_rows(present: Sequence[str]) -> str:
    """True on every observation a cell rule could flag (a superset: the rules themselves then judge)."""
    conditions = [c for column in OBSERVATIONS.columns for c in suspect(column, column.name in present)]
    return " OR ".join(f"coalesce({c}, false)" for c in conditions) or "false"


def _alias(column: Column) -> str:
    return f"known_{column.name}"


def references(present: Sequence[str], tables: dict[str, str]) -> str:
    """LEFT JOINs of the tables the observations refer to, each as `known_<column>`; `tables` names the
    engine table to join for a referenced table (the infusions: the key table the grading joins anyway)."""
    joins = []
    for column in OBSERVATIONS.columns:
        if column.references is not None and column.name in present:
            table, key = column.references.split(".")
            joined = tables.get(table, f"(SELECT DISTINCT {key} FROM {table})")
            joins.append(
                f" LEFT JOIN {joined} AS {_alias(column)} ON o.{column.name} = {_alias(column)}.{key}"
            )
    return "".join(joins)


def _typed(rows: pa.Table, present: Sequence[str]) -> pd.DataFrame:
    """Suspect rows as the typed frame validation reads, indexed by their row number in the dataset."""
    index = pd.Index(rows.column("ord").to_numpy(zero_copy_only=False) + FIRST_ROW)
    frame = {}
    for column in OBSERVATIONS.columns:
        if column.name in present:
            values = rows.column(column.name).to_pandas()
            frame[column.name] = pd.Series(values.to_numpy(), index=index).astype(DTYPES[column.kind])
        else:
            frame[column.name] = pd.Series(pd.NA, index=index, dtype=DTYPES[column.kind])
    return pd.DataFrame(frame, index=index)


def observation_issues(
    backend: Backend, dataset: Dataset, present: Sequence[str], where: str, settings: Settings
) -> list[Issue]:
    """The cell rules' issues on the rows of the engine's `observations_aged` flagged `suspect`."""
    rows = backend.arrow("SELECT * FROM observations_aged WHERE suspect ORDER BY ord")
    frames = Frames(
        {"observations": _typed(rows, present), "infusions": dataset["infusions"]},
        {"observations": (where, None)},
        {("observations", c.name) for c in OBSERVATIONS.columns if c.name not in present},
        Schema((OBSERVATIONS,)),
    )
    return sorted(run_rules(frames, settings, CELL_CHECKS), key=lambda issue: issue.row or 0)
