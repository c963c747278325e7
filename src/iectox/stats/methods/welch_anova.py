"""Welch's one-way analysis of means, which does not assume equal variances: R's `oneway.test(y ~ g)`
default (`var.equal = FALSE`). With groups of different spread (weights, doses across products) it keeps its
level where the classical F test does not; like R's, it needs only each group's mean, variance and size."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from iectox.stats.methods.distributions import f_sf
from iectox.stats.methods.means import FROM_AGGREGATES, FROM_VALUES, Moments, moment_arrays
from iectox.stats.methods.result import MethodResult, NotComputable, complete_values

METHOD = "One-way analysis of means (not assuming equal variances)"


def _welch(groups: Sequence[Moments], source: str) -> MethodResult:
    k = len(groups)
    if k < 2:
        raise NotComputable("Welch's ANOVA needs at least 2 groups (R: 'not enough groups')")
    n, m, v = moment_arrays(groups)
    if not np.all(v > 0):
        raise NotComputable(
            "a group has no variation: Welch's weights n / variance are infinite (R gives NaN)"
        )
    w = n / v
    total = float(w.sum())
    tmp = float(np.sum((1 - w / total) ** 2 / (n - 1))) / (k**2 - 1)
    grand = float(np.dot(w, m)) / total
    statistic = float(np.dot(w, (m - grand) ** 2)) / ((k - 1) * (1 + 2 * (k - 2) * tmp))
    df1, df2 = float(k - 1), 1 / (3 * tmp)
    detail = f"unequal variances, F on {df1:g} and {df2:.4g} degrees of freedom (Welch), {source}"
    return MethodResult("welch_anova", f_sf(statistic, df1, df2), statistic, df1, METHOD, detail)


def welch_anova(*groups: object) -> MethodResult:
    """Welch's ANOVA on each group's values, R `oneway.test(y ~ g)`; `df` is the numerator df, `detail`
    gives the (fractional) denominator df R prints."""
    names = [f"group {i + 1}" for i in range(len(groups))]
    return _welch(
        [Moments.of(complete_values(g, n), n) for g, n in zip(groups, names, strict=True)], FROM_VALUES
    )


def welch_anova_from_moments(groups: Sequence[Moments], source: str = FROM_AGGREGATES) -> MethodResult:
    """Welch's ANOVA from each group's mean, SD and n: exact, as R `oneway.test(y ~ g)` uses nothing else."""
    return _welch(groups, source)
