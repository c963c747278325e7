"""Escalation rules: when the first treatment is not enough, the pathway's next step.

- `crs.grade2_dexamethasone` (docs/sources.md, Management pathway: "CRS grade >= 2: tocilizumab; add
  dexamethasone if no improvement after 24 h"): a CRS graded below the pathway's corticosteroid grade (grade 2
  by default), treated with tocilizumab, and still graded 2 or more by a bedside observation 24 h or more
  after the first dose, gets a corticosteroid. Improvement can be told only from graded observations: an
  episode without an observation from 24 h after tocilizumab is left out, never guessed. Grade 3 and above
  are `crs.corticosteroids`' (corticosteroids whatever the tocilizumab), so one episode is judged by one rule.
- `icans.high_dose_methylprednisolone` (docs/sources.md, Management pathway: "grade 4: high-dose
  methylprednisolone"): an ICANS of grade 4 treated with corticosteroids gets methylprednisolone at a high
  dose, at least `icans.high_dose_methylprednisolone_mg` a dose (500 mg q12h and 1 g/day both qualify), or for
  a child half the daily per-kg pulse (`corticosteroids.methylprednisolone_pulse_mg_kg_child`) times the weight
  when that is smaller. An ICANS with no corticosteroid at all is already `icans.corticosteroids`' finding:
  here its row says `untreated` for the KPI, and no second finding names the same event.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from iectox.i18n import N_
from iectox.management.evidence import Evidence, Verdicts, emit
from iectox.management.findings import DEVIATION
from iectox.management.outcomes import NOT_FOLLOWED, eligible, rows
from iectox.management.verdicts import MET, UNTREATED
from iectox.rules import Rule
from iectox.times import HOUR

NO_IMPROVEMENT_H = 24.0  # "if no improvement after 24 h" (docs/sources.md, Management pathway)


def crs_still_grade2_after(episodes: pd.DataFrame, observed: pd.DataFrame, hours: float) -> pd.Series:
    """Per episode: whether a graded observation `hours` or more after the first tocilizumab, before the end
    of the episode, still has CRS grade >= 2 (NA when no observation falls in that time). Both times must be
    known to the hour: a day-only time cannot say whether 24 h had passed."""
    crs = episodes[episodes["syndrome"].eq("CRS").fillna(False) & episodes["tocilizumab_first_at"].notna()]
    result = pd.Series(pd.NA, index=episodes.index, dtype="boolean")
    if crs.empty or observed is None or observed.empty:
        return result
    crs = crs[crs["tocilizumab_first_at_time_known"].eq(True).fillna(False).astype(bool)]
    timed = observed.dropna(subset=["observed_at", "crs_grade"])
    if "observed_at_time_known" in timed:  # a day-only observation cannot be placed 24 h after a dose
        timed = timed[timed["observed_at_time_known"].eq(True).fillna(False).astype(bool)]
    columns = ["infusion_id", "observed_at", "crs_grade"]
    pairs = (
        crs[["episode_id", "infusion_id", "tocilizumab_first_at", "resolved_at"]]
        .reset_index()
        .merge(timed[columns], on="infusion_id")
    )
    since = (pairs["observed_at"] - pairs["tocilizumab_first_at"]) / HOUR
    inside = since.ge(hours) & (pairs["resolved_at"].isna() | (pairs["observed_at"] <= pairs["resolved_at"]))
    pairs = pairs[inside.fillna(False).astype(bool)]
    worst = pairs.groupby("index")["crs_grade"].max()
    result.loc[worst.index] = worst.ge(2).to_numpy()
    return result


NO_IMPROVEMENT_TEXT = N_(
    "Grade {grade} CRS still at grade 2 or more {hours} h after tocilizumab, without corticosteroids; the "
    "pathway adds dexamethasone when CRS does not improve."
)


def crs_grade2_dexamethasone(evidence: Evidence) -> Verdicts:
    """Grade 2 CRS not improving 24 h after tocilizumab: dexamethasone (any corticosteroid during the episode)."""
    crs = evidence.pathway.crs
    eps = eligible(evidence.episodes, "CRS", crs.tocilizumab_from_grade.value)
    eps = eps[eps["grade"].lt(crs.corticosteroid_from_grade.value).fillna(False)]
    still = crs_still_grade2_after(eps, evidence.observations, NO_IMPROVEMENT_H)
    eps = eps[still.fillna(False).astype(bool)]
    given = eps["corticosteroid_doses"].gt(0)
    outcome = pd.Series(np.where(given, MET, UNTREATED), index=eps.index, dtype="string")
    found = emit(eps, ~given, DEVIATION, NO_IMPROVEMENT_TEXT, grade=eps["grade"], hours=NO_IMPROVEMENT_H)
    return Verdicts(found, rows(eps, outcome, pd.Series(pd.NA, index=eps.index), NO_IMPROVEMENT_H))


def _high_dose_methylprednisolone(eps: pd.DataFrame, courses: pd.DataFrame, evidence: Evidence) -> pd.Series:
    """Per episode: whether a methylprednisolone course at a high dose overlaps it (see the module)."""
    adult = float(evidence.pathway.icans.high_dose_methylprednisolone_mg.value)
    per_kg = evidence.pathway.corticosteroids.methylprednisolone_pulse_mg_kg_child.value / 2
    tolerance = evidence.pathway.corticosteroids.dose_tolerance.value  # as when a regimen is recognised
    mp = courses[courses["drug"].eq("methylprednisolone").fillna(False)]
    pairs = (
        eps[["episode_id", "infusion_id", "onset_at", "resolved_at", "weight_kg"]]
        .reset_index()
        .merge(mp[["infusion_id", "first_at", "last_at", "dose_mg"]], on="infusion_id")
    )
    threshold = np.fmin(adult, per_kg * pairs["weight_kg"].to_numpy(dtype="float64"))
    overlaps = (pairs["resolved_at"].isna() | (pairs["first_at"] <= pairs["resolved_at"])) & (
        pairs["onset_at"].isna() | (pairs["last_at"] >= pairs["onset_at"].dt.normalize())
    )
    high = pairs["dose_mg"].astype("float64").ge(threshold * (1 - tolerance)) & overlaps.fillna(False)
    hit = pairs.loc[high.fillna(False).astype(bool), "index"].unique()
    return pd.Series(eps.index.isin(hit), index=eps.index)


HIGH_DOSE_TEXT = N_(
    "Grade {grade} ICANS treated with corticosteroids but not with high-dose methylprednisolone "
    "(at least {mg} mg a dose); the pathway gives it from grade {from_grade}."
)


def icans_high_dose_methylprednisolone(evidence: Evidence) -> Verdicts:
    """ICANS from grade 4 (setting): high-dose methylprednisolone; untreated is `icans.corticosteroids`' finding."""
    icans = evidence.pathway.icans
    from_grade = icans.methylprednisolone_from_grade.value
    eps = eligible(evidence.episodes, "ICANS", from_grade)
    treated = eps["corticosteroid_doses"].gt(0)
    high = _high_dose_methylprednisolone(eps, evidence.courses, evidence)
    outcome = np.where(high, MET, np.where(treated, NOT_FOLLOWED, UNTREATED))
    outcome = pd.Series(outcome, index=eps.index, dtype="string")
    found = emit(
        eps,
        outcome == NOT_FOLLOWED,
        DEVIATION,
        HIGH_DOSE_TEXT,
        grade=eps["grade"],
        mg=float(icans.high_dose_methylprednisolone_mg.value),
        from_grade=from_grade,
    )
    return Verdicts(found, rows(eps, outcome, pd.Series(pd.NA, index=eps.index), pd.NA))


CRS_GRADE2_DEXAMETHASONE = Rule(
    id="crs.grade2_dexamethasone",
    severity="deviation",
    source=N_(
        "docs/sources.md, Management pathway: CRS grade >= 2: tocilizumab; add dexamethasone if no "
        "improvement after 24 h"
    ),
    message=NO_IMPROVEMENT_TEXT,
    title=N_("CRS grade {a} not improving 24 h after tocilizumab: corticosteroids"),
    columns=("episodes.grade", "episodes.tocilizumab_first_at", "observations.crs_grade"),
    settings=("crs.tocilizumab_from_grade", "crs.corticosteroid_from_grade"),
    evaluate=crs_grade2_dexamethasone,
)
ICANS_HIGH_DOSE_METHYLPREDNISOLONE = Rule(
    id="icans.high_dose_methylprednisolone",
    severity="deviation",
    source=N_("docs/sources.md, Management pathway: ICANS grade 4: high-dose methylprednisolone"),
    message=HIGH_DOSE_TEXT,
    title=N_("ICANS grade >= {a}: high-dose methylprednisolone (>= {b} mg a dose)"),
    columns=("episodes.grade", "courses.drug", "courses.dose_mg"),
    settings=(
        "icans.methylprednisolone_from_grade",
        "icans.high_dose_methylprednisolone_mg",
        "corticosteroids.methylprednisolone_pulse_mg_kg_child",
        "corticosteroids.dose_tolerance",
    ),
    evaluate=icans_high_dose_methylprednisolone,
)
ESCALATION_RULES = (CRS_GRADE2_DEXAMETHASONE, ICANS_HIGH_DOSE_METHYLPREDNISOLONE)

__all__ = [
    "CRS_GRADE2_DEXAMETHASONE",
    "ESCALATION_RULES",
    "ICANS_HIGH_DOSE_METHYLPREDNISOLONE",
    "crs_grade2_dexamethasone",
    "crs_still_grade2_after",
    "icans_high_dose_methylprednisolone",
]
