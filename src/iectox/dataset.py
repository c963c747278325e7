"""`Dataset`: the tables of one study, typed as the contract says, in pandas.

Column dtypes follow the contract: text and categories are pandas ``string``, integers ``Int64``, numbers
``float64``, yes/no ``boolean``, dates and date-times ``datetime64[ns]``. Each date-and-time column has a
companion ``<column>_time_known`` (``boolean``): False when only the day was recorded, so that no hour is
ever invented and hour-level delays can leave such values out.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator, Mapping
from dataclasses import dataclass, field

import pandas as pd
from pandas._typing import ArrayLike
from pandas.api.extensions import ExtensionArray, ExtensionDtype

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
EXTENSION_DTYPES = frozenset({"string", "Int64", "boolean"})
TIME_KNOWN = "_time_known"


def time_known_column(name: str) -> str:
    return name + TIME_KNOWN


def conform(table: Table, frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` with exactly the table's columns, in order, with the contract's dtypes.

    Optional columns that are absent are added empty. A missing ``*_time_known`` companion is taken as True
    wherever the time is present: the caller supplied full timestamps.

    Each column is converted as an array and the frame is built once from the arrays on a new range index:
    a column already of its dtype is not converted again, and no column is aligned on an index (a few rows,
    as a web form or one patient's page reads, cost about a third of converting each column as a Series).
    """
    out: dict[str, ArrayLike] = {}
    n = len(frame)
    for column in table.columns:
        dtype = DTYPES[column.kind]
        if column.name in frame:
            values = frame[column.name]
            if column.kind in (Kind.DATE, Kind.DATETIME):
                if values.dtype != dtype:
                    values = pd.to_datetime(values, cache=False)  # its cache first boxes 50 values
                if column.kind is Kind.DATE:
                    values = values.dt.normalize()
                array = values.array if values.dtype == dtype else values.astype(dtype).array
            else:
                array = values.array if values.dtype == dtype else _converted(values, dtype)
        else:
            array = pd.array([None] * n, dtype=dtype)
        out[column.name] = array
        if column.kind is Kind.DATETIME:
            companion = time_known_column(column.name)
            blank = pd.isna(array)
            known = frame[companion].array if companion in frame else ~blank
            known = pd.array(known, dtype="boolean")  # a copy (pd.array copies): the caller's frame is left
            known[blank] = pd.NA
            out[companion] = known
    return pd.DataFrame(out, index=pd.RangeIndex(n), copy=True)


def _converted(values: pd.Series, dtype: str) -> ArrayLike:
    """`values` in `dtype`: a NumPy column into an extension dtype (text, Int64, boolean) by the extension
    array's own constructor, as `astype` does it, without making a Series on the way (half the cost)."""
    if dtype in EXTENSION_DTYPES and not isinstance(values.dtype, ExtensionDtype):
        return pd.array(values.to_numpy(), dtype=dtype)
    return values.astype(dtype, copy=False).array


@dataclass(frozen=True, eq=False)
class Validated:
    """The mark of a validation that found no error: under which settings (`key`), and a copy of every
    column's values as they were then (`values`), so that a change to any cell since, in place or not, is
    seen and the dataset validated again. The copy holds the cells' own objects (text is not copied)."""

    key: Hashable
    values: Mapping[str, Mapping[str, ExtensionArray]]

    @classmethod
    def of(
        cls,
        tables: Mapping[str, pd.DataFrame],
        key: Hashable,
        checked: Mapping[str, pd.DataFrame] | None = None,
    ) -> Validated:
        """The mark of `tables`. `checked`: the frames the validation read, which the dataset's tables were
        copied from (`conform`) and nothing else holds: their arrays are kept as the copy, where they are
        not the tables' own; any other column is copied."""
        values = {}
        for name, frame in tables.items():
            source = checked.get(name) if checked is not None else None
            values[name] = {column: _kept(frame[column].array, source, column) for column in frame.columns}
        return cls(key, values)

    def holds(self, tables: Mapping[str, pd.DataFrame], key: Hashable) -> bool:
        """Whether `tables` are, cell for cell, those validated, and under the same `key`."""
        return (
            key == self.key
            and list(tables) == list(self.values)
            and all(_same(self.values[name], frame) for name, frame in tables.items())
        )


def _kept(array: ExtensionArray, checked: pd.DataFrame | None, column: str) -> ExtensionArray:
    if checked is not None and column in checked and checked[column].array is not array:
        return checked[column].array
    return array.copy()


def _same(values: Mapping[str, ExtensionArray], frame: pd.DataFrame) -> bool:
    if list(frame.columns) != list(values):
        return False
    for name, before in values.items():
        now = frame[name].array
        if now.dtype != before.dtype or len(now) != len(before) or not now.equals(before):
            return False
    return True


_EMPTY: dict[tuple[tuple[str, Kind], ...], pd.DataFrame] = {}  # by the columns' names and kinds


def empty_frame(table: Table) -> pd.DataFrame:
    """The table's frame without rows, as `conform` makes it: conformed once per set of columns, then copied
    (conforming an empty table costs about 2 ms, and a record's check or a form's rows leave several tables
    empty at every request; `Dataset()[name]` would copy every table's)."""
    key = tuple((column.name, column.kind) for column in table.columns)
    if key not in _EMPTY:
        _EMPTY[key] = conform(table, pd.DataFrame(columns=table.column_names))
    return _EMPTY[key].copy()


@dataclass
class Dataset:
    """The tables of one study, keyed by table name; every contract table is present (possibly empty).

    `validated` is set by a validation that found no error (`iectox.validate`), so that a dataset read and
    checked is written without being checked again; any change to a cell since voids it (`Validated`)."""

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    schema: Schema = CONTRACT
    validated: Validated | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        unknown = set(self.tables) - set(self.schema.table_names)
        if unknown:
            raise KeyError(f"not tables of the contract: {sorted(unknown)}")
        self.tables = {
            t.name: conform(t, self.tables[t.name]) if t.name in self.tables else empty_frame(t)
            for t in self.schema.tables
        }

    @classmethod
    def from_frames(cls, frames: Mapping[str, pd.DataFrame]) -> Dataset:
        return cls(dict(frames))

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.tables)

    def mark_valid(self, key: Hashable, checked: Mapping[str, pd.DataFrame] | None = None) -> None:
        """Record that a validation under `key` (the settings its rules read) found no error in the tables
        as they are now (`checked`: the frames it read, if the tables were made from them; `Validated.of`)."""
        self.validated = Validated.of(self.tables, key, checked)

    def valid_under(self, key: Hashable) -> bool:
        """Whether a validation under `key` found no error in the tables as they are now, cell for cell."""
        return self.validated is not None and self.validated.holds(self.tables, key)

    def counts(self) -> dict[str, int]:
        return {name: len(frame) for name, frame in self.tables.items()}

    def equals(self, other: Dataset) -> bool:
        """Same tables, same rows in the same order, same values and dtypes."""
        return all(self[name].equals(other[name]) for name in self.tables)
