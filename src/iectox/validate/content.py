"""Rules on single cells and on one column: required, vocabulary, range, pattern, uniqueness, references."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pandas as pd

from iectox.errors import Issue
from iectox.schema import Column, Kind, Schema, Table
from iectox.validate.frames import Frames, fmt


def _issues(
    frames: Frames,
    table: str,
    column: str,
    mask: pd.Series,
    rule: str,
    message: str | Callable[[object], str],
) -> Iterator[Issue]:
    """One issue per flagged cell; the message is built only for those cells, from the cell's value."""
    frame = frames.tables[table]
    for row in mask.index[mask.to_numpy(dtype=bool, na_value=False)]:
        value = frame.at[row, column]
        text = message if isinstance(message, str) else message(value)
        yield frames.issue(table, row, column, fmt(value), rule, text)


def _range_text(column: Column) -> str:
    unit = f" {column.unit}" if column.unit else ""
    if column.minimum is not None and column.maximum is not None:
        return f"{fmt(column.minimum)}-{fmt(column.maximum)}{unit}"
    if column.exclusive_minimum:
        return f"greater than {fmt(column.minimum)}{unit}"
    return (
        f"at least {fmt(column.minimum)}{unit}" if column.minimum is not None else f"at most {column.maximum}"
    )


def check_column(frames: Frames, table: Table, column: Column) -> Iterator[Issue]:
    values = frames.tables[table.name][column.name]
    name = column.name
    if column.required and (table.name, name) not in frames.absent:
        yield from _issues(
            frames,
            table.name,
            name,
            values.isna(),
            "required",
            f"{name} is required in {table.name} and is blank",
        )
    if column.vocabulary is not None:
        vocab = column.vocabulary
        unknown = values.notna() & ~values.isin(vocab.codes)
        if unknown.any():

            def explain(value: object) -> str:
                hint = vocab.suggest(value)
                did_you_mean = f"; did you mean '{hint}'?" if hint else ""
                return f"'{value}' is not an allowed {name}{did_you_mean} (allowed: {', '.join(vocab.codes)})"

            yield from _issues(frames, table.name, name, unknown, "vocabulary", explain)
    if column.kind in (Kind.NUMBER, Kind.INTEGER) and (
        column.minimum is not None or column.maximum is not None
    ):
        outside = pd.Series(False, index=values.index)
        if column.minimum is not None:
            low = values <= column.minimum if column.exclusive_minimum else values < column.minimum
            outside |= low.fillna(False).astype(bool)
        if column.maximum is not None:
            outside |= (values > column.maximum).fillna(False).astype(bool)
        yield from _issues(
            frames,
            table.name,
            name,
            outside,
            "range",
            lambda v: f"{name} {fmt(v)} is outside the plausible range {_range_text(column)}",
        )
    if column.pattern is not None:
        malformed = values.notna() & ~values.fillna("").str.fullmatch(column.pattern)
        yield from _issues(
            frames,
            table.name,
            name,
            malformed,
            "pattern",
            lambda v: f"{name} '{v}' is not valid: {column.pattern_name}",
        )
    if column.unique:
        repeated = values.notna() & values.duplicated(keep="first")
        if repeated.any():
            first = values[values.notna()].drop_duplicates(keep="first")
            first_row = dict(zip(first, first.index, strict=True))
            yield from _issues(
                frames,
                table.name,
                name,
                repeated,
                "unique",
                lambda v: f"{name} '{v}' already appears on row {first_row.get(v)} of {table.name}",
            )


def check_references(frames: Frames, schema: Schema) -> Iterator[Issue]:
    for table in schema.tables:
        for column in table.columns:
            if column.references is None or table.name not in frames.tables:
                continue
            target_table, target_column = column.references.split(".")
            values = frames.tables[table.name][column.name]
            known = (
                frames.tables[target_table][target_column] if target_table in frames.tables else pd.Series()
            )
            missing = values.notna() & ~values.isin(known.dropna())
            yield from _issues(
                frames,
                table.name,
                column.name,
                missing,
                "reference",
                lambda v, t=target_table, c=column.name: f"{c} '{v}' does not exist in {t}",
            )


def check_cells(frames: Frames, schema: Schema) -> Iterator[Issue]:
    for table in schema.tables:
        if table.name in frames.tables:
            for column in table.columns:
                yield from check_column(frames, table, column)
    yield from check_references(frames, schema)
