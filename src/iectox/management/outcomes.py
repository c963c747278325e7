"""What a pathway rule says about one episode: its outcome, the delay from the rule's clock, the target.

Outcomes: `met`, `late`, `untreated`, `not_followed` (treated otherwise than the pathway says) or
`undetermined` (the record cannot tell). The clock of a "within N hours of grade G" rule is the first
observation at grade >= 2; without graded observations only the onset is known, which bounds the delay from
above: the target can then be shown met, never missed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from iectox.management.findings import DEVIATION, INFO, Delay, Finding, finding
from iectox.management.verdicts import LATE, MET, UNDETERMINED, UNTREATED, against_target
from iectox.times import calendar_days, delay_bounds, hours_between

NOT_FOLLOWED = "not_followed"
OUTCOMES = (MET, LATE, UNTREATED, NOT_FOLLOWED, UNDETERMINED)
COLUMNS = [
    "rule",
    "episode_id",
    "infusion_id",
    "syndrome",
    "cohort",
    "quarter",
    "grade",
    "outcome",
    "delay_h",
    "target_h",
]
DRUG_WORDS = {"tocilizumab": "tocilizumab", "corticosteroid": "corticosteroids"}


def rows(
    rule: str, eps: pd.DataFrame, outcome: pd.Series, delay_h: pd.Series, target_h: object
) -> pd.DataFrame:
    """The adherence rows of one rule: one per eligible episode, in the columns every rule shares."""
    base = eps[["episode_id", "infusion_id", "syndrome", "cohort", "quarter", "grade"]]
    rows = base.assign(rule=rule, outcome=pd.Series(outcome, index=eps.index, dtype="string"))
    target = pd.Series(target_h, index=eps.index, dtype="Float64")
    rows = rows.assign(delay_h=pd.Series(delay_h, index=eps.index, dtype="Float64"), target_h=target)
    return rows[COLUMNS]


def located(found: Finding, row: pd.Series) -> Finding:
    """The finding placed on the episode's infusion and episode."""
    return found.at(infusion_id=row["infusion_id"], episode_id=row["episode_id"])


def within_hours_of_grade(
    timed: pd.DataFrame, syndrome: str, family: str, from_grade: int, within_h: float, rule: str
) -> tuple[pd.DataFrame, list[Finding]]:
    """From grade `from_grade`, a first dose of `family` within `within_h` hours of reaching that grade."""
    eps = timed[(timed["syndrome"] == syndrome) & timed["grade"].ge(from_grade).fillna(False)]
    at, known = eps[f"{family}_first_at"], eps[f"{family}_first_at_time_known"]
    graded = eps["first_grade2_at"].notna() & (from_grade == 2)
    clock = eps["first_grade2_at"].where(graded, eps["onset_at"])
    clock_known = eps["first_grade2_at_time_known"].where(graded, eps["onset_at_time_known"])
    low, high = delay_bounds(clock, clock_known, at, known)
    outcome = against_target(low, high, within_h)
    outcome = outcome.mask(~graded & (outcome == LATE), UNDETERMINED)  # from onset: an upper bound only
    absent = np.where(eps[f"{family}_untimed"], UNDETERMINED, UNTREATED)
    outcome = outcome.where(at.notna(), pd.Series(absent, index=eps.index, dtype="string"))
    hours = hours_between(clock, clock_known, at, known).where(graded)
    days = calendar_days(clock, at)
    drug = DRUG_WORDS[family]
    common = {"drug": drug, "syndrome": syndrome, "from_grade": from_grade, "target": float(within_h)}
    findings = []
    for i, row in eps.iterrows():
        delay = Delay(hours.loc[i], days.loc[i])
        if outcome.loc[i] == UNTREATED:
            text = (
                "Grade {grade} {syndrome} without {drug}; the pathway gives {drug} from grade {from_grade}."
            )
            found = finding(DEVIATION, rule, text, grade=int(row["grade"]), **common)
        elif outcome.loc[i] == LATE:
            text = (
                "First dose of {drug} {delay} after {syndrome} reached grade {from_grade}; target {target} h."
            )
            found = finding(DEVIATION, rule, text, delay=delay, **common)
        elif outcome.loc[i] != UNDETERMINED:
            continue
        elif pd.isna(at.loc[i]):
            text = "A dose of {drug} has no recorded time: the {target} h target cannot be checked."
            found = finding(INFO, rule, text, **common)
        elif graded.loc[i]:
            text = (
                "First dose of {drug} {delay} after {syndrome} reached grade {from_grade} (hour not recorded): "
                "the {target} h target cannot be checked."
            )
            found = finding(INFO, rule, text, delay=delay, **common)
        else:
            delay = Delay(
                hours_between(eps["onset_at"], eps["onset_at_time_known"], at, known).loc[i], days.loc[i]
            )
            text = (
                "Time of grade {from_grade} not observed; first dose of {drug} {delay} after {syndrome} onset: "
                "the {target} h target cannot be checked."
            )
            found = finding(INFO, rule, text, delay=delay, **common)
        findings.append(located(found, row))
    return rows(rule, eps, outcome, hours, within_h), findings


__all__ = ["COLUMNS", "DRUG_WORDS", "NOT_FOLLOWED", "OUTCOMES", "located", "rows", "within_hours_of_grade"]
