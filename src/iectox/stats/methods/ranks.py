"""Rank tests: Wilcoxon rank sum (Mann-Whitney) and Kruskal-Wallis, with R's `wilcox.test` and
`kruskal.test` conventions, which differ from scipy's defaults (R switches to an exact p-value for small
samples without ties, and always applies the continuity correction otherwise)."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from iectox.i18n import N_
from iectox.stats.methods.distributions import chi2_sf, norm_cdf, norm_sf
from iectox.stats.methods.result import MethodResult, NotComputable, dropped_note, observed

EXACT_BELOW = 50  # wilcox.test: exact <- (n.x < 50) && (n.y < 50)
TIES_WARNING = N_("cannot compute exact p-value with ties")


def ranks(data: np.ndarray, kind: str = "quicksort") -> tuple[np.ndarray, np.ndarray]:
    """Mid-ranks of `data` (R's `rank`, ties averaged) and the size of every tie group; one sort (`kind`:
    "stable" merges data made of ascending runs in linear time)."""
    order = np.argsort(data, kind=kind)
    ordered = data[order]
    first = np.empty(data.size, dtype=bool)
    first[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    sizes = np.diff(np.append(starts, data.size))
    mid = starts + (sizes + 1) / 2.0
    result = np.empty(data.size)
    result[order] = np.repeat(mid, sizes)
    return result, sizes


@lru_cache(maxsize=128)
def wilcox_counts(m: int, n: int) -> np.ndarray:
    """How many of the C(m+n, m) rankings give each W = 0..m*n (R's `cwilcox`), as floats.

    Built with the recurrence f(m, n; w) = f(m-1, n; w-n) + f(m, n-1; w): additions only, so no precision
    is lost to cancellation even in the far tails.
    """
    previous = [np.ones(1) for _ in range(m + 1)]  # n = 0: only W = 0
    for j in range(1, n + 1):
        current = [np.ones(1)]  # m = 0: only W = 0
        for i in range(1, m + 1):
            counts = np.zeros(i * j + 1)
            counts[j : j + current[i - 1].size] += current[i - 1]
            counts[: previous[i].size] += previous[i]
            current.append(counts)
        previous = current
    return previous[m]


def _exact_two_sided(w: int, m: int, n: int) -> float:
    counts = wilcox_counts(m, n)
    total = counts.sum()
    # R: p <- if (W > m n / 2) P(W >= w) else P(W <= w); min(2 p, 1)
    p = counts[w:].sum() / total if w > m * n / 2 else counts[: w + 1].sum() / total
    return float(min(1.0, 2 * p))


def mann_whitney(a: object, b: object) -> MethodResult:
    """Wilcoxon rank sum test, two-sided, exactly as R `wilcox.test(a, b)` (W = rank sum of a - na(na+1)/2).

    Exact p-value when both groups have fewer than 50 values and there are no ties; otherwise the normal
    approximation with continuity correction 0.5 sign(z) and the tie-corrected variance. Missing values (NaN)
    are left out first, as R does (`x <- x[!is.na(x)]`); infinite values are ranked, as R 4 ranks them.
    """
    (x, dropped_x), (y, dropped_y) = observed(a, "first group"), observed(b, "second group")
    left_out = dropped_note(dropped_x + dropped_y)
    nx, ny = x.size, y.size
    r, sizes = ranks(np.concatenate([x, y]))
    w = float(r[:nx].sum() - nx * (nx + 1) / 2)
    exact = nx < EXACT_BELOW and ny < EXACT_BELOW
    ties = bool(np.any(sizes > 1))
    if exact and not ties:
        p = _exact_two_sided(round(w), nx, ny)
        detail = f"exact: no ties and both groups < {EXACT_BELOW} (n = {nx} and {ny}){left_out}"
        return MethodResult("mann_whitney", p, w, None, "Wilcoxon rank sum exact test", detail)
    n = nx + ny
    tie_term = float(np.sum(sizes.astype(float) ** 3 - sizes)) / (n * (n - 1))
    sigma = np.sqrt(nx * ny / 12 * ((n + 1) - tie_term))
    if not sigma > 0:
        raise NotComputable("all values are equal: the rank sum test is undefined")
    z = w - nx * ny / 2
    z = (z - np.sign(z) * 0.5) / sigma
    p = 2 * min(norm_cdf(z), norm_sf(z))
    reason = "ties" if ties else f"a group of {EXACT_BELOW} or more"
    detail = f"normal approximation with continuity correction, tie-corrected variance ({reason}){left_out}"
    warnings = (TIES_WARNING,) if exact and ties else ()
    method = "Wilcoxon rank sum test with continuity correction"
    return MethodResult("mann_whitney", p, w, None, method, detail, warnings)


def kruskal_wallis(*groups: object) -> MethodResult:
    """Kruskal-Wallis rank sum test, R `kruskal.test(list(...))`: chi-squared approximation, tie-corrected.

    Missing values (NaN) are left out first, as R's `complete.cases`; infinite values are ranked."""
    kept = [observed(g, f"group {i + 1}") for i, g in enumerate(groups)]
    arrays = [array for array, _ in kept]
    left_out = dropped_note(sum(dropped for _, dropped in kept))
    if len(arrays) < 2:
        raise NotComputable("all observations are in the same group (R: kruskal.test needs 2 groups or more)")
    sizes_g = np.array([a.size for a in arrays])
    r, ties = ranks(np.concatenate(arrays))
    n = float(r.size)
    bounds = np.cumsum(sizes_g)[:-1]
    rank_sums = np.array([part.sum() for part in np.split(r, bounds)])
    correction = 1 - float(np.sum(ties.astype(float) ** 3 - ties)) / (n**3 - n)
    if not correction > 0:
        raise NotComputable("all values are equal: the Kruskal-Wallis statistic is undefined")
    statistic = (12 * float(np.sum(rank_sums**2 / sizes_g)) / (n * (n + 1)) - 3 * (n + 1)) / correction
    df = float(len(arrays) - 1)
    detail = f"chi-squared approximation on {df:g} df, tie-corrected{left_out}"
    return MethodResult(
        "kruskal_wallis", chi2_sf(statistic, df), statistic, df, "Kruskal-Wallis rank sum test", detail
    )
