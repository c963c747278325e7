"""Pairwise post-hoc comparisons with a multiplicity adjustment, as R's `pairwise.*` functions: after a
k-group test, which pairs of groups differ.

Every procedure compares each pair of groups (i, j), i after j, in R's `pairwise.table` order -- (2, 1),
(3, 1), ..., (k, 1), (3, 2), ... -- then adjusts the p-values together with `p.adjust`. A pair that cannot be
tested (no event in either group) keeps its reason, has no p-value and, as R's NA, is not counted among the
tests. Procedures live in the `POST_HOC` registry (`iectox.stats.methods.registry`), each a `PostHoc`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from iectox.stats.methods.adjust import ADJUSTMENTS, P_ADJUST
from iectox.stats.methods.contingency import fisher_exact, yates_chi2
from iectox.stats.methods.distributions import t_sf
from iectox.stats.methods.means import Moments, welch_t
from iectox.stats.methods.method import DataKind
from iectox.stats.methods.ranks import mann_whitney
from iectox.stats.methods.result import MethodResult, NotComputable, complete_values, counts_table

NO_ADJUSTMENT = "none"


@dataclass(frozen=True)
class Pair:
    """One comparison: group `first` (the later one, R's row) against `second`; `result` is the test as run on
    the pair, `adjusted` its p-value after adjustment; both None, with `reason`, when it could not run."""

    first: str
    second: str
    result: MethodResult | None
    adjusted: float | None
    reason: str | None = None

    @property
    def p_value(self) -> float | None:
        return self.result.p_value if self.result is not None else None


@dataclass(frozen=True)
class PairwiseResult:
    """Every pair of groups, with raw and adjusted p-values; `method` is R's METHOD line, `adjustment` the
    id of the adjustment (`ADJUSTMENTS`, or "none") and `p_adjust` R's name for it."""

    test: str
    method: str
    adjustment: str
    p_adjust: str
    pairs: tuple[Pair, ...]

    def pair(self, first: str, second: str) -> Pair:
        """The comparison of two groups, named in either order."""
        for p in self.pairs:
            if {p.first, p.second} == {first, second}:
                return p
        raise KeyError(f"no pair {first!r} - {second!r}; groups: {', '.join(dict.fromkeys(self._labels()))}")

    def records(self) -> list[dict[str, object]]:
        """Each pair as numbers and ids, for report.json: an untested pair has no p-value and says why."""
        return [
            {
                "first": p.first,
                "second": p.second,
                "test": p.result.test if p.result else None,
                "statistic": p.result.statistic if p.result else None,
                "p": p.p_value,
                "p_adjusted": p.adjusted,
                "adjustment": self.p_adjust,
                "reason": p.reason,
            }
            for p in self.pairs
        ]

    def _labels(self) -> list[str]:
        return [label for p in self.pairs for label in (p.second, p.first)]


PairTest = Callable[[Sequence[np.ndarray], int, int], MethodResult]


@dataclass(frozen=True)
class PostHoc:
    """One pairwise procedure: `compare(groups, i, j)` tests group i against group j (i after j) knowing all
    the groups (a pooled SD needs them); `data` is "values" (one array per group) or "counts" (a groups x
    levels table, each row a group). `method` is R's METHOD line, or None when R takes the first pair's
    (`pairwise.wilcox.test`: exact or with continuity correction)."""

    id: str
    name: str
    short: str
    r_call: str
    data: DataKind
    compare: PairTest
    method: str | None
    max_levels: int | None = None

    def run(self, data: object, adjust: str = "holm", labels: Sequence[str] | None = None) -> PairwiseResult:
        """Every pair, adjusted by `adjust` (R's default "holm"); `labels` name the groups (1, 2, ... if None)."""
        if adjust != NO_ADJUSTMENT and adjust not in ADJUSTMENTS:
            raise ValueError(f"unknown adjustment {adjust!r}; use {', '.join((*ADJUSTMENTS, NO_ADJUSTMENT))}")
        groups = self._groups(data)
        names = (
            [str(label) for label in labels]
            if labels is not None
            else [str(i + 1) for i in range(len(groups))]
        )
        if len(names) != len(groups):
            raise NotComputable(f"{len(names)} labels for {len(groups)} groups")
        if len(groups) < 2:
            raise NotComputable(
                f"{self.id} compares 2 or more groups, not {len(groups)} (R: 'too few groups')"
            )
        runs: list[tuple[int, int, MethodResult | None, str | None]] = []
        for j in range(len(groups) - 1):
            for i in range(j + 1, len(groups)):
                try:
                    runs.append((i, j, self.compare(groups, i, j), None))
                except NotComputable as exc:
                    runs.append((i, j, None, str(exc)))
        raw = [r.p_value if r is not None else np.nan for _, _, r, _ in runs]
        adjusted = np.asarray(raw, dtype=float) if adjust == NO_ADJUSTMENT else ADJUSTMENTS[adjust](raw)
        pairs = tuple(
            Pair(names[i], names[j], result, None if result is None else float(q), reason)
            for (i, j, result, reason), q in zip(runs, adjusted, strict=True)
        )
        first = next((p.result.method for p in pairs if p.result is not None), "")
        method = self.method or first
        return PairwiseResult(self.id, method, adjust, P_ADJUST.get(adjust, NO_ADJUSTMENT), pairs)

    def _groups(self, data: object) -> list[np.ndarray]:
        if self.data == "counts":
            table = counts_table(data)
            if self.max_levels is not None and table.shape[1] > self.max_levels:
                raise NotComputable(
                    f"{self.id} takes tables of at most {self.max_levels} levels, not {table.shape[1]}"
                )
            return list(table)
        if data is None or isinstance(data, (str, bytes)):
            raise NotComputable(f"{self.id} takes one array of values per group")
        return [complete_values(g, f"group {k + 1}") for k, g in enumerate(data)]  # type: ignore[attr-defined]


def pooled_t(groups: Sequence[np.ndarray], i: int, j: int) -> MethodResult:
    """t test of group i against group j with the SD pooled over all groups, as R `pairwise.t.test(x, g)`
    (`pool.sd = TRUE`, its default): df = sum of (n - 1) over all groups."""
    moments = [Moments.of(g, f"group {k + 1}") for k, g in enumerate(groups)]
    if any(m.n < 2 for m in moments):
        raise NotComputable("a group has a single value: R's pooled SD is NA")
    df = float(sum(m.n - 1 for m in moments))
    pooled = float(np.sqrt(sum((m.n - 1) * m.sd**2 for m in moments) / df))
    if not pooled > 0:
        raise NotComputable("no variation within groups: the pooled SD is 0")
    a, b = moments[i], moments[j]
    t = (a.mean - b.mean) / (pooled * np.sqrt(1 / a.n + 1 / b.n))
    detail = f"pooled SD {pooled:.6g} over {len(groups)} groups, df {df:g}"
    return MethodResult("pairwise_t", 2 * t_sf(abs(t), df), float(t), df, "t tests with pooled SD", detail)


def pair_welch_t(groups: Sequence[np.ndarray], i: int, j: int) -> MethodResult:
    """Welch's t test of group i against group j alone, as R `pairwise.t.test(x, g, pool.sd = FALSE)`."""
    return welch_t(groups[i], groups[j])


def pair_wilcox(groups: Sequence[np.ndarray], i: int, j: int) -> MethodResult:
    """`wilcox.test` of group i against group j, as R `pairwise.wilcox.test(x, g)` (exact below 50 without
    ties, else normal with continuity correction)."""
    return mann_whitney(groups[i], groups[j])


def pair_prop(groups: Sequence[np.ndarray], i: int, j: int) -> MethodResult:
    """`prop.test` of rows i and j (events, non-events), as R `pairwise.prop.test(x, n)`: on two groups it is
    the chi-squared test with Yates' correction min(0.5, |O - E|), the same number as `chisq.test`."""
    return yates_chi2(np.vstack([groups[i], groups[j]]))


def pair_fisher(groups: Sequence[np.ndarray], i: int, j: int) -> MethodResult:
    """`fisher.test` of rows i and j of the table, as R `pairwise.table(function(i, j) fisher.test(x[c(i, j),
    ])$p.value, rownames(x), "holm")` (base R has no pairwise Fisher; this is the usual idiom)."""
    return fisher_exact(np.vstack([groups[i], groups[j]]))
