"""Typed tables under validation, each row still numbered as the user sees it in their file."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from iectox.errors import Issue
from iectox.rules import Rule
from iectox.schema import CONTRACT, Schema
from iectox.validate.columnar import as_numpy, text_cells
from iectox.validate.excerpt import excerpt, visible


def fmt(value: object) -> str | None:
    """A value as the user would have typed it, for messages and the `value` field of an issue."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float):
        if value != value:
            return None
        return str(int(value)) if value.is_integer() else repr(float(value))
    if isinstance(value, pd.Timestamp):
        if value.hour == value.minute == value.second == 0:
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, bool | np.bool_):  # a boolean column's cell is NumPy's
        return "yes" if value else "no"
    return str(value)


@dataclass
class Frames:
    """Typed frames (index = row number shown to the user) and where each table came from.

    `refused` holds, per (table, column), the rows whose cell a rule has already refused (its type, its
    vocabulary, a required blank...): such a cell is blank for the rules after, and no rule reports it, or a
    row that reads it, again. One wrong value gives one error, not a cascade.
    `text` holds text columns in Arrow, so that rules on millions of cells run in C (`text_of`), and `rows`
    the rows each key refers to (`rows_in`), found once for the rules that follow the same key; both are
    dropped for a column when a cell of it is refused.
    """

    tables: dict[str, pd.DataFrame]
    sources: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    absent: set[tuple[str, str]] = field(default_factory=set)  # (table, column) missing from the file
    schema: Schema = CONTRACT
    refused: dict[tuple[str, str], set[int]] = field(default_factory=dict)
    text: dict[tuple[str, str], pa.Array | None] = field(default_factory=dict)
    rows: dict[tuple[str, str, str, str], np.ndarray] = field(default_factory=dict)

    def text_of(self, table: str, column: str) -> pa.Array | None:
        """`column` of `table` in Arrow, in the order of its rows (blank cells null), converted once; None
        when the column holds other values than text."""
        if (table, column) not in self.text:
            self.text[(table, column)] = text_cells(self.tables[table][column])
        return self.text[(table, column)]

    def rows_in(self, table: str, on: str, source: str, source_on: str | None = None) -> np.ndarray:
        """For each row of `table`, the position of the first row of `source` whose `source_on` (by default
        `on`) is its `on`; -1 when there is none."""
        source_on = source_on or on
        key = (table, on, source, source_on)
        if key not in self.rows:
            keys, held = self.tables[table][on], self.tables[source][source_on]
            self.rows[key] = first_rows(keys, held, self.text_of(table, on), self.text_of(source, source_on))
        return self.rows[key]

    def look_up(self, table: str, on: str, source: str, column: str) -> pd.Series:
        """For each row of `table`, `column` of the first row of `source` with the same `on` (NA: none)."""
        return taken(self.tables[source][column], self.rows_in(table, on, source), self.tables[table].index)

    def refuse(self, table: str, column: str, rows: Iterable[int]) -> None:
        """Record the cells as refused, and blank them in the typed table when it is there."""
        rows = [int(row) for row in rows]
        if not rows:
            return
        self.refused.setdefault((table, column), set()).update(rows)
        frame = self.tables.get(table)
        if frame is not None and column in frame:
            values = frame[column].copy()
            values.loc[rows] = pd.NA
            frame[column] = values  # a new column: a frame sharing the old one (`run_rules`) keeps it whole
            self.text.pop((table, column), None)
            self.rows = {
                key: rows for key, rows in self.rows.items() if (table, column) not in (key[:2], key[2:])
            }

    def refused_mask(self, table: str, column: str) -> pd.Series:
        """True on the rows of `table` whose `column` was refused."""
        index = self.tables[table].index
        return pd.Series(index.isin(list(self.refused.get((table, column), ()))), index=index)

    def _unjudged(self, rule: Rule, table: str, column: str) -> pd.Series | None:
        """The rows `rule` cannot judge at `column` of `table`: a cell it reads in that row was refused."""
        declared = (name.partition(".") for name in rule.columns)
        read = {column, *(name for where, _, name in declared if where == table)}
        masks = [self.refused_mask(table, name) for name in read if (table, name) in self.refused]
        return None if not masks else pd.concat(masks, axis=1).any(axis=1)

    def issue(
        self,
        table: str,
        row: int | None,
        column: str | None,
        value: str | None,
        rule: str,
        message: str,
        severity: str = "error",
        template: str | None = None,
        values: Mapping[str, str] | None = None,
    ) -> Issue:
        file, sheet = self.sources.get(table, (f"{table}.csv", None))
        row = None if row is None else int(row)
        return Issue(file, sheet, row, column, value, rule, message, severity, template, dict(values or {}))

    def flag(
        self,
        rule: Rule,
        table: str,
        column: str,
        mask: pd.Series,
        template: str | None = None,
        /,
        **values: object,
    ) -> Iterator[Issue]:
        """One issue of `rule` per row where `mask` is true, located at `column` of `table`.

        The sentence is the rule's template (or another of its templates) filled with `values`: a Series gives
        each row its own value (data: quoted as an `excerpt`), anything else is the same on every row. Only the
        flagged rows are formatted.
        The arguments before `values` are positional, so a placeholder may be called `column` or `table`.
        """
        frame = self.tables[table]
        text = template or rule.message
        unjudged = self._unjudged(rule, table, column)
        if unjudged is not None:
            mask = mask.fillna(False).astype(bool) & ~unjudged
        for row in mask.index[mask.to_numpy(dtype=bool, na_value=False)]:
            filled = {
                name: excerpt(fmt(value[row]) or "") if isinstance(value, pd.Series) else fmt(value) or ""
                for name, value in values.items()
            }
            message = text.format(**filled)
            cell = fmt(frame.at[row, column])
            value = None if cell is None else visible(cell)
            yield self.issue(table, row, column, value, rule.id, message, rule.severity, text, filled)


def first_rows(
    keys: pd.Series, source: pd.Series, text: pa.Array | None = None, source_text: pa.Array | None = None
) -> np.ndarray:
    """For each key, the position of the first row of `source` holding it; -1 for a blank key or one that
    `source` does not hold. `text`, `source_text`: both in Arrow, if known (the search is then in C)."""
    if text is not None and source_text is not None:
        found = pc.index_in(text, value_set=source_text, skip_nulls=True)
        return as_numpy(pc.fill_null(found, -1)).astype(np.intp)
    present = np.flatnonzero(source.notna().to_numpy())
    held = source.iloc[present]
    first = ~held.duplicated().to_numpy()
    where = pd.Index(held[first]).get_indexer(keys)
    rows = np.full(len(keys), -1, dtype=np.intp)
    rows[where >= 0] = present[first][where[where >= 0]]
    return rows


def taken(values: pd.Series, rows: np.ndarray, index: pd.Index) -> pd.Series:
    """`values` at the positions `rows` (NA at -1), on `index`."""
    return pd.Series(values.array.take(rows, allow_fill=True), index=index).astype(values.dtype)
