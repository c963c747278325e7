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


def _summary(rows: pd.DataFrame) -> dict[str, object]:
    counts = rows["outcome"].value_counts()
    out: dict[str, object] = {"n": len(rows), **{o: int(counts.get(o, 0)) for o in OUTCOMES}}
    out["share_met"] = out[MET] / len(rows) if len(rows) else float("nan")
    delays = rows["delay_h"].dropna().astype(float)
    out["n_delay"] = len(delays)
    out["median_delay_h"] = delays.median() if len(delays) else float("nan")
    out["q1_delay_h"] = delays.quantile(0.25) if len(delays) else float("nan")
    out["q3_delay_h"] = delays.quantile(0.75) if len(delays) else float("nan")
    targets = rows["target_h"].dropna().unique()
    out["target_h"] = " / ".join(f"{t:g}" for t in sorted(targets))
    return out


def kpis(
    adherence: pd.DataFrame, by: Sequence[str] = ("cohort",), registry: Registry = MANAGEMENT
) -> pd.DataFrame:
    """One row per rule and group of `by` (columns of the adherence table): counts, share met, delays.

    Rules come in `registry` order, the order the audit's pages show them in."""
    by = list(by)
    rows = []
    known = adherence.dropna(subset=by) if by else adherence
    for keys, group in known.groupby(["rule", *by], sort=True, dropna=False):
        rows.append({"rule": keys[0], **dict(zip(by, keys[1:], strict=True)), **_summary(group)})
    frame = pd.DataFrame(rows, columns=["rule", *by, *COLUMNS[1:]])
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
