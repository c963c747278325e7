"""Effect measures for a table's variables: the SMD for balance (differences with their CIs: `table_estimates`)."""

from __future__ import annotations

from itertools import combinations

import numpy as np

from iectox.stats.methods import (
    NotComputable,
    standardized_mean_difference,
    standardized_mean_difference_from_stats,
)
from iectox.stats.table import VariableResult


def _summarised(result: VariableResult) -> bool:
    """Whether every group's mean, SD and n were computed from its values (none is empty): the effects then
    read them instead of the values, the same numbers without another pass over the rows."""
    return bool(result.moments) and all(m.n > 0 for m in result.moments or ())


def smd(result: VariableResult) -> float | None:
    """|SMD| between two groups; with more groups the mean over pairs, as R tableone prints it."""
    pairs = []
    try:
        if result.kind == "continuous" and _summarised(result):
            pairs = [
                abs(standardized_mean_difference_from_stats(a.mean, a.sd, b.mean, b.sd).estimate)
                for a, b in combinations(result.moments or (), 2)
            ]
        elif result.kind == "continuous":
            samples = result.samples or ()
            pairs = [abs(standardized_mean_difference(a, b).estimate) for a, b in combinations(samples, 2)]
        elif result.counts is not None:
            counts = result.counts
            pairs = [
                standardized_mean_difference(counts[[i, j]]).estimate
                for i, j in combinations(range(counts.shape[0]), 2)
            ]
    except NotComputable:
        return None
    return float(np.mean(pairs)) if pairs else None
