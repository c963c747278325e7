"""Summaries of one variable by group: the rows of the table before any test is added."""

from __future__ import annotations

from numbers import Real

import numpy as np
import pandas as pd

from iectox.i18n import N_
from iectox.stats.methods import Moments
from iectox.stats.summaries import Groups, level_counts, moments, pool, samples, value_counts
from iectox.stats.table import Cell, Row, VariableResult
from iectox.stats.variables import ColumnRefused, Variable, refuse_temporal_values

OTHER = "Other"
MISSING = "Missing"
MISSING_BESIDE_A_LEVEL = N_("Missing (no value)")  # when a level is itself called "Missing"


def _n_pct(n: np.ndarray, total: np.ndarray) -> tuple[Cell, ...]:
    with np.errstate(invalid="ignore", divide="ignore"):
        pct = 100 * n / total
    return tuple(Cell("n_pct", (float(a), float(b))) for a, b in zip(n, pct, strict=True))


def _missing_row(
    variable: Variable, missing: np.ndarray, n: np.ndarray, labels: tuple[str, ...] = ()
) -> tuple[Row, ...]:
    """Missing values as n (% of the group), shown only when there are some; labelled apart from a level
    that is itself called "Missing", so that the two rows cannot be mistaken for one another."""
    if not missing.any():
        return ()
    clash = any(label.strip().casefold() == MISSING.casefold() for label in labels)
    label = MISSING_BESIDE_A_LEVEL if clash else MISSING
    return (Row(variable.name, "missing", label, "__missing__", _n_pct(missing, missing + n)),)


def top_levels(values: pd.Series, variable: Variable, groups: Groups) -> pd.Series:
    """Keep the levels that are among the `top` most frequent of at least one group, as published tables do."""
    if variable.top is None:
        return values
    keep: set[object] = set()
    for code in range(groups.k):
        keep.update(values[groups.codes == code].value_counts().index[: variable.top])
    return values.where(values.isin(list(keep)) | values.isna(), OTHER)


def categorical(values: pd.Series, variable: Variable, groups: Groups) -> VariableResult:
    """Counts by level; an ordinal variable also keeps each group's level positions (0, 1, 2... in the
    levels' order) for a rank test, rebuilt from the counts."""
    values = top_levels(values, variable, groups)
    levels = variable.levels
    if variable.top is not None and levels is None:
        found = values.value_counts()
        levels = tuple(level for level in found.index if level != OTHER) + (
            (OTHER,) if OTHER in found else ()
        )
    table, missing, levels = level_counts(values, levels, groups)
    refuse_temporal_values(variable.name, levels)
    n = np.append(table.sum(axis=0), table.sum())
    missing = np.append(missing, missing.sum())
    counts = np.column_stack([table, table.sum(axis=1)])
    rows = [Row(variable.name, "variable", variable.display_label(), None, ())]
    labels = tuple(variable.level_labels.get(level, str(level)) for level in levels)
    for level, label, line in zip(levels, labels, counts, strict=True):
        rows.append(Row(variable.name, "level", label, level, _n_pct(line, n)))
    rows += _missing_row(variable, missing, n, labels)
    kind = "ordinal" if variable.kind == "ordinal" else "categorical"
    return VariableResult(variable, kind, tuple(rows), n, missing, counts=table.T)


def ranked(result: VariableResult) -> tuple[np.ndarray, ...] | None:
    """Each group's values for a rank test, rebuilt from the counts only when one is asked for (a categorical
    variable keeps none): an ordinal variable's level positions (0, 1, 2... in the levels' order), a
    categorical variable's levels themselves when they are numbers (lines of therapy); None for categories
    without an order."""
    if result.samples is not None or result.counts is None:
        return result.samples
    levels = [row.level for row in result.rows if row.row_type == "level"]
    if result.kind == "ordinal":
        order = np.arange(len(levels), dtype=float)
    elif levels and all(isinstance(v, Real) and not isinstance(v, (bool, np.bool_)) for v in levels):
        order = np.array(levels, dtype=float)
    else:
        return None
    return tuple(np.repeat(order, line) for line in result.counts)


def _grades(found: np.ndarray, name: str) -> np.ndarray:
    """The distinct values of a grade column as numbers; a value that is not a whole number from 0 (2.5,
    -1, "two") is refused by name rather than counted as missing."""
    numbers = pd.to_numeric(pd.Series(found, dtype=object), errors="coerce").astype("float64").to_numpy()
    blank = pd.isna(pd.Series(found, dtype=object)).to_numpy()
    bad = ~blank & ~(np.isfinite(numbers) & (numbers >= 0) & (numbers == np.round(numbers)))
    if bad.any():
        raise ColumnRefused(
            N_("column {column}: {value} is not a grade (a whole number from 0)"),
            column=name,
            value=repr(found[np.flatnonzero(bad)[0]]),
        )
    return numbers


def toxicity(values: pd.Series, variable: Variable, groups: Groups) -> VariableResult:
    """Maximum grade per infusion: any grade, each grade, grade >= severe_from; tests use the grade table.

    The column is read once: its distinct values are counted per group, then turned into grades. Each
    group's grades, for rank tests, are rebuilt from those counts (the same values, in another order).
    """
    by_value, missing, found = value_counts(values, groups)
    grade = _grades(found, variable.name)
    known = ~np.isnan(grade)
    observed = sorted({int(g) for g in grade[known]})
    levels = tuple(range(0, max([*observed, variable.severe_from]) + 1))
    position = np.where(known & (grade >= 0), np.nan_to_num(grade, nan=-1.0), -1).astype(np.intp)
    table, missing = pool(by_value, missing, position, len(levels))
    n = np.append(table.sum(axis=0), table.sum())
    missing = np.append(missing, missing.sum())
    counts = np.column_stack([table, table.sum(axis=1)])
    rows = [Row(variable.name, "variable", variable.display_label(), None, ())]
    rows.append(Row(variable.name, "level", "Any grade", "any", _n_pct(counts[1:].sum(axis=0), n)))
    top = max(observed, default=0)
    for g in range(1, max(top, 1) + 1):
        rows.append(Row(variable.name, "level", f"Grade {g}", g, _n_pct(counts[g], n)))
    rows.append(
        Row(
            variable.name,
            "level",
            f"Grade >= {variable.severe_from}",
            f">={variable.severe_from}",
            _n_pct(counts[variable.severe_from :].sum(axis=0), n),
        )
    )
    rows += _missing_row(variable, missing, n)
    keep = table.sum(axis=1) > 0
    grades = tuple(np.repeat(grade[known], by_value[known, g]) for g in range(groups.k))
    return VariableResult(variable, "toxicity", tuple(rows), n, missing, counts=table[keep].T, samples=grades)


def _numbers(values: pd.Series) -> np.ndarray:
    """The column as floats, NaN where blank or not a number (no copy for a float column)."""
    if values.dtype == np.float64:
        return values.to_numpy()
    return pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def continuous(
    values: pd.Series, variable: Variable, groups: Groups, summary: str, quantile_type: int = 7
) -> VariableResult:
    """Mean (SD) and/or median [IQR] (quartiles as R's `quantile(type = quantile_type)`) per group."""
    split = samples(_numbers(values), groups)
    m = moments(split, quantiles=summary in ("median_iqr", "both"), quantile_type=quantile_type)
    rows = [Row(variable.name, "variable", variable.display_label(), None, ())]
    if summary in ("mean_sd", "both"):
        rows.append(
            Row(
                variable.name,
                "summary",
                "Mean (SD)",
                "mean_sd",
                tuple(Cell("mean_sd", (a, b)) for a, b in zip(m.mean, m.sd, strict=True)),
            )
        )
    if summary in ("median_iqr", "both"):
        rows.append(
            Row(
                variable.name,
                "summary",
                "Median [IQR]",
                "median_iqr",
                tuple(Cell("median_iqr", v) for v in zip(m.median, m.q1, m.q3, strict=True)),
            )
        )
    rows += _missing_row(variable, m.missing, m.n)
    per_group = tuple(
        Moments(float(mean), float(sd), int(size))
        for mean, sd, size in zip(m.mean[:-1], m.sd[:-1], m.n[:-1], strict=True)
    )
    return VariableResult(
        variable, "continuous", tuple(rows), m.n, m.missing, samples=split.groups, moments=per_group
    )
