"""What would change, row by row, if a dataset were replaced by another: rows added, removed and changed.

    changes = diff_datasets(read_dataset("registry_march.xlsx"), read_dataset("registry_april.xlsx"))
    changes.counts()                       # {"patients": {"added": 2, "removed": 0, "changed": 1, ...}, ...}
    changes["infusions"].changed[0]        # ChangedRow(key=("INF-0003",), changes=(CellChange("weight_kg",
                                           #            71.4, 72.0),))

Rows are matched table by table on their key (the contract's `key`; for a table without one, such as the
observations, its references and required date-times: `infusion_id` and `observed_at`, rows sharing a key
paired in their order). Comparisons are exact, as the values are stored: a date-time known to the hour differs
from the same day without its hour (2024-03-06 00:00 is not 2024-03-06), a blank differs from any value, and
numbers are compared as the floats they are (71.4 is not 71.40000000000002). Values are given as Python values:
text, int, float, bool, `datetime.date` for a date or a date-time whose hour was not recorded,
`datetime.datetime` for a date-time with its hour, None for a blank. Vectorised: only the rows that differ are
turned into Python objects.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

from iectox.dataset import Dataset, time_known_column
from iectox.io.text import column_text
from iectox.schema import CONTRACT, Column, Kind, Table

OCCURRENCE = "__occurrence"
BLANK_KEY = "\x00"  # a blank key cell, distinct from every text a key can hold


@dataclass(frozen=True)
class CellChange:
    """One cell that differs: its column, the old and the new value (None for a blank)."""

    column: str
    old: Any
    new: Any


@dataclass(frozen=True)
class Row:
    """A row added or removed: its key, every value, and its position in its table (the new dataset's for a row
    added, the old one's for a row removed), so that a program applying the diff finds it."""

    key: tuple[Any, ...]
    values: Mapping[str, Any]
    position: int = field(default=-1, compare=False)


@dataclass(frozen=True)
class ChangedRow:
    """A row present in both datasets whose values differ: its key, each cell that changed, and its positions
    in the old and the new table (rows without a key of their own, sharing one, are told apart by them)."""

    key: tuple[Any, ...]
    changes: tuple[CellChange, ...]
    old_position: int = field(default=-1, compare=False)
    new_position: int = field(default=-1, compare=False)


@dataclass(frozen=True)
class TableDiff:
    """One table's differences, rows in the new dataset's order (removed rows in the old one's)."""

    table: str
    key: tuple[str, ...]
    added: tuple[Row, ...]
    removed: tuple[Row, ...]
    changed: tuple[ChangedRow, ...]
    unchanged: int

    @property
    def same(self) -> bool:
        return not (self.added or self.removed or self.changed)

    def counts(self) -> dict[str, int]:
        return {
            "added": len(self.added),
            "removed": len(self.removed),
            "changed": len(self.changed),
            "unchanged": self.unchanged,
        }


@dataclass(frozen=True)
class DatasetDiff:
    """Every table's differences, in the contract's order."""

    tables: tuple[TableDiff, ...]

    def __getitem__(self, table: str) -> TableDiff:
        for diff in self.tables:
            if diff.table == table:
                return diff
        raise KeyError(f"the dataset has no table {table!r}")

    def __iter__(self) -> Iterator[TableDiff]:
        return iter(self.tables)

    @property
    def same(self) -> bool:
        return all(diff.same for diff in self.tables)

    def counts(self) -> dict[str, dict[str, int]]:
        return {diff.table: diff.counts() for diff in self.tables}

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: per table its key, counts and rows; dates and date-times as ISO text."""
        return {
            "same": self.same,
            "tables": [
                {
                    "table": d.table,
                    "key": list(d.key),
                    **d.counts(),
                    "added_rows": [_row_dict(d.key, r.key, r.values) for r in d.added],
                    "removed_rows": [_row_dict(d.key, r.key, r.values) for r in d.removed],
                    "changed_rows": [
                        {
                            "key": dict(zip(d.key, map(_json, r.key), strict=True)),
                            "changes": [
                                {"column": c.column, "old": _json(c.old), "new": _json(c.new)}
                                for c in r.changes
                            ],
                        }
                        for r in d.changed
                    ],
                }
                for d in self.tables
            ],
        }


def _json(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds" if value.second else "minutes")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _row_dict(names: tuple[str, ...], key: tuple[Any, ...], values: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "key": dict(zip(names, map(_json, key), strict=True)),
        "values": {k: _json(v) for k, v in values.items()},
    }


def table_key(table: Table) -> tuple[str, ...]:
    """The columns that identify a row: the table's key, else its references and required date-times."""
    if table.key:
        return (table.key,)
    return tuple(c.name for c in table.columns if c.references or (c.required and c.kind is Kind.DATETIME))


def _python(frame: pd.DataFrame, column: Column, rows: np.ndarray) -> list[Any]:
    """The values of `column` at positions `rows` as Python values (see the module's docstring)."""
    values = frame[column.name].iloc[rows]
    if column.kind in (Kind.DATE, Kind.DATETIME):
        known = (
            frame[time_known_column(column.name)].iloc[rows].fillna(False).to_numpy(dtype=bool)
            if column.kind is Kind.DATETIME
            else np.zeros(len(rows), dtype=bool)
        )
        return [
            None if pd.isna(v) else (v.to_pydatetime() if k else v.date())
            for v, k in zip(values, known, strict=True)
        ]
    if column.kind is Kind.NUMBER:
        return [None if np.isnan(v) else float(v) for v in values.to_numpy(dtype="float64", na_value=np.nan)]
    if column.kind is Kind.INTEGER:
        return [None if pd.isna(v) else int(v) for v in values]
    if column.kind is Kind.BOOLEAN:
        return [None if pd.isna(v) else bool(v) for v in values]
    return [None if pd.isna(v) else str(v) for v in values]


def _differs(old: pd.DataFrame, new: pd.DataFrame, column: Column) -> np.ndarray:
    """Per aligned row pair, whether the cell differs: exact values, blank against value, and for a date-time
    whether its hour was recorded."""
    a, b = old[column.name], new[column.name]
    if column.kind is Kind.NUMBER:
        x, y = a.to_numpy(dtype="float64", na_value=np.nan), b.to_numpy(dtype="float64", na_value=np.nan)
        return ~((x == y) | (np.isnan(x) & np.isnan(y)))
    blank_a, blank_b = a.isna().to_numpy(), b.isna().to_numpy()
    equal = (a.reset_index(drop=True) == b.reset_index(drop=True)).fillna(False).to_numpy(dtype=bool)
    if column.kind is Kind.DATETIME:
        companion = time_known_column(column.name)
        ka = old[companion].fillna(False).to_numpy(dtype=bool)
        kb = new[companion].fillna(False).to_numpy(dtype=bool)
        equal &= ka == kb
    return ~(equal | (blank_a & blank_b))


def _keys(frame: pd.DataFrame, table: Table, names: tuple[str, ...]) -> pd.DataFrame:
    """The key as text (ISO dates, a date alone when the hour is unknown), with each row's occurrence among
    the rows that share it, so that rows sharing a key are paired in their order."""
    keys = pd.DataFrame(
        {
            name: column_text(frame, table.column(name)).where(frame[name].notna(), BLANK_KEY)
            for name in names
        },
        index=frame.index,
    )
    keys[OCCURRENCE] = keys.groupby(list(names), sort=False).cumcount()
    return keys


def diff_table(old: pd.DataFrame, new: pd.DataFrame, table: Table) -> TableDiff:
    """The differences between two frames of one table (each with the contract's columns and dtypes)."""
    names = table_key(table)
    old, new = old.reset_index(drop=True), new.reset_index(drop=True)
    left = _keys(old, table, names).assign(__old=np.arange(len(old)))
    right = _keys(new, table, names).assign(__new=np.arange(len(new)))
    pairs = left.merge(right, on=[*names, OCCURRENCE], how="outer", sort=False)
    both = pairs.dropna(subset=["__old", "__new"])
    old_rows = both["__old"].to_numpy(dtype=np.int64)
    new_rows = both["__new"].to_numpy(dtype=np.int64)
    order = np.argsort(new_rows, kind="stable")
    old_rows, new_rows = old_rows[order], new_rows[order]
    paired_old, paired_new = old.iloc[old_rows], new.iloc[new_rows]
    compared = [c for c in table.columns if c.name not in names]
    masks = {c.name: _differs(paired_old, paired_new, c) for c in compared}
    any_change = np.zeros(len(old_rows), dtype=bool)
    for mask in masks.values():
        any_change |= mask
    where = np.flatnonzero(any_change)
    cells: dict[str, dict[int, CellChange]] = {}
    for column in compared:
        hit = where[masks[column.name][where]]
        if len(hit):
            before = _python(old, column, old_rows[hit])
            after = _python(new, column, new_rows[hit])
            cells[column.name] = {
                int(i): CellChange(column.name, b, a) for i, b, a in zip(hit, before, after, strict=True)
            }
    keys = _key_values(new, table, names, new_rows[where])
    changed = tuple(
        ChangedRow(
            key,
            tuple(cells[c.name][int(i)] for c in compared if int(i) in cells.get(c.name, {})),
            int(old_rows[i]),
            int(new_rows[i]),
        )
        for i, key in zip(where, keys, strict=True)
    )
    added = np.sort(pairs.loc[pairs["__old"].isna(), "__new"].to_numpy(dtype=np.int64))
    removed = np.sort(pairs.loc[pairs["__new"].isna(), "__old"].to_numpy(dtype=np.int64))
    return TableDiff(
        table.name,
        names,
        _rows(new, table, names, added),
        _rows(old, table, names, removed),
        changed,
        int(len(old_rows) - len(where)),
    )


def _key_values(frame: pd.DataFrame, table: Table, names: tuple[str, ...], rows: np.ndarray) -> list[tuple]:
    columns = [_python(frame, table.column(name), rows) for name in names]
    return list(zip(*columns, strict=True)) if columns else [() for _ in rows]


def _rows(frame: pd.DataFrame, table: Table, names: tuple[str, ...], rows: np.ndarray) -> tuple[Row, ...]:
    values = {c.name: _python(frame, c, rows) for c in table.columns}
    keys = _key_values(frame, table, names, rows)
    return tuple(
        Row(key, {name: values[name][i] for name in values}, int(rows[i])) for i, key in enumerate(keys)
    )


def diff_datasets(old: Dataset, new: Dataset) -> DatasetDiff:
    """What replacing `old` by `new` would change, table by table, row by row."""
    return DatasetDiff(tuple(diff_table(old[t.name], new[t.name], t) for t in CONTRACT.tables))


__all__ = [
    "CellChange",
    "ChangedRow",
    "DatasetDiff",
    "Row",
    "TableDiff",
    "diff_datasets",
    "diff_table",
    "table_key",
]
