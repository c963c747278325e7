"""Effect measures for a table's variables: the SMD for balance (differences with their CIs: `table_estimates`)."""

from __future__ import annotations

from collections.abc import Callable
from itertools import combinations

import numpy as np

from iectox.stats.methods import (
    Effect,
    NotComputable,
    standardized_mean_difference,
    standardized_mean_difference_from_stats,
)
from iectox.stats.table import VariableResult


def _summarised(result: VariableResult) -> bool:
    """Whether every group's mean, SD and n were computed from its values (none is empty): the effects then
    read them instead of the values, the same numbers without another pass over the rows."""
    return bool(result.moments) and all(m.n > 0 for m in result.moments or ())


def _pair(measure: Callable[..., Effect], *args: object) -> float:
    """|SMD| of one pair; NaN where tableone prints NaN (a group without values)."""
    try:
        return abs(measure(*args).estimate)
    except NotComputable:
        return float("nan")


def smd(result: VariableResult) -> float | None:
    """|SMD| between two groups; with more groups the mean over pairs, as R tableone prints it (NaN when a
    pair is NaN, as R's `rowMeans`). None only for a variable without a summary to compare."""
    if result.kind == "continuous" and _summarised(result):
        from_stats = standardized_mean_difference_from_stats
        pairs = [
            _pair(from_stats, a.mean, a.sd, b.mean, b.sd) for a, b in combinations(result.moments or (), 2)
        ]
    elif result.kind == "continuous":
        pairs = [_pair(standardized_mean_difference, a, b) for a, b in combinations(result.samples or (), 2)]
    elif result.counts is not None:
        counts = result.counts
        pairs = [
            _pair(standardized_mean_difference, counts[[i, j]])
            for i, j in combinations(range(counts.shape[0]), 2)
        ]
    else:
        return None
    return float(np.mean(pairs)) if pairs else None
