"""The pathway's ICANS rules: corticosteroids from grade 2 within N hours; without CRS, no tocilizumab.

Source: clinical_rules.md, "Management pathway": ICANS without CRS -> corticosteroids (grade 2:
dexamethasone 10 mg); tocilizumab only if CRS is also present.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from iectox.management.findings import DEVIATION, Finding, finding
from iectox.management.outcomes import NOT_FOLLOWED, located, rows, within_hours_of_grade
from iectox.management.pathway import Pathway
from iectox.management.verdicts import MET
from iectox.times import FAR_FUTURE, earliest, latest


def icans_corticosteroids(timed: pd.DataFrame, pathway: Pathway) -> tuple[pd.DataFrame, list[Finding]]:
    """ICANS from grade 2 (setting): corticosteroids within N hours of reaching that grade (setting)."""
    return within_hours_of_grade(
        timed,
        "ICANS",
        "corticosteroid",
        pathway["icans.corticosteroid_from_grade"],
        pathway["icans.corticosteroid_within_h"],
        "icans.corticosteroids",
    )


def _concurrent_crs(timed: pd.DataFrame, icans: pd.DataFrame) -> pd.Series:
    """Whether a CRS episode of the same infusion overlaps each ICANS episode (NA when a CRS onset is unknown)."""
    crs = timed[timed["syndrome"] == "CRS"]
    pairs = icans[
        [
            "episode_id",
            "infusion_id",
            "onset_at",
            "onset_at_time_known",
            "resolved_at",
            "resolved_at_time_known",
        ]
    ].merge(
        crs[["infusion_id", "onset_at", "onset_at_time_known", "resolved_at", "resolved_at_time_known"]],
        on="infusion_id",
        suffixes=("", "_crs"),
    )
    icans_end = latest(pairs["resolved_at"], pairs["resolved_at_time_known"]).fillna(FAR_FUTURE)
    crs_end = latest(pairs["resolved_at_crs"], pairs["resolved_at_time_known_crs"]).fillna(FAR_FUTURE)
    starts = earliest(pairs["onset_at_crs"], pairs["onset_at_time_known_crs"]) <= icans_end
    overlap = starts & (
        crs_end >= earliest(pairs["onset_at"], pairs["onset_at_time_known"]).fillna(pd.Timestamp.min)
    )
    unknown = pairs["onset_at_crs"].isna() | pairs["onset_at"].isna()
    result = pd.Series(False, index=icans["episode_id"], dtype="boolean")
    result[pairs.loc[unknown, "episode_id"]] = pd.NA
    result[pairs.loc[overlap & ~unknown, "episode_id"]] = True
    return result


def icans_without_crs(timed: pd.DataFrame, pathway: Pathway) -> tuple[pd.DataFrame, list[Finding]]:
    """ICANS without concurrent CRS: corticosteroids, not tocilizumab (tocilizumab only if CRS is present)."""
    rule = "icans.without_crs"
    icans = timed[timed["syndrome"] == "ICANS"]
    concurrent = _concurrent_crs(timed, icans).reindex(icans["episode_id"]).to_numpy()
    eps = icans[pd.Series(concurrent, index=icans.index).eq(False).fillna(False).astype(bool)]
    toci = eps["tocilizumab_doses"].gt(0)
    outcome = pd.Series(np.where(toci, NOT_FOLLOWED, MET), index=eps.index, dtype="string")
    findings = [
        located(
            finding(
                DEVIATION,
                rule,
                "ICANS without concurrent CRS treated with tocilizumab ({doses} dose(s)); the pathway gives "
                "corticosteroids, tocilizumab only with CRS.",
                doses=int(row["tocilizumab_doses"]),
            ),
            row,
        )
        for _, row in eps[toci].iterrows()
    ]
    return rows(rule, eps, outcome, pd.Series(pd.NA, index=eps.index), pd.NA), findings


__all__ = ["icans_corticosteroids", "icans_without_crs"]
