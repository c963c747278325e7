"""Cohort KPIs of the pathway: how often it was followed and how long treatment took, by cohort and quarter.

For each rule: the episodes it applies to (n), how many met it, were late, untreated, treated otherwise, or
cannot be judged; the share that met it among those that can be judged; and the median delay from the rule's
clock with its interquartile range (quartiles by linear interpolation, as R's default and pandas'), over
the delays known to the hour (n_delay). By calendar quarter of infusion too, so that a trend shows, with the
n of every cell, since a share of 2 episodes says little.
"""

from __future__ import annotations

from collections.abc import Sequence

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


def _targets(known: pd.DataFrame, keys: list[str]) -> pd.Series:
    """Per group, its distinct targets in increasing order ("24 / 72"); a few rows per group once deduplicated."""
    targets = known[[*keys, "target_h"]].dropna(subset=["target_h"]).drop_duplicates()
    joined: dict[object, list[float]] = {}
    for *key, target in targets.itertuples(index=False, name=None):
        joined.setdefault(tuple(key) if len(keys) > 1 else key[0], []).append(float(target))
    return pd.Series(
        {key: " / ".join(f"{t:g}" for t in sorted(values)) for key, values in joined.items()}, dtype=object
    )


def kpis(
    adherence: pd.DataFrame, by: Sequence[str] = ("cohort",), registry: Registry = MANAGEMENT
) -> pd.DataFrame:
    """One row per rule and group of `by` (columns of the adherence table): counts, share met, delays.

    Rules come in `registry` order, the order the audit's pages show them in. Every statistic is one grouped
    aggregation over the whole table, so the cost does not grow with the number of cohorts and quarters."""
    by = list(by)
    keys = ["rule", *by]
    known = adherence.dropna(subset=by) if by else adherence
    groups = known.groupby(keys, sort=True, dropna=False)
    sizes = groups.size()
    outcomes = known.groupby([*keys, "outcome"], sort=False).size().unstack("outcome")
    counts = outcomes.reindex(index=sizes.index, columns=list(OUTCOMES)).fillna(0).astype("int64")
    delays = known["delay_h"].astype("float64").groupby([known[k] for k in keys], sort=True, dropna=False)
    judged = sizes - counts[UNDETERMINED]
    frame = pd.DataFrame(
        {
            "n": sizes,
            **{o: counts[o] for o in OUTCOMES},
            "share_met": (counts[MET] / judged.where(judged > 0)).astype("float64"),
            "n_delay": delays.count(),
            "median_delay_h": delays.median(),
            "q1_delay_h": delays.quantile(0.25),
            "q3_delay_h": delays.quantile(0.75),
            "target_h": _targets(known, keys).reindex(sizes.index).fillna(""),
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
