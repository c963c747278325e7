"""A categorical variable tested within strata (centres, products): the Cochran-Mantel-Haenszel test, as R
`mantelhaen.test`, on one groups x levels table per stratum.

    compare(frame, "cohort", ["crs_any", "crs_grade"], strata="centre").add_p()

The counts are gathered once per variable when the table is built (`strata_counts`); the test is chosen
when p-values are added (`stratified_test`): on 2 x 2 x K tables the policy's `stratified` method
(`mantel_haenszel`, R's default, with its continuity correction; `mantel_haenszel_uncorrected`;
`mantel_haenszel_exact`) with the Mantel-Haenszel common odds ratio and its 95% CI, on larger tables the
generalised test `cmh_generalized`, each from `METHODS`.

A stratum whose rows are all in one group compares nothing within itself: its deviation and variance are 0,
so it adds nothing to R's statistic; it is left out and named in a note (so R's refusal of a stratum of
fewer than 2 observations never arises). Fewer than two strata that compare groups adjust for nothing: the
variable is then not tested and the footnote says why, rather than print a "stratified" p-value that is
not one. Rows without a stratum value are left out of the test and counted in a note.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from iectox.i18n import N_
from iectox.message import Message
from iectox.stats import build
from iectox.stats.methods import METHODS, MethodResult, NotComputable
from iectox.stats.methods.cmh import mantel_haenszel_exact_odds_ratio, mantel_haenszel_odds_ratio
from iectox.stats.methods.effects import Effect
from iectox.stats.policy import MethodPolicy
from iectox.stats.summaries import Groups, make_groups
from iectox.stats.variables import Variable

GENERALISED = "cmh_generalized"


def stratified_method(tables: np.ndarray, two_by_two: str = "mantel_haenszel") -> str:
    """The `METHODS` id of the test of strata x rows x columns `tables`: `two_by_two` (a Mantel-Haenszel
    test) on 2 x 2 x K tables, the generalised Cochran-Mantel-Haenszel test on larger ones, as R
    `mantelhaen.test` chooses by the table's dimensions."""
    return two_by_two if tables.shape[1:] == (2, 2) else GENERALISED


@dataclass(frozen=True, eq=False)
class StrataCounts:
    """One groups x levels table per stratum (a strata x groups x levels array), with what was left out."""

    column: str
    labels: tuple[str, ...]  # the strata, in natural order
    counts: np.ndarray  # strata x groups x levels: the table's groups, the variable's levels in its order
    levels: tuple[str, ...]  # the levels' labels
    without_stratum: int  # rows of a group, with a value, but without a stratum: left out of the test


@dataclass(frozen=True)
class Stratified:
    """What a stratified test ran on, for the footnotes and report.json."""

    column: str
    strata: tuple[str, ...]  # the strata that compare groups: those the test ran on
    single_group: tuple[str, ...]  # strata whose rows are all in one group: left out
    without_stratum: int
    odds_ratio: Effect | None = None  # the common odds ratio (2 x 2 x K), first group vs second
    odds_ratio_reason: str | None = None  # why there is none, on 2 x 2 x K tables
    compared: tuple[int, int] | None = None  # on 2 x 2 x K: the two groups' positions in the table
    level: str | None = None  # on 2 x 2 x K: the level whose odds are compared

    def record(self) -> dict[str, object]:
        ratio = self.odds_ratio
        return {
            "column": self.column,
            "strata": list(self.strata),
            "single_group": list(self.single_group),
            "without_stratum": self.without_stratum,
            "common_odds_ratio": None
            if ratio is None
            else {"estimate": ratio.estimate, "low": ratio.low, "high": ratio.high, "method": ratio.method},
            "common_odds_ratio_reason": self.odds_ratio_reason,
            "groups_compared": None if self.compared is None else list(self.compared),
            "level": self.level,
        }


def strata_counts(
    values: pd.Series,
    variable: Variable,
    kind: str,
    levels: tuple[tuple[object, str], ...],
    groups: Groups,
    strata: pd.Series,
) -> StrataCounts:
    """The variable's counts per stratum and group, by the same summary as its table (its levels, its
    grades, its `top` levels pooled by the table's groups): each (stratum, group) pair is one group of a
    finer grouping. `levels` are the table's (level, label) pairs."""
    stratum = make_groups(strata, None, None)
    inside = (groups.codes >= 0) & (stratum.codes >= 0)
    codes = np.where(inside, stratum.codes.astype(np.int64) * groups.k + groups.codes, -1)
    cells = stratum.k * groups.k
    finer = Groups(codes.astype(Groups.code_type(cells)), tuple(map(str, range(cells))), tuple(range(cells)))
    if kind == "toxicity":  # every grade from 0, the table's rows being any grade, each grade, severe
        whole = build.toxicity(values, variable, finer)
        assert whole.counts is not None and whole.samples is not None
        top = max((int(s.max()) for s in whole.samples if s.size), default=0)
        table = np.stack([np.bincount(s.astype(np.int64), minlength=top + 1) for s in whole.samples])
        labels = tuple(f"Grade {g}" for g in range(top + 1))
    else:
        pooled = build.top_levels(values, variable, groups)
        keys = tuple(level for level, _ in levels)
        table = build.categorical(pooled, replace(variable, top=None, levels=keys), finer).counts
        labels = tuple(label for _, label in levels)
    assert table is not None
    counts = table.reshape(stratum.k, groups.k, table.shape[1])
    blank = np.asarray(strata.isna()) & (groups.codes >= 0)
    without = int(np.asarray(values.notna())[blank].sum())
    return StrataCounts(str(strata.name), stratum.labels, counts, labels, without)


def stratified_test(
    counts: StrataCounts, policy: MethodPolicy, forced: str | None
) -> tuple[MethodResult, Message, Stratified] | Message:
    """The stratified test of one variable, why it was chosen and what it ran on; or why the strata cannot
    test it. `NotComputable` when the method itself refuses the numbers."""
    tables = counts.counts.astype(float)
    groups_in = tables.sum(axis=2) > 0  # strata x groups
    compares = groups_in.sum(axis=1) >= 2
    if int(compares.sum()) < 2:
        return Message(
            N_(
                "not tested: a stratified test needs two strata with two groups or more each; "
                "{compared} of {total} strata of {column} have them"
            ),
            compared=int(compares.sum()),
            total=len(counts.labels),
            column=counts.column,
        )
    kept = tables[compares]
    group_index = np.flatnonzero(kept.sum(axis=(0, 2)) > 0)
    level_index = np.flatnonzero(kept.sum(axis=(0, 1)) > 0)
    kept = kept[:, group_index][:, :, level_index]
    if kept.shape[1] < 2 or kept.shape[2] < 2:
        return Message(N_("not tested: a single level or group has all the values"))
    shape = Message(
        N_("{strata} strata of {rows} x {columns} tables"),
        strata=kept.shape[0],
        rows=kept.shape[1],
        columns=kept.shape[2],
    )
    if forced is not None:
        test_id = forced
        reason = Message(
            N_("{method_text} as set for this variable ({shape})"),
            method_text=METHODS[forced].name,
            shape=shape,
        )
    else:
        test_id = stratified_method(kept, policy.stratified)
        reason = Message(N_("stratified by {column}: {shape}"), column=counts.column, shape=shape)
    test = METHODS[test_id].run(kept)
    labels = np.array(counts.labels, dtype=object)
    occupied = counts.counts.sum(axis=(1, 2)) > 0
    stratified = Stratified(
        counts.column, tuple(labels[compares]), tuple(labels[~compares & occupied]), counts.without_stratum
    )
    if kept.shape[1:] == (2, 2):
        estimate = (
            mantel_haenszel_exact_odds_ratio
            if test.test == "mantel_haenszel_exact"
            else mantel_haenszel_odds_ratio
        )
        compared = (int(group_index[0]), int(group_index[1]))
        stratified = replace(stratified, compared=compared, level=counts.levels[int(level_index[0])])
        try:
            stratified = replace(stratified, odds_ratio=estimate(kept))
        except NotComputable as exc:
            stratified = replace(stratified, odds_ratio_reason=str(exc))
    return test, reason, stratified


def stratified_notes(stratified: Stratified, group_labels: tuple[str, ...]) -> tuple[Message, ...]:
    """The variable's footnotes on its stratified test: strata left out, rows without a stratum, the common
    odds ratio (the first group compared against the second, the odds of the first level)."""
    said: list[Message] = []
    if stratified.single_group:
        said.append(
            Message(
                N_("{count} stratum(s) with a single group left out of the stratified test: {strata}"),
                count=len(stratified.single_group),
                strata=", ".join(stratified.single_group),
            )
        )
    if stratified.without_stratum:
        said.append(
            Message(
                N_("{count} row(s) without {column} left out of the stratified test"),
                count=stratified.without_stratum,
                column=stratified.column,
            )
        )
    ratio, compared = stratified.odds_ratio, stratified.compared
    if ratio is not None and compared is not None:
        said.append(
            Message(
                N_(
                    "common odds ratio, {first} vs {second} ({level_text}): {estimate:.2f} "
                    "(95% CI {low:.2f}, {high:.2f})"
                ),
                first=group_labels[compared[0]],
                second=group_labels[compared[1]],
                level_text=str(stratified.level),
                estimate=float(ratio.estimate),
                low=float(ratio.low),
                high=float(ratio.high),
            )
        )
    elif stratified.odds_ratio_reason:
        said.append(Message(N_("no common odds ratio: {why}"), why=stratified.odds_ratio_reason))
    return tuple(said)
