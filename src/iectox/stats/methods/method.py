"""The protocol of a statistical method: one object says what it is called, which R call it reproduces,
what data it takes, how many groups it compares, and how to run it.

Test choice, the recheck of published tables, footnotes, the methods paragraph and JSON ids all read these
objects, so adding a method is adding one `Method` to `iectox.stats.methods.registry.METHODS`, where the
conformance tests (`tests/test_stats_conformance.py`) check it with the others.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from iectox.stats.methods.cmh import strata_tables
from iectox.stats.methods.mcnemar import paired_table
from iectox.stats.methods.means import FROM_AGGREGATES, Moments
from iectox.stats.methods.result import MethodResult, NotComputable, counts_table

DataKind = Literal["counts", "values", "ordered", "strata", "paired"]
DATA_KINDS: tuple[DataKind, ...] = ("counts", "values", "ordered", "strata", "paired")
TABLE_KINDS: tuple[DataKind, ...] = ("counts", "ordered", "strata", "paired")  # the kinds with levels


@dataclass(frozen=True)
class Method:
    """One statistical method.

    `data` is ``"counts"`` (one groups x levels table: `compute(table)`), ``"values"`` (one array of
    observations per group: `compute(*groups)`), ``"ordered"`` (a counts table whose groups and levels are
    both in their natural order, as a trend test needs: `compute(table)`; never chosen for unordered
    categories, nor by the recheck of a published table), ``"strata"`` (one groups x levels table per stratum, a
    strata x groups x levels array: `compute(tables)`) or ``"paired"`` (the same patients assessed twice: a
    square levels x levels table, rows the first assessment: `compute(table)`; always 2 groups). `name` and
    `short` are English msgids for footnotes and the check tables, translated where shown with
    `iectox.i18n.tr`. `on_ranks`: only the order of the values matters, so the counts of ordered levels
    (every patient's grade) are valid input too.
    `from_aggregates` runs the same test from each group's mean, SD and n (what a published table prints),
    or is None when the method needs the raw values.
    """

    id: str
    name: str
    short: str
    r_call: str
    data: DataKind
    compute: Callable[..., MethodResult]
    min_groups: int = 2
    max_groups: int | None = None
    max_levels: int | None = None
    on_ranks: bool = False
    from_aggregates: Callable[[Sequence[Moments], str], MethodResult] | None = None

    def __post_init__(self) -> None:
        if self.data not in DATA_KINDS:
            raise ValueError(f"method {self.id!r}: data {self.data!r} is not one of {DATA_KINDS}")
        if self.min_groups < 1 or (self.max_groups is not None and self.max_groups < self.min_groups):
            raise ValueError(f"method {self.id!r}: groups {self.min_groups}..{self.max_groups} is empty")
        if self.max_levels is not None and self.data not in TABLE_KINDS:
            raise ValueError(f"method {self.id!r}: only a method on tables has a number of levels")
        if self.data == "paired" and (self.min_groups, self.max_groups) != (2, 2):
            raise ValueError(f"method {self.id!r}: paired data are 2 assessments of the same patients")

    def groups_text(self) -> str:
        """The number of groups it compares, in words ("2 groups", "3 or more groups")."""
        if self.max_groups == self.min_groups:
            return f"{self.min_groups} groups"
        if self.max_groups is None:
            return f"{self.min_groups} or more groups"
        return f"{self.min_groups} to {self.max_groups} groups"

    def refusal(self, groups: int, levels: int | None = None) -> str | None:
        """Why it cannot compare this many groups (and levels, for counts), or None when it can."""
        if groups < self.min_groups or (self.max_groups is not None and groups > self.max_groups):
            return f"{self.id} compares {self.groups_text()}, not {groups}"
        if levels is not None and self.max_levels is not None and levels > self.max_levels:
            return f"{self.id} takes tables of at most {self.max_levels} levels, not {levels}"
        return None

    def accepts(self, groups: int, levels: int | None = None) -> bool:
        return self.refusal(groups, levels) is None

    def _check(self, groups: int, levels: int | None = None) -> None:
        reason = self.refusal(groups, levels)
        if reason is not None:
            raise NotComputable(reason)

    def run(self, data: object) -> MethodResult:
        """The method on its kind of data: a counts table (rows: groups), a sequence of arrays (one per group),
        a strata x groups x levels array, or a square table of paired assessments.

        Raises `NotComputable` when the number of groups (or levels) is outside the method's limits, or when
        the method itself cannot run on these numbers.
        """
        if self.data in ("counts", "ordered"):
            table = counts_table(data)
            self._check(table.shape[0], table.shape[1])
            return self.compute(table)
        if self.data == "strata":
            tables = strata_tables(data)
            self._check(tables.shape[1], tables.shape[2])
            return self.compute(tables)
        if self.data == "paired":
            square = paired_table(data)
            self._check(2, square.shape[0])
            return self.compute(square)
        if data is None or isinstance(data, (str, bytes)):
            raise NotComputable(f"{self.id} takes one array of values per group")
        groups = list(data)  # type: ignore[call-overload]
        self._check(len(groups))
        return self.compute(*groups)

    def run_from_aggregates(self, groups: Sequence[Moments], source: str = FROM_AGGREGATES) -> MethodResult:
        """The method from each group's mean, SD and n; `NotComputable` when it needs the raw values.

        `source` is written in the result's detail: printed numbers by default, or `means.FROM_VALUES` when
        the moments were computed from the values themselves."""
        if self.from_aggregates is None:
            raise NotComputable(f"{self.id} needs the raw values, not means, SDs and ns")
        self._check(len(groups))
        return self.from_aggregates(groups, source)
