"""What every statistical method returns, and the checks of its input that all methods share.

One result type for all methods so a comparison table can print any of them the same way: the p-value, the
statistic, and -- as gtsummary does -- the method as R names it, plus why that variant was used.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from iectox.errors import IectoxError


class NotComputable(IectoxError, ValueError):
    """A test cannot be run on these numbers (too few groups or observations, constant data...)."""


@dataclass(frozen=True)
class MethodResult:
    """One method's outcome; `test` is the method's id, `method` R's name for what ran and `detail` which
    variant ran and why."""

    test: str
    p_value: float
    statistic: float | None
    df: float | None
    method: str
    detail: str
    warnings: tuple[str, ...] = ()


def counts_table(table: object) -> np.ndarray:
    """A counts table as a 2-D integer array; rejects negative, fractional or non-finite cells."""
    array = np.asarray(table, dtype=float)
    if array.ndim != 2:
        raise NotComputable(f"a counts table must be two-dimensional, got {array.ndim} dimension(s)")
    if not np.all(np.isfinite(array)) or np.any(array < 0) or np.any(array != np.round(array)):
        raise NotComputable("a counts table must hold whole numbers >= 0")
    return array.astype(np.int64)


def drop_empty(table: np.ndarray) -> tuple[np.ndarray, str]:
    """The table without all-zero rows and columns, and a note when some were dropped.

    A level no one has (e.g. 'Death 0' in both groups) has expected count 0: R's `chisq.test` then returns
    NaN, while `fisher.test` ignores it. Dropping it first gives every test the table R would see from
    `table()` of factors without unused levels.
    """
    rows, cols = table.sum(axis=1) > 0, table.sum(axis=0) > 0
    kept = table[rows][:, cols]
    dropped = []
    if not rows.all():
        dropped.append(f"{int((~rows).sum())} empty row(s)")
    if not cols.all():
        dropped.append(f"{int((~cols).sum())} empty column(s)")
    if kept.shape[0] < 2 or kept.shape[1] < 2:
        raise NotComputable(
            f"needs at least 2 non-empty rows and 2 non-empty columns, got a {kept.shape[0]} x "
            f"{kept.shape[1]} table after dropping empty ones"
        )
    return kept, ("; dropped " + " and ".join(dropped)) if dropped else ""


def values(data: object, name: str = "group") -> np.ndarray:
    """A 1-D float array of one group's observations."""
    array = np.asarray(data, dtype=float).ravel()
    if array.size == 0:
        raise NotComputable(f"{name} has no observations")
    return array


def complete_values(data: object, name: str = "group") -> np.ndarray:
    """One group's observations, refusing missing ones: R's formula interfaces drop NA silently, iectox says
    so and lets the caller drop them (a comparison table tests complete cases)."""
    array = values(data, name)
    if np.isnan(array).any():
        raise NotComputable(
            f"{name} has {int(np.isnan(array).sum())} missing value(s): remove them first (R drops them)"
        )
    return array


def observed(data: object, name: str = "group") -> tuple[np.ndarray, int]:
    """One group's observations without its missing values (NaN), and how many were dropped: R's tests drop
    NA before anything else (`wilcox.test`, `kruskal.test`, `t.test`, `oneway.test`), where ranking or
    averaging a NaN would give a number that looks valid."""
    array = np.asarray(data, dtype=float).ravel()
    missing = np.isnan(array)
    dropped = int(missing.sum())
    kept = array[~missing] if dropped else array
    if kept.size == 0:
        what = f" (all {dropped} missing)" if dropped else ""
        raise NotComputable(f"{name} has no observations{what}")
    return kept, dropped


def dropped_note(dropped: int) -> str:
    """The part of a `detail` saying how many missing values a test left out, as R does silently."""
    return f"; {dropped} missing value(s) left out, as R's na.omit" if dropped else ""
