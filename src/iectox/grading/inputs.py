"""Observation columns as NumPy arrays for vectorised grading: a missing value stays missing, never "normal".

Numbers become float64 with NaN, yes/no become int8 (1, 0, -1 = not recorded), coded columns become the
index of the code in its vocabulary (-1 = not recorded). A column absent from the frame is missing on every row.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from iectox.errors import IectoxError
from iectox.schema import CONTRACT, Vocabulary

NOT_RECORDED = -1
OBSERVATIONS = CONTRACT.table("observations")


class GradingInputError(IectoxError, ValueError):
    """Observations handed to the grading functions hold a value no rule can read (wrong code, out of range)."""


def number(frame: pd.DataFrame, column: str) -> np.ndarray:
    """Float64 values, NaN where blank or where the column is absent."""
    if column not in frame:
        return np.full(len(frame), np.nan)
    values = frame[column]
    if isinstance(values.dtype, pd.CategoricalDtype) or values.dtype == object:
        values = pd.to_numeric(values, errors="raise")
    return values.to_numpy(dtype="float64", na_value=np.nan)


def flag(frame: pd.DataFrame, column: str) -> np.ndarray:
    """int8: 1 yes, 0 no, -1 not recorded."""
    if column not in frame:
        return np.full(len(frame), NOT_RECORDED, dtype=np.int8)
    values = frame[column]
    if values.dtype != "boolean":
        values = values.astype("boolean")
    return values.to_numpy(dtype="int8", na_value=NOT_RECORDED)


def category(frame: pd.DataFrame, column: str, vocabulary: Vocabulary) -> np.ndarray:
    """int8 index of each value in `vocabulary.codes`, -1 when blank; a value outside the vocabulary is an error.

    Codes are found by factorising the column once (hashing, no per-row Python), then mapping its few distinct
    values to the vocabulary.
    """
    if column not in frame:
        return np.full(len(frame), NOT_RECORDED, dtype=np.int8)
    values = frame[column]
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes, uniques = values.cat.codes.to_numpy(), values.cat.categories
    else:
        codes, uniques = pd.factorize(np.asarray(values.array, dtype=object))
    positions = {code: i for i, code in enumerate(vocabulary.codes)}
    lookup = np.array([positions.get(str(u), -2) for u in uniques] + [NOT_RECORDED], dtype=np.int8)
    mapped = lookup[codes]
    if (lookup == -2).any():
        unknown = [str(uniques[i]) for i in np.unique(codes[mapped == -2])]
        if unknown:
            raise GradingInputError(
                f"{column}: {', '.join(repr(u) for u in unknown)} not in the {vocabulary.name} vocabulary "
                f"(allowed: {', '.join(vocabulary.codes)})"
            )
    return mapped


def check_range(values: np.ndarray, column: str, low: float, high: float) -> np.ndarray:
    """`values` unchanged, or `GradingInputError` when a recorded value falls outside [low, high]."""
    outside = (values < low) | (values > high)
    if outside.any():
        raise GradingInputError(f"{column}: {values[outside][0]:g} is outside {low:g}-{high:g}")
    return values


def plausible(values: np.ndarray, column: str) -> np.ndarray:
    """`values` of an observations column checked against the contract's plausible range of that column.

    The range is the contract's (`iectox.schema.contract`), the one definition that import also enforces, so
    a frame graded without being read from a file is held to the same bounds as a validated dataset.
    """
    declared = OBSERVATIONS.column(column)
    low = -np.inf if declared.minimum is None else declared.minimum
    high = np.inf if declared.maximum is None else declared.maximum
    return check_range(values, column, low, high)
