"""McNemar's test of paired categorical outcomes (the same patients assessed twice: before and after a
switch of pathway, two graders), R `mcnemar.test(x)`. Input: a square table, rows the first assessment and
columns the second, in the same level order."""

from __future__ import annotations

import numpy as np

from iectox.stats.methods.distributions import chi2_sf
from iectox.stats.methods.result import MethodResult, NotComputable, counts_table


def paired_table(data: object) -> np.ndarray:
    """A square r x r counts table, r >= 2 (R: "'x' must be square with at least two rows and columns")."""
    table = counts_table(data)
    if table.shape[0] < 2 or table.shape[0] != table.shape[1]:
        raise NotComputable(
            f"paired outcomes need a square table of at least 2 x 2, not {table.shape[0]} x {table.shape[1]} "
            "(R: 'x' must be square with at least two rows and columns)"
        )
    return table


def mcnemar(table: object, correct: bool = True) -> MethodResult:
    """McNemar's chi-squared test, R `mcnemar.test(x)`: sum over i < j of (n_ij - n_ji)^2 / (n_ij + n_ji) on
    r(r - 1)/2 df; with `correct` (R's default) and a 2 x 2 table with discordant pairs, (|b - c| - 1)^2."""
    x = paired_table(table).astype(float)
    r = x.shape[0]
    upper = np.triu_indices(r, 1)
    difference, pairs = (x - x.T)[upper], (x + x.T)[upper]
    if np.any(pairs == 0):
        i, j = (int(k[0]) + 1 for k in (upper[0][pairs == 0], upper[1][pairs == 0]))
        raise NotComputable(
            f"no discordant pair between levels {i} and {j}: McNemar's statistic is 0 / 0 (R: NaN)"
        )
    corrected = correct and r == 2 and np.any(difference != 0)
    if corrected:
        difference = np.abs(difference) - 1
    statistic = float(np.sum(difference**2 / pairs))
    df = r * (r - 1) / 2
    method = "McNemar's Chi-squared test" + (" with continuity correction" if corrected else "")
    detail = f"{r} x {r} paired table, {int(pairs.sum())} discordant pairs, chi-squared on {df:g} df"
    test = "mcnemar" if correct else "mcnemar_uncorrected"
    return MethodResult(test, chi2_sf(statistic, df), statistic, df, method, detail)


def mcnemar_uncorrected(table: object) -> MethodResult:
    """McNemar's chi-squared test without continuity correction, R `mcnemar.test(x, correct = FALSE)`."""
    return mcnemar(table, correct=False)
