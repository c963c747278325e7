"""The Wilcoxon-Mann-Whitney test as R's coin package computes it, `coin::wilcox_test(y ~ g)`: exact even
with ties (grades are nothing but ties), where base R's `wilcox.test` falls back to the normal approximation.

The statistic is the sum T of the first group's mid-ranks; coin prints it standardised, Z = (T - E) / sqrt(V)
with the permutation (conditional) mean and variance. The exact null distribution of T given the tied ranks
is counted by the shift algorithm of Streitberg & Roehmel (1986): every subset of the pooled mid-ranks of the
first group's size is equally likely, and the distribution of their sum is built one tie group at a time
(doubled mid-ranks are integers). The two-sided p-value is coin's: P(Z <= -|z|) + P(Z >= |z|).

The count table grows with (smaller group size) x (range of the sum): beyond `MAX_EXACT_CELLS` cells or
`MAX_EXACT_WORK` additions the exact distribution is not built and coin's asymptotic test runs instead,
saying so in `detail` and `method`.
"""

from __future__ import annotations

from math import comb

import numpy as np

from iectox.stats.methods.distributions import norm_cdf, norm_sf
from iectox.stats.methods.ranks import ranks
from iectox.stats.methods.result import MethodResult, NotComputable, complete_values

MAX_EXACT_CELLS = 4_000_000  # (m + 1) x (sum range + 1) floats: 32 MB
MAX_EXACT_WORK = 80_000_000  # cell additions: about a second
EXACT = "Exact Wilcoxon-Mann-Whitney Test"
ASYMPTOTIC = "Asymptotic Wilcoxon-Mann-Whitney Test"


class _Ranked:
    """The two groups' doubled mid-ranks (integers) and the first group's standardised rank sum."""

    def __init__(self, a: object, b: object) -> None:
        x, y = complete_values(a, "first group"), complete_values(b, "second group")
        self.m, self.n = x.size, y.size
        mid, _ = ranks(np.concatenate([x, y]))
        self.doubled = np.rint(2 * mid).astype(np.int64)
        total = self.m + self.n
        spread = float(np.sum((mid - mid.mean()) ** 2))
        variance = self.m * self.n / (total * (total - 1)) * spread if total > 1 else 0.0
        if not variance > 0:
            raise NotComputable("all values are equal: the rank sum has no variance (coin: Z is NaN)")
        self.t = float(mid[: self.m].sum())
        self.expected = self.m * (total + 1) / 2
        self.z = (self.t - self.expected) / np.sqrt(variance)

    def summary(self) -> str:
        return f"T = {self.t:g} (sum of the first group's mid-ranks), E(T) = {self.expected:g}"


def _additions(steps: list[int], sizes: list[int], m: int, top: int) -> int:
    """How many cells `_sum_counts` will add: the reachable band, grown one tie group at a time."""
    total, rows, width = 0, 1, 1
    for value, size in zip(steps, sizes, strict=True):
        for k in range(1, min(size, m) + 1):
            span = min(width, top + 1 - k * value)
            if span <= 0:
                break
            total += min(rows, m + 1 - k) * span
        rows, width = min(m + 1, rows + min(size, m)), min(top + 1, width + min(size, m) * value)
    return total


def _sum_counts(
    scores: np.ndarray, m: int, max_cells: int, max_work: int
) -> tuple[np.ndarray, int, int] | None:
    """How many m-subsets of the integer `scores` give each sum, up to one common factor, as (counts, offset,
    step): sum = offset + step x index. None when the table would exceed `max_cells` cells or `max_work`
    additions."""
    levels, sizes = np.unique(scores, return_counts=True)
    steps = levels - levels[0]
    step = int(np.gcd.reduce(steps)) or 1
    steps //= step
    top = int(np.sort(np.repeat(steps, sizes))[::-1][:m].sum())
    cells = (m + 1) * (top + 1)
    if cells > max_cells or _additions(steps.tolist(), sizes.tolist(), m, top) > max_work:
        return None
    table = np.zeros((m + 1, top + 1))
    table[0, 0] = 1.0
    rows, width = 1, 1  # the counts 0..rows-1 and sums 0..width-1 reachable so far: the rest is still 0
    for value, size in zip(steps.tolist(), sizes.tolist(), strict=True):
        # C(size, k) relative to the largest one, exactly rounded from integers: the counts exceed a float's
        # range from about 1,000 tied values (coin stops there with "overflow error"), their ratios do not.
        largest = comb(size, size // 2)
        grown = table * (1 / largest)
        for k in range(1, min(size, m) + 1):
            shift = k * value
            reach, span = min(rows, m + 1 - k), min(width, top + 1 - shift)
            if span <= 0:
                break
            grown[k : k + reach, shift : shift + span] += comb(size, k) / largest * table[:reach, :span]
        rows, width = min(m + 1, rows + min(size, m)), min(top + 1, width + min(size, m) * value)
        table = grown / grown.max()
    return table[m], m * int(levels[0]), step


def _exact_p(ranked: _Ranked, max_cells: int, max_work: int) -> tuple[float, int] | None:
    """coin's two-sided exact p from the distribution of the smaller group's sum (the other's is its
    complement, so |T - E| is the same for both), and the number of distinct sums; None when too large."""
    small_first = ranked.m <= ranked.n
    m = ranked.m if small_first else ranked.n
    counts = _sum_counts(ranked.doubled, m, max_cells, max_work)
    if counts is None:
        return None
    frequencies, offset, step = counts
    total = ranked.m + ranked.n
    grand = int(ranked.doubled.sum())
    observed = int(ranked.doubled[: ranked.m].sum()) if small_first else int(ranked.doubled[ranked.m :].sum())
    # Compare total x (2 x sum) - m x grand, an integer: |that| orders |T - E| exactly, without rounding.
    sums = offset + step * np.arange(frequencies.size, dtype=np.int64)
    distance = np.abs(total * sums - m * grand)
    far = distance >= abs(total * observed - m * grand)
    if observed * total == m * grand:
        return 1.0, int(np.count_nonzero(frequencies))
    return float(frequencies[far].sum() / frequencies.sum()), int(np.count_nonzero(frequencies))


def _asymptotic(ranked: _Ranked, test: str, why: str) -> MethodResult:
    p = 2 * min(norm_cdf(ranked.z), norm_sf(ranked.z))
    detail = f"{why}normal approximation of the standardised rank sum Z, no continuity correction; {ranked.summary()}"
    return MethodResult(test, p, float(ranked.z), None, ASYMPTOTIC, detail)


def wilcoxon_exact(
    a: object, b: object, *, max_cells: int = MAX_EXACT_CELLS, max_work: int = MAX_EXACT_WORK
) -> MethodResult:
    """Exact Wilcoxon-Mann-Whitney test with ties, R `coin::wilcox_test(y ~ g, distribution = "exact")`:
    `statistic` is coin's Z for the first group, `p_value` the exact conditional two-sided p.

    When the exact distribution is too large to count, coin's asymptotic test runs instead and says why.
    """
    ranked = _Ranked(a, b)
    exact = _exact_p(ranked, max_cells, max_work)
    if exact is None:
        why = (
            f"exact distribution too large to count (n = {ranked.m} and {ranked.n}: over {max_cells:,} cells "
            f"or {max_work:,} additions); "
        )
        return _asymptotic(ranked, "wilcoxon_exact", why)
    p, support = exact
    detail = (
        f"exact conditional distribution of the mid-rank sum given the ties (shift algorithm, {support:,} "
        f"possible sums); {ranked.summary()}"
    )
    return MethodResult("wilcoxon_exact", min(1.0, p), float(ranked.z), None, EXACT, detail)


def wilcoxon_asymptotic(a: object, b: object) -> MethodResult:
    """Asymptotic Wilcoxon-Mann-Whitney test, R `coin::wilcox_test(y ~ g)`: Z with the tie-corrected
    permutation variance and no continuity correction (unlike `wilcox.test`), p = 2 P(N(0, 1) > |Z|)."""
    return _asymptotic(_Ranked(a, b), "wilcoxon_asymptotic", "")
