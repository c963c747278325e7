"""Checking time-to-event input once, for every estimator: times, what happened at each, and the groups."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from iectox.i18n import N_
from iectox.stats.methods.result import NotComputable


def times_of(time: Sequence[float] | np.ndarray) -> np.ndarray:
    """The times as floats; refuses an empty, missing, infinite or negative time (R's `Surv` refuses them
    too: a time before the origin is a data error, never an event to guess)."""
    array = np.asarray(time, dtype=float)
    if array.ndim != 1 or not len(array):
        raise NotComputable(N_("no observations: nothing to estimate"))
    if not np.all(np.isfinite(array)):
        raise NotComputable("a time is missing or infinite")
    if np.any(array < 0):
        raise NotComputable("a time is negative (before the origin)")
    return array


def codes_of(codes: Sequence[int] | np.ndarray, n: int, name: str) -> np.ndarray:
    """What happened at each time, as integers (0 = censored), one per time."""
    array = np.asarray(codes)
    if array.shape != (n,):
        raise NotComputable(f"{name} has {array.size} values for {n} times")
    as_float = array.astype(float)
    if not np.all(np.isfinite(as_float)) or np.any(as_float != np.round(as_float)) or np.any(as_float < 0):
        raise NotComputable(f"{name} must hold whole numbers >= 0 (0 = censored)")
    return as_float.astype(np.int64)


def events_of(event: Sequence[int] | np.ndarray, n: int) -> np.ndarray:
    """The event indicator (1 = event, 0 = censored), as booleans."""
    codes = codes_of(event, n, "the event indicator")
    if np.any(codes > 1):
        raise NotComputable("the event indicator must be 0 (censored) or 1 (event)")
    return codes == 1


def groups_of(
    group: Sequence[object] | np.ndarray, n: int, order: Sequence[str] | None = None
) -> tuple[tuple[str, ...], np.ndarray]:
    """The groups present (as text: in `order` when given, else numbers in numeric order and then text) and
    each observation's group index. The tests' statistics do not depend on the order; only their display."""
    labels = pd.Series(np.asarray(group, dtype=object)).astype(str)
    if labels.shape != (n,):
        raise NotComputable(f"the groups have {labels.size} values for {n} times")
    codes, found = pd.factorize(labels)
    present = [str(g) for g in order or () if str(g) in set(found)]
    present += sorted(set(found) - set(present), key=_factor_order)
    position = {g: i for i, g in enumerate(present)}
    remap = np.array([position[g] for g in found], dtype=np.int64)
    return tuple(present), remap[codes]


def _factor_order(label: str) -> tuple[int, float, str]:
    """Numbers in numeric order (1, 2, 10), then text in code-point order."""
    try:
        return (0, float(label), label)
    except ValueError:
        return (1, 0.0, label)


def distinct_times(time: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct times in increasing order, and each observation's position among them."""
    unique, position = np.unique(time, return_inverse=True)
    return unique, position


def counts_at(position: np.ndarray, size: int, weights: np.ndarray | None = None) -> np.ndarray:
    """How many observations (or how many flagged by `weights`) sit at each distinct time."""
    return np.bincount(position, weights=weights, minlength=size)


def at_risk(counts: np.ndarray) -> np.ndarray:
    """The number still at risk just before each distinct time: those whose time is that one or later."""
    return counts[::-1].cumsum()[::-1]


__all__ = ["at_risk", "codes_of", "counts_at", "distinct_times", "events_of", "groups_of", "times_of"]
