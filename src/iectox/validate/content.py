"""Rules on single cells and on one column: required, vocabulary, range, pattern, uniqueness, references.

Each is a `Rule` whose check of one column (`ColumnCheck`) runs on every column of the contract that declares
the property it checks (a vocabulary, a range...), so a new column needs no new code.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from iectox.errors import Issue
from iectox.i18n import N_
from iectox.rules import Rule
from iectox.schema import Column, Table
from iectox.validate.columnar import full_matches, is_in, present, strictly_increasing
from iectox.validate.frames import Frames

CONTRACT_SOURCE = "dataset contract (docs/data_dictionary.md)"


@dataclass(frozen=True)
class ColumnCheck:
    """The `evaluate` of a cell rule: `check` of one column, run on every column of every table read."""

    check: Callable[[Frames, Table, Column], Iterator[Issue]]

    def __call__(self, frames: Frames) -> Iterator[Issue]:
        for table in frames.schema.tables:
            if table.name in frames.tables:
                for column in table.columns:
                    yield from self.check(frames, table, column)


def _range_template(column: Column) -> str:
    """The out-of-range sentence for the shape of `column`'s bounds, with {low}, {high} and {unit}: a whole
    sentence per shape, so that a translation never has to assemble English fragments."""
    if column.minimum is not None and column.maximum is not None:
        return N_("{column} {value} is outside the plausible range {low}-{high}{unit}")
    if column.exclusive_minimum:
        return N_("{column} {value} is outside the plausible range greater than {low}{unit}")
    if column.minimum is not None:
        return N_("{column} {value} is outside the plausible range at least {low}{unit}")
    return N_("{column} {value} is outside the plausible range at most {high}{unit}")


def _required(frames: Frames, table: Table, column: Column) -> Iterator[Issue]:
    if column.required and (table.name, column.name) not in frames.absent:
        text = frames.text.get((table.name, column.name))
        if text is not None and text.null_count == 0:
            return
        blank = frames.tables[table.name][column.name].isna()
        yield from frames.flag(REQUIRED, table.name, column.name, blank, column=column.name, table=table.name)


def _vocabulary(frames: Frames, table: Table, column: Column) -> Iterator[Issue]:
    vocab = column.vocabulary
    if vocab is None:
        return
    values = frames.tables[table.name][column.name]
    text = frames.text_of(table.name, column.name)
    if text is not None:
        unknown = pd.Series(present(text) & ~is_in(text, list(vocab.codes)), index=values.index)
    else:
        unknown = values.notna() & ~values.isin(vocab.codes)
    if unknown.any():
        hints = values[unknown].map(vocab.suggest).reindex(values.index)
        placeholders = {"value": values, "column": column.name, "allowed": ", ".join(vocab.codes)}
        plain = frames.flag(VOCABULARY, table.name, column.name, unknown & hints.isna(), **placeholders)
        hinted = frames.flag(
            VOCABULARY,
            table.name,
            column.name,
            unknown & hints.notna(),
            VOCABULARY_HINT,
            hint=hints,
            **placeholders,
        )
        yield from sorted((*plain, *hinted), key=lambda issue: issue.row or 0)


def _range(frames: Frames, table: Table, column: Column) -> Iterator[Issue]:
    if column.minimum is None and column.maximum is None:
        return
    values = frames.tables[table.name][column.name]
    numbers = values.to_numpy(dtype=np.float64, na_value=np.nan)  # a blank is never outside
    outside = np.zeros(len(numbers), dtype=bool)
    if column.minimum is not None:
        outside |= numbers <= column.minimum if column.exclusive_minimum else numbers < column.minimum
    if column.maximum is not None:
        outside |= numbers > column.maximum
    if not outside.any():
        return
    yield from frames.flag(
        RANGE,
        table.name,
        column.name,
        pd.Series(outside, index=values.index),
        _range_template(column),
        column=column.name,
        value=values,
        low=column.minimum,
        high=column.maximum,
        unit=f" {column.unit}" if column.unit else "",
    )


def _pattern(frames: Frames, table: Table, column: Column) -> Iterator[Issue]:
    if column.pattern is None:
        return
    values = frames.tables[table.name][column.name]
    text = frames.text_of(table.name, column.name)
    written = values.notna() if text is None else pd.Series(present(text), index=values.index)
    malformed = written & ~full_matches(values, column.pattern, text)
    yield from frames.flag(
        PATTERN,
        table.name,
        column.name,
        malformed,
        column=column.name,
        value=values,
        pattern_text=column.pattern_name,
    )


def _unique(frames: Frames, table: Table, column: Column) -> Iterator[Issue]:
    if not column.unique:
        return
    text = frames.text_of(table.name, column.name)
    if text is not None and strictly_increasing(text):
        return  # identifiers written in order, as most files hold them: none can repeat
    values = frames.tables[table.name][column.name]
    repeated = values.notna() & values.duplicated(keep="first")
    if repeated.any():
        first = values[values.notna()].drop_duplicates(keep="first")
        first_row = values.map(pd.Series(first.index, index=first.to_numpy()))
        yield from frames.flag(
            UNIQUE,
            table.name,
            column.name,
            repeated,
            column=column.name,
            value=values,
            first_row=first_row,
            table=table.name,
        )


def _reference(frames: Frames, table: Table, column: Column) -> Iterator[Issue]:
    if column.references is None:
        return
    target_table, target_column = column.references.split(".")
    if frames.refused.get((target_table, target_column)):
        return  # a refused identifier may be the one referred to: references are checked once it is fixed
    values = frames.tables[table.name][column.name]
    text = frames.text_of(table.name, column.name)
    written = values.notna().to_numpy() if text is None else present(text)
    if target_table in frames.tables:  # the rows found once, for this rule and the look-ups by the same key
        found = frames.rows_in(table.name, column.name, target_table, target_column) >= 0
    else:
        found = np.zeros(len(values), dtype=bool)
    missing = pd.Series(written & ~found, index=values.index)
    yield from frames.flag(
        REFERENCE, table.name, column.name, missing, column=column.name, value=values, target=target_table
    )


REQUIRED = Rule(
    id="required",
    severity="error",
    source=CONTRACT_SOURCE,
    title="A required cell is blank.",
    message=N_("{column} is required in {table} and is blank"),
    evaluate=ColumnCheck(_required),
)
VOCABULARY = Rule(
    id="vocabulary",
    severity="error",
    source=CONTRACT_SOURCE,
    title="A value outside the column's vocabulary (synonyms are accepted), with a 'did you mean'.",
    message=N_("'{value}' is not an allowed {column} (allowed: {allowed})"),
    evaluate=ColumnCheck(_vocabulary),
)
VOCABULARY_HINT = N_("'{value}' is not an allowed {column}; did you mean '{hint}'? (allowed: {allowed})")
RANGE = Rule(
    id="range",
    severity="error",
    source=CONTRACT_SOURCE + "; each range's clinical reason is given beside it in iectox.schema.contract",
    title="A number outside the plausible range of its column (e.g. weight 2-250 kg, dose > 0).",
    message=N_("{column} {value} is outside the plausible range {low}-{high}{unit}"),
    evaluate=ColumnCheck(_range),
)
PATTERN = Rule(
    id="pattern",
    severity="error",
    source=CONTRACT_SOURCE,
    title="An identifier with spaces or characters other than letters, digits, '_', '.', '-'.",
    message=N_("{column} '{value}' is not valid: {pattern_text}"),
    evaluate=ColumnCheck(_pattern),
)
UNIQUE = Rule(
    id="unique",
    severity="error",
    source=CONTRACT_SOURCE,
    title="An identifier used twice; reported on the repeat, naming the first row.",
    message=N_("{column} '{value}' already appears on row {first_row} of {table}"),
    evaluate=ColumnCheck(_unique),
)
REFERENCE = Rule(
    id="reference",
    severity="error",
    source=CONTRACT_SOURCE,
    title="An identifier that does not exist in the table it refers to.",
    message=N_("{column} '{value}' does not exist in {target}"),
    evaluate=ColumnCheck(_reference),
)
CELL_RULES = (REQUIRED, VOCABULARY, RANGE, PATTERN, UNIQUE, REFERENCE)


def check_column(frames: Frames, table: Table, column: Column) -> Iterator[Issue]:
    """Every cell rule on one column (for tables outside the contract, e.g. the vials inventory)."""
    for rule in CELL_RULES:
        yield from rule.evaluate.check(frames, table, column)
