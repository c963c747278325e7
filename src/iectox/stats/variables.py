"""What to put in a comparison table: one `Variable` per row group, its kind, levels and labels."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, time, timedelta
from types import MappingProxyType
from typing import Literal

import numpy as np
import pandas as pd

from iectox.errors import SpecError
from iectox.i18n import N_
from iectox.message import Message

Kind = Literal["categorical", "ordinal", "continuous", "toxicity"]
Summary = Literal["mean_sd", "median_iqr", "both"]


@dataclass(frozen=True)
class Variable:
    """One variable of a comparison table.

    `kind` "toxicity" is a maximum grade per infusion shown the way clinicians read it: any grade, each grade,
    grade >= `severe_from`; "ordinal" is shown as categories and tested as the policy's `ordinal` says (by the
    ranks of its levels' positions, or as categories). `levels` fixes the order of categories (and which
    appear); `level_labels` renames them. `summary` and `test` override the table's test policy for this
    variable only. `among` restricts the variable to a sub-population (e.g. tocilizumab doses among the
    treated), so its denominators are theirs.
    """

    name: str
    label: str | None = None
    kind: Kind | None = None
    levels: tuple[object, ...] | None = None
    level_labels: Mapping[object, str] = field(default_factory=lambda: MappingProxyType({}))
    summary: Summary | None = None
    test: str | None = None
    severe_from: int = 3
    top: int | None = None  # keep the levels among the `top` most frequent of any group; pool the rest
    among: str | None = None  # a yes/no column: summarise and test only the rows where it is true

    def display_label(self) -> str:
        return self.label or self.name.replace("_", " ").capitalize()


NOT_SUMMARISABLE = N_(
    "column {column}: a column of type {dtype} cannot be summarised in a comparison table; convert it to a "
    "number first (e.g. days since infusion)"
)
TEMPORAL_VALUES = (date, time, timedelta, np.datetime64, np.timedelta64, pd.Period, pd.Interval, complex)


class ColumnRefused(SpecError, TypeError):
    """`compare()` cannot summarise this column as it is (a date, a duration, infinite numbers, a grade
    that is not a whole number...): the message names the column, its type and what to do, translated
    where it is shown (`text(lang)`). A `SpecError` (the column named as a variable is the wrong choice),
    so that `iectox report` refuses the study with this sentence and writes nothing."""

    def __init__(self, template: str, **values: object):
        self.message = Message(template, **values)
        super().__init__(str(self.message), key=str(values.get("column", "")) or None)

    def text(self, lang: str = "en") -> str:
        return self.message.text(lang)


def refuse_unsummarisable(name: str, values: pd.Series) -> None:
    """Refuse a column no summary of a comparison table describes faithfully: dates and durations (they would
    become one category per date), periods, intervals, complex numbers, and numbers that are infinite
    (a mean of +inf, an SD of nothing)."""
    dtype = values.dtype
    temporal = (
        pd.api.types.is_datetime64_any_dtype(dtype)
        or pd.api.types.is_timedelta64_dtype(dtype)
        or isinstance(dtype, (pd.PeriodDtype, pd.IntervalDtype))
        or pd.api.types.is_complex_dtype(dtype)
    )
    if temporal:
        raise ColumnRefused(
            NOT_SUMMARISABLE,
            column=name,
            dtype=str(dtype),
        )
    if pd.api.types.is_float_dtype(dtype):
        infinite = int(np.isinf(values.to_numpy(dtype=float, na_value=np.nan)).sum())
        if infinite:
            raise ColumnRefused(
                N_(
                    "column {column}: {count} infinite value(s) (type {dtype}); a mean, SD or test of them "
                    "means nothing: correct or blank them first"
                ),
                column=name,
                count=infinite,
                dtype=str(dtype),
            )


def refuse_temporal_values(name: str, found: object) -> None:
    """Refuse a column of Python objects that holds dates, times or durations (as read from a workbook into
    an object column): the same refusal as for a datetime column, found among its distinct values."""
    for value in found:  # type: ignore[attr-defined]
        if isinstance(value, TEMPORAL_VALUES):
            raise ColumnRefused(
                NOT_SUMMARISABLE,
                column=name,
                dtype=f"object ({type(value).__name__})",
            )


def infer_kind(values: pd.Series, categorical_below: int | None = None) -> Kind:
    """Decimal numbers, and whole numbers with more than a handful of values, are continuous; the rest
    categorical; an ordered Categorical is ordinal. `categorical_below` is gtsummary's rule instead: any
    number with fewer distinct values than it is categorical (`assign_summary_type(cat_threshold = 10)`)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return "ordinal" if values.dtype.ordered else "categorical"
    if pd.api.types.is_bool_dtype(values) or not pd.api.types.is_numeric_dtype(values):
        return "categorical"
    if categorical_below is not None:
        return "categorical" if values.nunique(dropna=True) < categorical_below else "continuous"
    if pd.api.types.is_float_dtype(values):
        return "continuous"
    return "continuous" if values.nunique(dropna=True) > 5 else "categorical"


def as_variable(spec: str | Variable, frame: pd.DataFrame, categorical_below: int | None = None) -> Variable:
    """The variable with its kind (inferred when not set) and, for a pandas Categorical, its categories in
    their own order, unused ones included (shown as 0 (0%), as R keeps a factor's levels)."""
    variable = spec if isinstance(spec, Variable) else Variable(spec)
    if variable.name not in frame.columns:
        raise KeyError(
            f"no column {variable.name!r} to compare (columns: {', '.join(map(str, frame.columns))})"
        )
    values = frame[variable.name]
    refuse_unsummarisable(variable.name, values)
    changes: dict[str, object] = {}
    if variable.kind is None:
        changes["kind"] = infer_kind(values, categorical_below)
    kind = changes.get("kind", variable.kind)
    categories = isinstance(values.dtype, pd.CategoricalDtype)
    if categories and variable.levels is None and kind in ("categorical", "ordinal") and variable.top is None:
        changes["levels"] = tuple(values.cat.categories)
    return replace(variable, **changes) if changes else variable
