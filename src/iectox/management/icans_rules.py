"""The pathway's ICANS rules: corticosteroids from grade 2 within N hours; without CRS, no tocilizumab.

"ICANS without CRS given tocilizumab" is one rule (`icans.without_crs`), judged on each ICANS episode for
the KPI and reported on each tocilizumab dose given for ICANS alone.

Source: docs/sources.md, "Management pathway": ICANS without CRS -> corticosteroids (grade 2:
dexamethasone 10 mg); tocilizumab only if CRS is also present.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from iectox.i18n import N_
from iectox.management.delays import EPISODE_WINDOW, doses_in_episodes
from iectox.management.evidence import DOSE, Evidence, Verdicts, emit
from iectox.management.findings import DEVIATION
from iectox.management.outcomes import NOT_FOLLOWED, UNTREATED_TEXT, rows, within_hours_of_grade
from iectox.management.verdicts import MET
from iectox.rules import Rule
from iectox.times import FAR_FUTURE, earliest, latest


def icans_corticosteroids(evidence: Evidence) -> Verdicts:
    """ICANS from grade 2 (setting): corticosteroids within N hours of reaching that grade (setting).

    At grade 2 ASCO 2021 says "consider": a missing or late dose there is reported with the pathway's
    `icans.grade2_corticosteroid_severity` (a warning by default), from grade 3 as a deviation."""
    icans = evidence.pathway.icans
    return within_hours_of_grade(
        evidence.episodes,
        "ICANS",
        "corticosteroid",
        icans.corticosteroid_from_grade.value,
        icans.corticosteroid_within_h.value,
        consider=(2, icans.grade2_corticosteroid_severity.value),
    )


def _concurrent_crs(timed: pd.DataFrame, icans: pd.DataFrame) -> pd.Series:
    """Whether a CRS episode of the same infusion overlaps each ICANS episode (NA when a CRS onset is unknown)."""
    crs = timed[timed["syndrome"] == "CRS"]
    pairs = icans[["episode_id", *EPISODE_WINDOW]].merge(
        crs[list(EPISODE_WINDOW)],
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


EPISODE_TEXT = N_(
    "ICANS without concurrent CRS treated with tocilizumab ({doses} dose(s)); the pathway gives "
    "corticosteroids, tocilizumab only with CRS."
)
DOSE_TEXT = N_(
    "Tocilizumab given for ICANS without concurrent CRS; the pathway treats ICANS alone with corticosteroids."
)


def given_for_icans_alone(doses: pd.DataFrame) -> pd.Series:
    """Tocilizumab doses given for ICANS (by reason or timing) while no CRS can be under way."""
    treating = doses["reason"].ne("prophylaxis").fillna(True)
    no_crs = doses["crs_active"].eq(False).fillna(False)
    for_icans = doses["reason"].eq("ICANS").fillna(False) | doses["icans_active"].eq(True).fillna(False)
    return (treating & no_crs & for_icans).astype(bool)


def icans_without_crs(evidence: Evidence) -> Verdicts:
    """ICANS without concurrent CRS: corticosteroids, not tocilizumab (tocilizumab only if CRS is present).

    One rule, checked twice over: each tocilizumab dose given for ICANS alone is a finding on that dose, and
    an ICANS episode without CRS that received tocilizumab is a finding on the episode only when none of its
    doses was already named, so that one event is reported once.
    """
    timed, doses = evidence.episodes, evidence.doses
    icans = timed[timed["syndrome"] == "ICANS"]
    concurrent = _concurrent_crs(timed, icans).reindex(icans["episode_id"]).to_numpy()
    eps = icans[pd.Series(concurrent, index=icans.index).eq(False).fillna(False).astype(bool)]
    toci = eps["tocilizumab_doses"].gt(0)
    outcome = pd.Series(np.where(toci, NOT_FOLLOWED, MET), index=eps.index, dtype="string")
    alone = given_for_icans_alone(doses)
    flagged = doses.loc[alone, ["administration_id", "infusion_id", "given_at", "given_at_time_known"]]
    named = doses_in_episodes(eps, flagged)["episode_id"]
    findings = [
        *emit(doses, alone, DEVIATION, DOSE_TEXT, at=DOSE),
        *emit(
            eps,
            toci & ~eps["episode_id"].isin(named),
            DEVIATION,
            EPISODE_TEXT,
            doses=eps["tocilizumab_doses"],
        ),
    ]
    return Verdicts(findings, rows(eps, outcome, pd.Series(pd.NA, index=eps.index), pd.NA))


ICANS_CORTICOSTEROIDS = Rule(
    id="icans.corticosteroids",
    severity="deviation",
    source=N_("docs/sources.md, Management pathway: ICANS grade 2 -> dexamethasone 10 mg"),
    message=UNTREATED_TEXT,
    title=N_("ICANS grade >= {a}: corticosteroids within {b} h"),
    columns=("episodes.grade", "episodes.first_grade2_at", "episodes.corticosteroid_first_at"),
    settings=(
        "icans.corticosteroid_from_grade",
        "icans.corticosteroid_within_h",
        "icans.grade2_corticosteroid_severity",
    ),
    evaluate=icans_corticosteroids,
)
ICANS_WITHOUT_CRS = Rule(
    id="icans.without_crs",
    severity="deviation",
    source=N_(
        "docs/sources.md, Management pathway: ICANS without CRS -> corticosteroids; "
        "tocilizumab only if CRS is also present"
    ),
    message=EPISODE_TEXT,
    title=N_("ICANS without CRS: no tocilizumab"),
    columns=(
        "episodes.onset_at",
        "episodes.resolved_at",
        "episodes.tocilizumab_doses",
        "doses.reason",
        "doses.crs_active",
        "doses.icans_active",
    ),
    settings=("icans.corticosteroid_from_grade",),
    evaluate=icans_without_crs,
)
ICANS_RULES = (ICANS_CORTICOSTEROIDS, ICANS_WITHOUT_CRS)

__all__ = [
    "ICANS_CORTICOSTEROIDS",
    "ICANS_RULES",
    "ICANS_WITHOUT_CRS",
    "given_for_icans_alone",
    "icans_corticosteroids",
    "icans_without_crs",
]
