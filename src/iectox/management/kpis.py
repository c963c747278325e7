"""Cohort KPIs of the pathway: how often it was followed and how long treatment took, by cohort and quarter.

For each rule: the episodes it applies to (n), how many met it, were late, untreated, treated otherwise, or
cannot be judged; the share shown to meet it among all the episodes it applies to (met / n: an episode the
record cannot judge is neither counted as met nor left out of the denominator, so that "3 met of 8" reads 3/8,
not 3/3); and the median delay from the rule's clock with its interquartile range (quartiles by linear
interpolation, as R's default and pandas'), over the delays known to the hour (n_delay). By calendar quarter
of infusion too, so that a trend shows, with the n of every cell, since a share of 2 episodes says little.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from iectox.management.outcomes import NOT_FOLLOWED, OUTCOMES
from iectox.management.registry import MANAGEMENT
from iectox.management.verdicts import LATE, MET, UNDETERMINED, UNTREATED
from iectox.rules import Registry

COUNT_COLUMNS = ["n", MET, LATE, UNTREATED, NOT_FOLLOWED, UNDETERMINED]
COLUMNS = [
    "rule",
    *COUNT_COLUMNS,
    "share_met",
    "n_delay",
    "median_delay_h",
    "q1_delay_h",
    "q3_delay_h",
    "target_h",
]


def _targets(known: pd.DataFrame, group: np.ndarray, n_groups: int) -> list[str]:
    """Per group, its distinct targets in increasing order ("24 / 72"); a few rows per group once deduplicated."""
    targets = pd.DataFrame({"group": group, "target": known["target_h"].astype("float64").to_numpy()})
    joined: list[list[float]] = [[] for _ in range(n_groups)]
    for g, target in targets.dropna().drop_duplicates().itertuples(index=False, name=None):
        joined[g].append(float(target))
    return [" / ".join(f"{t:g}" for t in sorted(values)) for values in joined]


def kpis(
    adherence: pd.DataFrame, by: Sequence[str] = ("cohort",), registry: Registry = MANAGEMENT
) -> pd.DataFrame:
    """One row per rule and group of `by` (columns of the adherence table): counts, share met, delays.

    Rules come in `registry` order, the order the audit's pages show them in. The groups are numbered once;
    every statistic is then one aggregation by that number over the whole table, so the cost does not grow
    with the number of cohorts and quarters."""
    by = list(by)
    keys = ["rule", *by]
    known = adherence.dropna(subset=by) if by else adherence
    groups = known.groupby(keys, sort=True, dropna=False)
    sizes = groups.size()
    group, n_groups = groups.ngroup().to_numpy(), len(sizes)
    outcome = pd.Categorical(known["outcome"], categories=list(OUTCOMES)).codes  # -1: none of them
    width = len(OUTCOMES) + 1
    tally = np.bincount(group * width + outcome + 1, minlength=n_groups * width).reshape(n_groups, width)
    counts = pd.DataFrame(tally[:, 1:], columns=list(OUTCOMES), index=sizes.index)
    delays = known["delay_h"].astype("float64").groupby(group)
    every = pd.RangeIndex(n_groups)
    frame = pd.DataFrame(
        {
            "n": sizes,
            **{o: counts[o] for o in OUTCOMES},
            "share_met": (counts[MET] / sizes.where(sizes > 0)).astype("float64"),
            "n_delay": delays.count().reindex(every, fill_value=0).to_numpy(),
            "median_delay_h": delays.median().reindex(every).to_numpy(),
            "q1_delay_h": delays.quantile(0.25).reindex(every).to_numpy(),
            "q3_delay_h": delays.quantile(0.75).reindex(every).to_numpy(),
            "target_h": np.array(_targets(known, group, n_groups), dtype=object),
        },
        index=sizes.index,
    )
    frame = frame.reset_index().astype({k: object for k in keys})[["rule", *by, *COLUMNS[1:]]]
    order = {r: i for i, r in enumerate(registry)}
    frame = frame.sort_values(["rule", *by], key=lambda s: s.map(order) if s.name == "rule" else s)
    for column in [*COUNT_COLUMNS, "n_delay"]:
        frame[column] = frame[column].astype("Int64")
    return frame.reset_index(drop=True)


def kpis_by_cohort(adherence: pd.DataFrame, registry: Registry = MANAGEMENT) -> pd.DataFrame:
    """Each rule by cohort."""
    return kpis(adherence, ("cohort",), registry)


def kpis_by_quarter(adherence: pd.DataFrame, registry: Registry = MANAGEMENT) -> pd.DataFrame:
    """Each rule by cohort and calendar quarter of infusion ('2024-Q3'); infusions without a date left out."""
    return kpis(adherence, ("cohort", "quarter"), registry)


__all__ = ["COLUMNS", "kpis", "kpis_by_cohort", "kpis_by_quarter"]
