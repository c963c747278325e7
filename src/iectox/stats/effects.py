"""Effect measures for a table's variables: SMD for balance, a difference with its CI for two groups."""

from __future__ import annotations

from collections.abc import Callable
from itertools import combinations

import numpy as np

from iectox.stats.methods import (
    Effect,
    NotComputable,
    mean_difference,
    mean_difference_from_stats,
    risk_difference,
    standardized_mean_difference,
    standardized_mean_difference_from_stats,
)
from iectox.stats.table import VariableResult

YES_LEVELS = (True, "yes", "Yes", 1)


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


def difference(result: VariableResult) -> Effect | None:
    """First group minus second: risk difference for a yes/no variable, mean difference for a continuous one."""
    try:
        if result.kind == "continuous" and _summarised(result):
            a, b = (result.moments or ())[:2]
            return mean_difference_from_stats(a.mean, a.sd, a.n, b.mean, b.sd, b.n)
        if result.kind == "continuous" and result.samples is not None:
            return mean_difference(*result.samples[:2])
        if result.kind == "categorical" and result.counts is not None and result.counts.shape[1] == 2:
            levels = [row.level for row in result.rows if row.level is not None and not row.missing]
            yes = next((i for i, level in enumerate(levels) if level in YES_LEVELS), None)
            if yes is None:
                return None
            x1, x2 = result.counts[0, yes], result.counts[1, yes]
            return risk_difference(int(x1), int(result.counts[0].sum()), int(x2), int(result.counts[1].sum()))
    except NotComputable:
        return None
    return None
