"""`Dataset`: the tables of one study, typed as the contract says, in pandas.

Column dtypes follow the contract: text and categories are pandas ``string``, integers ``Int64``, numbers
``float64``, yes/no ``boolean``, dates and date-times ``datetime64[ns]``. Each date-and-time column has a
companion ``<column>_time_known`` (``boolean``): False when only the day was recorded, so that no hour is
ever invented and hour-level delays can leave such values out.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import pandas as pd

from iectox.schema import CONTRACT, Kind, Schema, Table

DTYPES: dict[Kind, str] = {
    Kind.TEXT: "string",
    Kind.CATEGORY: "string",
    Kind.INTEGER: "Int64",
    Kind.NUMBER: "float64",
    Kind.BOOLEAN: "boolean",
    Kind.DATE: "datetime64[ns]",
    Kind.DATETIME: "datetime64[ns]",
}
TIME_KNOWN = "_time_known"


def time_known_column(name: str) -> str:
    return name + TIME_KNOWN


def conform(table: Table, frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` with exactly the table's columns, in order, with the contract's dtypes.

    Optional columns that are absent are added empty. A missing ``*_time_known`` companion is taken as True
    wherever the time is present: the caller supplied full timestamps.
    """
    out: dict[str, pd.Series] = {}
    n = len(frame)
    for column in table.columns:
        dtype = DTYPES[column.kind]
        if column.name in frame:
            values = frame[column.name]
            if column.kind in (Kind.DATE, Kind.DATETIME):
                values = pd.to_datetime(values, cache=False)  # its cache first boxes 50 values, unique or not
                if column.kind is Kind.DATE:
                    values = values.dt.normalize()
                values = values.astype(dtype, copy=False)
            else:
                values = values.astype(dtype, copy=False)  # the frame below is built from copies
        else:
            values = pd.Series(pd.array([None] * n, dtype=dtype), index=frame.index)
        out[column.name] = values
        if column.kind is Kind.DATETIME:
            companion = time_known_column(column.name)
            known = frame[companion] if companion in frame else values.notna()
            out[companion] = known.astype("boolean").mask(values.isna())
    conformed = pd.DataFrame(out, index=frame.index)  # a dict of Series is copied into the new frame
    conformed.index = pd.RangeIndex(len(conformed))
    return conformed


_EMPTY: dict[tuple[tuple[str, Kind], ...], pd.DataFrame] = {}  # by the columns' names and kinds


def _empty(table: Table) -> pd.DataFrame:
    """The table's frame without rows, as `conform` makes it: conformed once per set of columns, then copied
    (conforming an empty table costs about 2 ms, and a record's check or a form's rows leave several tables
    empty at every request)."""
    key = tuple((column.name, column.kind) for column in table.columns)
    if key not in _EMPTY:
        _EMPTY[key] = conform(table, pd.DataFrame(columns=table.column_names))
    return _EMPTY[key].copy()


@dataclass
class Dataset:
    """The tables of one study, keyed by table name; every contract table is present (possibly empty)."""

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    schema: Schema = CONTRACT

    def __post_init__(self) -> None:
        unknown = set(self.tables) - set(self.schema.table_names)
        if unknown:
            raise KeyError(f"not tables of the contract: {sorted(unknown)}")
        self.tables = {
            t.name: conform(t, self.tables[t.name]) if t.name in self.tables else _empty(t)
            for t in self.schema.tables
        }

    @classmethod
    def from_frames(cls, frames: Mapping[str, pd.DataFrame]) -> Dataset:
        return cls(dict(frames))

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.tables)

    def counts(self) -> dict[str, int]:
        return {name: len(frame) for name, frame in self.tables.items()}

    def equals(self, other: Dataset) -> bool:
        """Same tables, same rows in the same order, same values and dtypes."""
        return all(self[name].equals(other[name]) for name in self.tables)
