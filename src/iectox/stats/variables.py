"""What to put in a comparison table: one `Variable` per row group, its kind, levels and labels."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

import pandas as pd

Kind = Literal["categorical", "ordinal", "continuous", "toxicity"]
Summary = Literal["mean_sd", "median_iqr", "both"]


@dataclass(frozen=True)
class Variable:
    """One variable of a comparison table.

        `kind` "toxicity" is a maximum grade per infusion shown the way clinicians read it: any grade, each grade,
        grade >= `severe_from`. `levels` fixes the order of categories (and which appear); `level_labels` renames
        them. `summary` and `test` override the table's test policy for this variable only. `among` restricts the
    variable to a sub-population (e.g. tocilizumab doses among the treated), so its denominators are theirs.
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


def infer_kind(values: pd.Series) -> Kind:
    """Decimal numbers, and whole numbers with more than a handful of values, are continuous; the rest categorical."""
    if pd.api.types.is_bool_dtype(values) or not pd.api.types.is_numeric_dtype(values):
        return "categorical"
    if pd.api.types.is_float_dtype(values):
        return "continuous"
    return "continuous" if values.nunique(dropna=True) > 5 else "categorical"


def as_variable(spec: str | Variable, frame: pd.DataFrame) -> Variable:
    variable = spec if isinstance(spec, Variable) else Variable(spec)
    if variable.name not in frame.columns:
        raise KeyError(
            f"no column {variable.name!r} to compare (columns: {', '.join(map(str, frame.columns))})"
        )
    if variable.kind is None:
        return Variable(**{**variable.__dict__, "kind": infer_kind(frame[variable.name])})
    return variable
