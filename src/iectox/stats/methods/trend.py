"""Trend tests across ordered groups (dose levels, lines of therapy, eras): the Cochran-Armitage test for a
yes/no outcome, R `prop.trend.test(x, n)`, and the linear-by-linear association test for grades, as R
`coin::lbl_test(table)` (asymptotic). Both use equally spaced scores 1, 2, ... for the groups in the order of
the table's rows (and, for grades, for the levels in the order of its columns): a trend test is only as
meaningful as that order, so the table's rows must be the groups in their natural order.

A group with no patient keeps its score (its place in the order) and weighs nothing, as in R and coin.
"""

from __future__ import annotations

import numpy as np

from iectox.stats.methods.distributions import chi2_sf, norm_cdf, norm_sf
from iectox.stats.methods.result import MethodResult, NotComputable, counts_table


def _centred(scores: np.ndarray, weights: np.ndarray) -> np.ndarray:
    return scores - float(np.dot(weights, scores)) / float(weights.sum())


def _coin_scores(levels: int) -> np.ndarray:
    """coin's scores of a factor: 1, 2, ... when ordered; the indicator of the first level for 2 levels."""
    return np.array([1.0, 0.0]) if levels == 2 else np.arange(1.0, levels + 1)


def prop_trend(table: object) -> MethodResult:
    """Chi-squared test for trend in proportions (Cochran-Armitage), R `prop.trend.test(x, n)` with scores
    1..k: rows are the ordered groups, columns (events, non-events).

    R fits a weighted regression of the proportions on the scores; its regression sum of squares is
    (sum (s - s_bar) x)^2 / (p (1 - p) sum n (s - s_bar)^2), computed here directly.
    """
    counts = counts_table(table)
    if counts.shape[1] != 2:
        raise NotComputable(
            f"a trend in proportions needs 2 columns (events, non-events), not {counts.shape[1]}"
        )
    x, n = counts[:, 0].astype(float), counts.sum(axis=1).astype(float)
    p = x.sum() / n.sum() if n.sum() else float("nan")
    if not 0 < p < 1:
        raise NotComputable("no patient or every patient has the event: the trend test is undefined (R: NaN)")
    scores = np.arange(1.0, counts.shape[0] + 1)
    centred = _centred(scores, n)
    spread = float(np.dot(n, centred**2))
    if not spread > 0:
        raise NotComputable("all patients are in one group: there is no order to test (R: NaN)")
    statistic = float(np.dot(centred, x)) ** 2 / (p * (1 - p) * spread)
    detail = f"{counts.shape[0]} ordered groups, scores 1..{counts.shape[0]}, chi-squared on 1 df"
    method = "Chi-squared Test for Trend in Proportions"
    return MethodResult("prop_trend", chi2_sf(statistic, 1.0), statistic, 1.0, method, detail)


def linear_by_linear(table: object) -> MethodResult:
    """Linear-by-linear association test, R `coin::lbl_test(as.table(x))` (asymptotic): rows are the ordered
    groups, columns the ordered levels (grades), both scored 1, 2, ... A dimension of only 2 levels is a
    plain factor for coin, scored as the indicator of its first level (so Z changes sign, p does not); with 2
    groups and 2 levels there is no order left and coin refuses the table.

    T = sum of n_ij i j; under independence, with the margins fixed, E(T) and Var(T) are coin's conditional
    moments (Var with n - 1, the permutation variance); `statistic` is coin's Z = (T - E) / sqrt(Var), whose
    square is Mantel's M^2 = (n - 1) r^2, and p = 2 P(N(0, 1) > |Z|).
    """
    counts = counts_table(table).astype(float)
    if counts.shape == (2, 2):
        raise NotComputable(
            "a 2 x 2 table has no ordered levels (coin: 'object does not represent a problem "
            "with ordered data')"
        )
    n = float(counts.sum())
    rows, columns = counts.sum(axis=1), counts.sum(axis=0)
    u, v = _coin_scores(counts.shape[0]), _coin_scores(counts.shape[1])
    if n < 2:
        raise NotComputable(f"a linear-by-linear test needs at least 2 patients, not {n:g}")
    cu, cv = _centred(u, rows), _centred(v, columns)
    variance = float(np.dot(rows, cu**2)) * float(np.dot(columns, cv**2)) / (n - 1)
    if not variance > 0:
        raise NotComputable("all patients are in one group or at one level: the association is undefined")
    z = float(cu @ counts @ cv) / np.sqrt(variance)
    p = 2 * min(norm_cdf(z), norm_sf(z))
    shape = f"{counts.shape[0]} ordered groups x {counts.shape[1]} ordered levels"
    detail = f"{shape}, scores 1, 2, ... for both; asymptotic normal Z (M^2 = Z^2 on 1 df)"
    return MethodResult(
        "linear_by_linear", p, z, None, "Asymptotic Linear-by-Linear Association Test", detail
    )
