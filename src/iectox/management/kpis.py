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

from iectox.management.adherence import NOT_FOLLOWED, OUTCOMES
from iectox.management.pathway import Pathway
from iectox.management.verdicts import LATE, MET, UNDETERMINED, UNTREATED
from iectox.management.words import tr

HEADLINE = "crs.onset_to_tocilizumab"
RULE_ORDER = (
    HEADLINE,
    "crs.tocilizumab",
    "crs.grade1_persistent_tocilizumab",
    "crs.corticosteroids",
    "icans.corticosteroids",
    "icans.without_crs",
)
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
    judged = len(rows) - out[UNDETERMINED]
    out["share_met"] = out[MET] / judged if judged else float("nan")
    delays = rows["delay_h"].dropna().astype(float)
    out["n_delay"] = len(delays)
    out["median_delay_h"] = delays.median() if len(delays) else float("nan")
    out["q1_delay_h"] = delays.quantile(0.25) if len(delays) else float("nan")
    out["q3_delay_h"] = delays.quantile(0.75) if len(delays) else float("nan")
    targets = rows["target_h"].dropna().unique()
    out["target_h"] = " / ".join(f"{t:g}" for t in sorted(targets))
    return out


def kpis(adherence: pd.DataFrame, by: Sequence[str] = ("cohort",)) -> pd.DataFrame:
    """One row per rule and group of `by` (columns of the adherence table): counts, share met, delays."""
    by = list(by)
    rows = []
    known = adherence.dropna(subset=by) if by else adherence
    for keys, group in known.groupby(["rule", *by], sort=True, dropna=False):
        rows.append({"rule": keys[0], **dict(zip(by, keys[1:], strict=True)), **_summary(group)})
    frame = pd.DataFrame(rows, columns=["rule", *by, *COLUMNS[1:]])
    order = {r: i for i, r in enumerate(RULE_ORDER)}
    frame = frame.sort_values(["rule", *by], key=lambda s: s.map(order) if s.name == "rule" else s)
    for column in [*COUNT_COLUMNS, "n_delay"]:
        frame[column] = frame[column].astype("Int64")
    return frame.reset_index(drop=True)


def kpis_by_cohort(adherence: pd.DataFrame) -> pd.DataFrame:
    """Each rule by cohort."""
    return kpis(adherence, ("cohort",))


def kpis_by_quarter(adherence: pd.DataFrame) -> pd.DataFrame:
    """Each rule by cohort and calendar quarter of infusion ('2024-Q3'); infusions without a date left out."""
    return kpis(adherence, ("cohort", "quarter"))


def rule_label(rule: str, pathway: Pathway, lang: str = "en") -> str:
    """A KPI's name for people, with the pathway's own thresholds in it."""
    p = pathway
    labels = {
        HEADLINE: (
            "CRS onset to first tocilizumab (target {a} h)",
            p["kpis.crs_onset_to_tocilizumab_target_h"],
            None,
        ),
        "crs.tocilizumab": (
            "CRS grade >= {a}: tocilizumab within {b} h",
            p["crs.tocilizumab_from_grade"],
            p["crs.tocilizumab_within_h"],
        ),
        "crs.grade1_persistent_tocilizumab": (
            "Grade 1 CRS persisting > {a} h (high-risk products {b} h): tocilizumab",
            p["crs.grade1_persistent_h"],
            p["crs.grade1_persistent_high_risk_h"],
        ),
        "crs.corticosteroids": (
            "CRS grade >= {a}: corticosteroids",
            p["crs.corticosteroid_from_grade"],
            None,
        ),
        "icans.corticosteroids": (
            "ICANS grade >= {a}: corticosteroids within {b} h",
            p["icans.corticosteroid_from_grade"],
            p["icans.corticosteroid_within_h"],
        ),
        "icans.without_crs": ("ICANS without CRS: no tocilizumab", None, None),
    }
    text, a, b = labels.get(rule, (rule, None, None))
    return tr(text, lang).format(a=f"{a:g}" if a is not None else "", b=f"{b:g}" if b is not None else "")


__all__ = ["COLUMNS", "HEADLINE", "RULE_ORDER", "kpis", "kpis_by_cohort", "kpis_by_quarter", "rule_label"]
