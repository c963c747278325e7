"""Chronology rules: nothing happens to an infusion before it is given, or to a patient after death.

Comparisons with a day-only time (hour not recorded) are made on the day, never on an invented hour. Each
rule is one `Rule` object (see `iectox.validate.rules`); the study period rule is the one that reads settings.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pandas as pd

from iectox.dataset import time_known_column
from iectox.errors import Issue
from iectox.i18n import N_
from iectox.rules import Rule
from iectox.validate.frames import Frames

CHRONOLOGY = "chronology of a record: nothing happens to an infusion before it is given"


def _before(
    later: pd.Series, later_known: pd.Series | None, earlier: pd.Series, earlier_known: pd.Series | None
) -> pd.Series:
    """`later` < `earlier`, at the minute when both hours are known, otherwise by calendar day."""
    both = pd.Series(True, index=later.index)
    for known in (later_known, earlier_known):
        if known is not None:
            both &= known.fillna(False).astype(bool)
    exact = later < earlier
    by_day = later.dt.normalize() < earlier.dt.normalize()
    return exact.where(both, by_day).fillna(False).astype(bool)


def _when(table: pd.DataFrame, column: str) -> tuple[pd.Series, pd.Series]:
    return table[column], table[time_known_column(column)]


def _infusion_in_study_period(
    frames: Frames, study_start: date | None, study_end: date | None
) -> Iterator[Issue]:
    if study_start is None and study_end is None:
        return
    dates = frames.tables["infusions"]["infusion_date"]
    start = pd.Timestamp(study_start) if study_start else dates.min()
    end = pd.Timestamp(study_end) if study_end else dates.max()
    outside = dates.notna() & ((dates < start) | (dates > end))
    yield from frames.flag(
        INFUSION_IN_STUDY_PERIOD, "infusions", "infusion_date", outside, date=dates, start=start, end=end
    )


INFUSION_IN_STUDY_PERIOD = Rule(
    id="infusion_in_study_period",
    severity="error",
    source="the study's period, as its spec states it ([study] period)",
    title="When the study states its period, every infusion falls inside it (both ends included).",
    message=N_("infusion_date {date} is outside the study period {start} to {end}"),
    columns=("infusions.infusion_date",),
    settings=("study_start", "study_end"),
    evaluate=_infusion_in_study_period,
)


def _day_not_before_infusion(
    table: str, column: str, id: str, title: str, message: str, exempt: tuple[str, str] | None = None
) -> Rule:
    """A rule that the day of `table.column` is not before the infusion day of the row's infusion.

    Episodes, administrations and observations are checked the same way; only the table, the column and the
    words differ. `exempt` (a column and a value) names the rows a label places before the infusion day:
    glofitamab's obinutuzumab pretreatment, 7 days before its first step-up dose.
    """

    def evaluate(frames: Frames) -> Iterator[Issue]:
        rows = frames.tables[table]
        infused = frames.look_up(table, "infusion_id", "infusions", "infusion_date")
        early = (rows[column].dt.normalize() < infused).fillna(False)
        if exempt is not None and exempt[0] in rows:
            early &= (rows[exempt[0]] != exempt[1]).fillna(True)
        names = {column: rows[column], "infusion_date": infused, "infusion_id": rows["infusion_id"]}
        yield from frames.flag(rule, table, column, early, **names)

    rule = Rule(
        id=id,
        severity="error",
        source=CHRONOLOGY,
        title=title,
        message=message,
        columns=(f"{table}.{column}", "infusions.infusion_date"),
        evaluate=evaluate,
    )
    return rule


ONSET_NOT_BEFORE_INFUSION = _day_not_before_infusion(
    "toxicity_episodes",
    "onset_at",
    id="onset_not_before_infusion",
    title="A toxicity episode cannot start before the infusion day.",
    message=N_("onset_at {onset_at} is before the infusion date {infusion_date} of {infusion_id}"),
)


def _resolution_not_before_onset(frames: Frames) -> Iterator[Issue]:
    ep = frames.tables["toxicity_episodes"]
    early = _before(*_when(ep, "resolved_at"), *_when(ep, "onset_at"))
    yield from frames.flag(
        RESOLUTION_NOT_BEFORE_ONSET,
        "toxicity_episodes",
        "resolved_at",
        early,
        resolved_at=ep["resolved_at"],
        onset_at=ep["onset_at"],
    )


RESOLUTION_NOT_BEFORE_ONSET = Rule(
    id="resolution_not_before_onset",
    severity="error",
    source=CHRONOLOGY,
    title="An episode cannot resolve before it starts.",
    message=N_("resolved_at {resolved_at} is before onset_at {onset_at}"),
    columns=("toxicity_episodes.resolved_at", "toxicity_episodes.onset_at"),
    evaluate=_resolution_not_before_onset,
)


ADMINISTRATION_NOT_BEFORE_INFUSION = _day_not_before_infusion(
    "administrations",
    "given_at",
    id="administration_not_before_infusion",
    title="A drug given to manage a toxicity is given on or after the infusion day (glofitamab's obinutuzumab "
    "pretreatment, dose_step pretreatment, comes 7 days before it).",
    message=N_("given_at {given_at} is before the infusion date {infusion_date} of {infusion_id}"),
    exempt=("dose_step", "pretreatment"),
)


OBSERVATION_NOT_BEFORE_INFUSION = _day_not_before_infusion(
    "observations",
    "observed_at",
    id="observation_not_before_infusion",
    title="Bedside observations graded for CRS and ICANS are made on or after the infusion day.",
    message=N_("observed_at {observed_at} is before the infusion date {infusion_date} of {infusion_id}"),
)


def _follow_up_not_before_infusion(frames: Frames) -> Iterator[Issue]:
    out = frames.tables["outcomes"]
    infused = frames.look_up("outcomes", "infusion_id", "infusions", "infusion_date")
    for column in ("last_follow_up", "death_date"):
        yield from frames.flag(
            FOLLOW_UP_NOT_BEFORE_INFUSION,
            "outcomes",
            column,
            (out[column] < infused).fillna(False),
            column=column,
            value=out[column],
            infusion_date=infused,
            infusion_id=out["infusion_id"],
        )


FOLLOW_UP_NOT_BEFORE_INFUSION = Rule(
    id="follow_up_not_before_infusion",
    severity="error",
    source=CHRONOLOGY,
    title="Follow-up and death come on or after the infusion day.",
    message=N_("{column} {value} is before the infusion date {infusion_date} of {infusion_id}"),
    columns=("outcomes.last_follow_up", "outcomes.death_date", "infusions.infusion_date"),
    evaluate=_follow_up_not_before_infusion,
)


def _nothing_after_death(frames: Frames) -> Iterator[Issue]:
    for table, column in (("toxicity_episodes", "onset_at"), ("administrations", "given_at")):
        frame = frames.tables[table]
        death = frames.look_up(table, "infusion_id", "outcomes", "death_date")
        late = (frame[column].dt.normalize() > death).fillna(False)
        yield from frames.flag(
            NOTHING_AFTER_DEATH, table, column, late, column=column, value=frame[column], death_date=death
        )


NOTHING_AFTER_DEATH = Rule(
    id="nothing_after_death",
    severity="error",
    source=CHRONOLOGY,
    title="No episode starts and no drug is given after the day of death.",
    message=N_("{column} {value} is after the death date {death_date}"),
    columns=("toxicity_episodes.onset_at", "administrations.given_at", "outcomes.death_date"),
    evaluate=_nothing_after_death,
)
