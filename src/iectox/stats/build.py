"""Summaries of one variable by group: the rows of the table before any test is added."""

from __future__ import annotations

import numpy as np
import pandas as pd

from iectox.stats.summaries import Groups, category_codes, count, missing_by_group, moments, split
from iectox.stats.table import Cell, Row, VariableResult
from iectox.stats.variables import Variable

OTHER = "Other"


def _n_pct(n: np.ndarray, total: np.ndarray) -> tuple[Cell, ...]:
    with np.errstate(invalid="ignore", divide="ignore"):
        pct = 100 * n / total
    return tuple(Cell("n_pct", (float(a), float(b))) for a, b in zip(n, pct, strict=True))


def _missing_row(variable: Variable, missing: np.ndarray, n: np.ndarray) -> tuple[Row, ...]:
    """Missing values as n (% of the group), shown only when there are some."""
    if not missing.any():
        return ()
    return (Row(variable.name, "missing", "Missing", "__missing__", _n_pct(missing, missing + n)),)


def _top_levels(values: pd.Series, variable: Variable, groups: Groups) -> pd.Series:
    """Keep the levels that are among the `top` most frequent of at least one group, as published tables do."""
    if variable.top is None:
        return values
    keep: set[object] = set()
    for code in range(groups.k):
        keep.update(values[groups.codes == code].value_counts().index[: variable.top])
    return values.where(values.isin(list(keep)) | values.isna(), OTHER)


def categorical(values: pd.Series, variable: Variable, groups: Groups) -> VariableResult:
    values = _top_levels(values, variable, groups)
    levels = variable.levels
    if variable.top is not None and levels is None:
        found = values.value_counts()
        levels = tuple(level for level in found.index if level != OTHER) + (
            (OTHER,) if OTHER in found else ()
        )
    codes, levels = category_codes(values, levels)
    table, missing = count(codes, len(levels), groups)
    n = np.append(table.sum(axis=0), table.sum())
    missing = np.append(missing, missing.sum())
    counts = np.column_stack([table, table.sum(axis=1)])
    rows = [Row(variable.name, "variable", variable.display_label(), None, ())]
    for level, line in zip(levels, counts, strict=True):
        label = variable.level_labels.get(level, str(level))
        rows.append(Row(variable.name, "level", label, level, _n_pct(line, n)))
    rows += _missing_row(variable, missing, n)
    return VariableResult(variable, "categorical", tuple(rows), n, missing, counts=table.T)


def toxicity(values: pd.Series, variable: Variable, groups: Groups) -> VariableResult:
    """Maximum grade per infusion: any grade, each grade, grade >= severe_from; tests use the grade table."""
    grades = pd.to_numeric(values, errors="coerce")
    observed = sorted(int(g) for g in grades.dropna().unique())
    levels = tuple(range(0, max([*observed, variable.severe_from]) + 1))
    codes, levels = category_codes(grades.astype("Int64"), levels)
    table, missing = count(codes, len(levels), groups)
    n = np.append(table.sum(axis=0), table.sum())
    missing = np.append(missing, missing.sum())
    counts = np.column_stack([table, table.sum(axis=1)])
    rows = [Row(variable.name, "variable", variable.display_label(), None, ())]
    rows.append(Row(variable.name, "level", "Any grade", "any", _n_pct(counts[1:].sum(axis=0), n)))
    top = max(observed, default=0)
    for grade in range(1, max(top, 1) + 1):
        rows.append(Row(variable.name, "level", f"Grade {grade}", grade, _n_pct(counts[grade], n)))
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
    return VariableResult(
        variable,
        "toxicity",
        tuple(rows),
        n,
        missing,
        counts=table[keep].T,
        samples=tuple(split(grades.to_numpy(dtype=float, na_value=np.nan), groups)),
    )


def continuous(values: pd.Series, variable: Variable, groups: Groups, summary: str) -> VariableResult:
    array = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    samples = split(array, groups)
    m = moments(samples, missing_by_group(array, groups), quantiles=summary in ("median_iqr", "both"))
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
    return VariableResult(variable, "continuous", tuple(rows), m.n, m.missing, samples=tuple(samples))
