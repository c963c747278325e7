"""What a pathway rule says about one episode: its outcome, the delay from the rule's clock, the target.

Outcomes: `met`, `late`, `untreated`, `not_followed` (treated otherwise than the pathway says) or
`undetermined` (the record cannot tell). The clock of a "within N hours of grade G" rule is the first
observation at grade >= 2; without graded observations only the onset is known, which bounds the delay from
above: the target can then be shown met, never missed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from iectox.i18n import N_
from iectox.management.evidence import Verdicts, emit
from iectox.management.findings import DEVIATION, INFO, delays
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


def rows(eps: pd.DataFrame, outcome: pd.Series, delay_h: pd.Series, target_h: object) -> pd.DataFrame:
    """The adherence rows of one rule: one per eligible episode, in the columns every rule shares.

    `rule` is left blank here: the registry writes the id of the rule that returned them.
    """
    base = eps[["episode_id", "infusion_id", "syndrome", "cohort", "quarter", "grade"]]
    rows = base.assign(rule="", outcome=pd.Series(outcome, index=eps.index, dtype="string"))
    target = pd.Series(target_h, index=eps.index, dtype="Float64")
    rows = rows.assign(delay_h=pd.Series(delay_h, index=eps.index, dtype="Float64"), target_h=target)
    return rows[COLUMNS]


UNTREATED_TEXT = N_(
    "Grade {grade} {syndrome} without {drug}; the pathway gives {drug} from grade {from_grade}."
)
LATE_TEXT = N_("First dose of {drug} {delay} after {syndrome} reached grade {from_grade}; target {target} h.")
UNTIMED_TEXT = N_("A dose of {drug} has no recorded time: the {target} h target cannot be checked.")
HOUR_UNKNOWN_TEXT = N_(
    "First dose of {drug} {delay} after {syndrome} reached grade {from_grade} (hour not recorded): "
    "the {target} h target cannot be checked."
)
GRADE_UNOBSERVED_TEXT = N_(
    "Time of grade {from_grade} not observed; first dose of {drug} {delay} after {syndrome} onset: "
    "the {target} h target cannot be checked."
)


def eligible(timed: pd.DataFrame, syndrome: str, from_grade: int) -> pd.DataFrame:
    """The episodes of `syndrome` graded `from_grade` or higher, those a grade-based treatment rule judges."""
    return timed[(timed["syndrome"] == syndrome) & timed["grade"].ge(from_grade).fillna(False)]


def within_hours_of_grade(
    timed: pd.DataFrame,
    syndrome: str,
    family: str,
    from_grade: int,
    within_h: float,
    consider: tuple[int, str] | None = None,
) -> Verdicts:
    """From grade `from_grade`, a first dose of `family` within `within_h` hours of reaching that grade.

    `consider` (grade, severity) reports a missing or late dose at that grade with that severity instead of
    as a deviation: a guideline that only says "consider" at that grade (ASCO 2021, grade 2 ICANS)."""
    eps = eligible(timed, syndrome, from_grade)
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
    from_onset = delays(hours_between(eps["onset_at"], eps["onset_at_time_known"], at, known), days)
    delay = delays(hours, days)
    common = {"drug": DRUG_WORDS[family], "syndrome": syndrome, "from_grade": from_grade}
    common["target"] = float(within_h)
    open_ = outcome == UNDETERMINED
    soft = eps["grade"].eq(consider[0]).fillna(False) if consider else pd.Series(False, index=eps.index)
    soft_severity = consider[1] if consider else DEVIATION
    findings = [
        *emit(eps, (outcome == UNTREATED) & ~soft, DEVIATION, UNTREATED_TEXT, grade=eps["grade"], **common),
        *emit(
            eps, (outcome == UNTREATED) & soft, soft_severity, UNTREATED_TEXT, grade=eps["grade"], **common
        ),
        *emit(eps, (outcome == LATE) & ~soft, DEVIATION, LATE_TEXT, delay=delay, **common),
        *emit(eps, (outcome == LATE) & soft, soft_severity, LATE_TEXT, delay=delay, **common),
        *emit(eps, open_ & at.isna(), INFO, UNTIMED_TEXT, **common),
        *emit(eps, open_ & at.notna() & graded, INFO, HOUR_UNKNOWN_TEXT, delay=delay, **common),
        *emit(eps, open_ & at.notna() & ~graded, INFO, GRADE_UNOBSERVED_TEXT, delay=from_onset, **common),
    ]
    return Verdicts(findings, rows(eps, outcome, hours, within_h))


__all__ = ["COLUMNS", "DRUG_WORDS", "NOT_FOLLOWED", "OUTCOMES", "rows", "within_hours_of_grade"]
