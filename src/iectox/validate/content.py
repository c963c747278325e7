"""Rules on single cells and on one column: required, vocabulary, range, pattern, uniqueness, references."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace

import pandas as pd

from iectox.errors import Issue
from iectox.i18n import N_
from iectox.schema import Column, Kind, Schema, Table
from iectox.validate.frames import Frames, fmt


def _issues(
    frames: Frames,
    table: str,
    column: str,
    mask: pd.Series,
    rule: str,
    template: str | Callable[[object], str],
    values: Callable[[object], dict[str, object]] = lambda value: {},
) -> Iterator[Issue]:
    """One issue per flagged cell, its English message the template filled with the cell's values; the
    template and the values travel with the issue so that it can be printed in another language."""
    frame = frames.tables[table]
    for row in mask.index[mask.to_numpy(dtype=bool, na_value=False)]:
        value = frame.at[row, column]
        text = template if isinstance(template, str) else template(value)
        filled = {"column": column, "table": table, **values(value)}
        issue = frames.issue(table, row, column, fmt(value), rule, text.format(**filled))
        yield replace(issue, template=text, values=filled)


def _range_template(column: Column) -> str:
    """The out-of-range sentence for `column`'s bounds, with {low}, {high} and {unit} placeholders."""
    if column.minimum is not None and column.maximum is not None:
        return N_("{column} {value} is outside the plausible range {low}-{high}{unit}")
    if column.exclusive_minimum:
        return N_("{column} {value} is outside the plausible range greater than {low}{unit}")
    if column.minimum is not None:
        return N_("{column} {value} is outside the plausible range at least {low}{unit}")
    return N_("{column} {value} is outside the plausible range at most {high}")


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
            N_("{column} is required in {table} and is blank"),
        )
    if column.vocabulary is not None:
        vocab = column.vocabulary
        unknown = values.notna() & ~values.isin(vocab.codes)
        if unknown.any():

            def explain(value: object) -> str:
                if vocab.suggest(value):
                    return N_(
                        "'{value}' is not an allowed {column}; did you mean '{hint}'? (allowed: {allowed})"
                    )
                return N_("'{value}' is not an allowed {column} (allowed: {allowed})")

            def spelled(value: object) -> dict[str, object]:
                return {"value": str(value), "hint": vocab.suggest(value), "allowed": ", ".join(vocab.codes)}

            yield from _issues(frames, table.name, name, unknown, "vocabulary", explain, spelled)
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
            _range_template(column),
            lambda v: {
                "value": fmt(v),
                "low": fmt(column.minimum),
                "high": fmt(column.maximum),
                "unit": f" {column.unit}" if column.unit else "",
            },
        )
    if column.pattern is not None:
        malformed = values.notna() & ~values.fillna("").str.fullmatch(column.pattern)
        yield from _issues(
            frames,
            table.name,
            name,
            malformed,
            "pattern",
            N_("{column} '{value}' is not valid: {pattern_text}"),
            lambda v: {"value": v, "pattern_text": column.pattern_name},
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
                N_("{column} '{value}' already appears on row {first_row} of {table}"),
                lambda v: {"value": v, "first_row": int(first_row[v])},
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
                N_("{column} '{value}' does not exist in {target}"),
                lambda v, t=target_table: {"value": v, "target": t},
            )


def check_cells(frames: Frames, schema: Schema) -> Iterator[Issue]:
    for table in schema.tables:
        if table.name in frames.tables:
            for column in table.columns:
                yield from check_column(frames, table, column)
    yield from check_references(frames, schema)
