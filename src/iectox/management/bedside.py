"""One patient at the bedside, as the pathway's advice reads it: current grades, when each grade was first
seen, the weight, the product and the doses already given.

A `Bedside` is built by hand (a nurse's grades, `iectox advise --crs-grade 2`) or from the patient's
observations (`bedside_from_observations`), which grades them with `iectox.grading` (ASTCT 2019) so that the
grade, its reason and the pathway's clocks (first observation at each grade) come from the one grading code.
Times are naive local date-times, as the dataset's are; an observation known only to its day counts from
the start of that day, the earliest it can have been, so that a target is never later than the pathway's.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import MappingProxyType

import numpy as np
import pandas as pd

from iectox.dataset import Dataset
from iectox.grading import GradingSettings, grade_observations, observations_with_age
from iectox.schema.vocabularies import DRUG

GRADES = range(0, 5)  # an observation gives ASTCT grades 0-4; grade 5 (death) is never a bedside grade
SYNDROME_COLUMNS = {"CRS": ("crs_grade", "crs_reason"), "ICANS": ("icans_grade", "icans_reason")}


class Untimed(ValueError):
    """Neither an observation nor a dose has a time, and no time of the advice was given."""


@dataclass(frozen=True)
class GivenDose:
    """A dose already given: its drug (a code of the DRUG vocabulary), when, and how much when known.

    `time_known=False` says only the day was recorded (the dataset's convention); the advice then counts the
    dose at the end of its day, the latest it can have been, so that no interval is ever shortened.
    """

    drug: str
    given_at: datetime
    dose_mg: float | None = None
    time_known: bool = True

    def __post_init__(self) -> None:
        if self.drug not in DRUG.codes:
            raise ValueError(f"drug {self.drug!r} is not one of {', '.join(DRUG.codes)}")

    @property
    def latest(self) -> datetime:
        """The latest instant the dose can have been given."""
        if self.time_known:
            return self.given_at
        day = datetime(self.given_at.year, self.given_at.month, self.given_at.day)
        return day + timedelta(days=1)


@dataclass(frozen=True)
class Syndrome:
    """A syndrome's current ASTCT grade (None: not recorded), its reason, and when each grade was first seen.

    `reached[g]` is the first observation at grade >= g (g = 1 is the onset). A clock asked for a grade that
    was not recorded falls back on the first time a higher grade was seen, the best that is known.
    """

    grade: int | None
    reason: str = ""
    reached: Mapping[int, datetime] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.grade is not None and self.grade not in GRADES:
            raise ValueError(f"a bedside ASTCT grade is 0 to 4, not {self.grade!r}")
        object.__setattr__(self, "reached", MappingProxyType(dict(self.reached)))

    def first_at(self, grade: int) -> datetime | None:
        """When the syndrome was first seen at `grade` or above, or None when not recorded."""
        times = [at for g, at in self.reached.items() if g >= grade]
        return min(times) if times else None

    @property
    def onset_at(self) -> datetime | None:
        return self.first_at(1)


@dataclass(frozen=True)
class Bedside:
    """Everything the advice reads about one patient at time `at`."""

    at: datetime
    crs: Syndrome = field(default_factory=lambda: Syndrome(None))
    icans: Syndrome = field(default_factory=lambda: Syndrome(None))
    weight_kg: float | None = None
    therapy: str | None = None
    doses: tuple[GivenDose, ...] = ()

    def __post_init__(self) -> None:
        if self.weight_kg is not None and not (math.isfinite(self.weight_kg) and self.weight_kg > 0):
            raise ValueError(f"a body weight must be a positive number of kg, got {self.weight_kg!r}")
        late = [d for d in self.doses if d.given_at > self.at]
        if late:
            raise ValueError(f"a dose of {late[0].drug} is given at {late[0].given_at}, after {self.at}")
        object.__setattr__(self, "doses", tuple(sorted(self.doses, key=lambda d: d.latest)))

    def doses_of(self, drugs: Iterable[str], since: datetime | None = None) -> list[GivenDose]:
        """The doses of `drugs`, oldest first; with `since`, those that can have been given at or after it."""
        wanted = set(drugs)
        return [d for d in self.doses if d.drug in wanted and (since is None or d.latest >= since)]


def _syndrome(graded: pd.DataFrame, name: str) -> Syndrome:
    """The syndrome's grade at the last graded row, its reason, and the first time each grade was reached
    (arrays, not frames: one infusion's few rows at every bedside page)."""
    grade_column, reason_column = SYNDROME_COLUMNS[name]
    graded_rows = np.flatnonzero(graded[grade_column].notna().to_numpy(dtype=bool))
    if not len(graded_rows):
        return Syndrome(None)
    grades = graded[grade_column].to_numpy(dtype=np.int64, na_value=0)[graded_rows]
    times = pd.DatetimeIndex(graded["observed_at"].to_numpy()[graded_rows])
    reached = {g: times[grades >= g].min().to_pydatetime() for g in range(1, 5) if (grades >= g).any()}
    return Syndrome(int(grades[-1]), str(graded[reason_column].iloc[graded_rows[-1]]), reached)


def bedside_from_observations(
    observations: pd.DataFrame,
    *,
    weight_kg: float | None = None,
    therapy: str | None = None,
    doses: Iterable[GivenDose] = (),
    at: datetime | None = None,
    settings: GradingSettings | None = None,
    lang: str = "en",
) -> Bedside:
    """The bedside of one infusion from its observations (the observations table's columns, `age_years`
    optional), graded by ASTCT 2019; the current grade of each syndrome is that of its latest graded
    observation at or before `at` (default: the latest observation). The grades' reasons are in `lang`.

    Observations of several infusions are refused (ValueError): the advice is for one patient.
    """
    infusions = observations["infusion_id"].dropna().unique() if "infusion_id" in observations else []
    if len(infusions) > 1:
        raise ValueError(f"observations of {len(infusions)} infusions; the advice is for one infusion")
    rows = observations[observations["observed_at"].notna()]
    when = pd.Timestamp(at) if at is not None else rows["observed_at"].max()
    if pd.isna(when):
        raise ValueError("no observation has a time; give the time of the advice")
    rows = rows[rows["observed_at"] <= when]
    graded = grade_observations(rows.sort_values("observed_at", kind="stable"), settings, lang)
    return Bedside(
        at=when.to_pydatetime(),
        crs=_syndrome(graded, "CRS"),
        icans=_syndrome(graded, "ICANS"),
        weight_kg=weight_kg,
        therapy=therapy,
        doses=tuple(doses),
    )


def given_doses(administrations: pd.DataFrame) -> list[GivenDose]:
    """The doses of an administrations frame (the dataset's columns) whose time was recorded, to the minute or
    to the day; a dose with no time at all can start no clock and is left out."""
    timed = administrations[administrations["given_at"].notna()]
    known = timed.get("given_at_time_known", pd.Series(True, index=timed.index))
    return [
        GivenDose(
            str(drug), at.to_pydatetime(), None if pd.isna(mg) else float(mg), not pd.isna(k) and bool(k)
        )
        for drug, at, mg, k in zip(timed["drug"], timed["given_at"], timed["dose_mg"], known, strict=True)
    ]


def bedside_at(
    observations: pd.DataFrame,
    doses: Iterable[GivenDose] = (),
    *,
    at: datetime | None = None,
    weight_kg: float | None = None,
    therapy: str | None = None,
    settings: GradingSettings | None = None,
    lang: str = "en",
) -> Bedside:
    """The bedside of one infusion at `at`, by default the latest observation or dose (what is known last);
    the doses given after `at` are not yet given. `Untimed` when nothing has a time and `at` is not given."""
    doses = list(doses)
    times = [pd.Timestamp(d.latest) for d in doses] + [observations["observed_at"].max()]
    known = [t for t in times if not pd.isna(t)]
    if at is None and not known:
        raise Untimed("no observation or dose has a time; give the time of the advice")
    when = at or max(known).to_pydatetime()
    given = [d for d in doses if d.given_at <= when]
    return bedside_from_observations(
        observations, weight_kg=weight_kg, therapy=therapy, doses=given, at=when, settings=settings, lang=lang
    )


def infusion_bedside(
    dataset: Dataset,
    infusion_id: str,
    *,
    at: datetime | None = None,
    settings: GradingSettings | None = None,
    lang: str = "en",
) -> Bedside:
    """The bedside of one infusion of a dataset (`bedside_at`): its observations, graded as a child's when the
    infusion's age says so, its timed doses, its weight and its product. KeyError for an unknown infusion."""
    infusions = dataset["infusions"]
    rows = infusions[infusions["infusion_id"] == infusion_id]
    if rows.empty:
        raise KeyError(f"no infusion {infusion_id!r} in the dataset")
    infusion = rows.iloc[0]
    observations = observations_with_age(dataset)
    administrations = dataset["administrations"]
    return bedside_at(
        observations[(observations["infusion_id"] == infusion_id).fillna(False)],
        given_doses(administrations[(administrations["infusion_id"] == infusion_id).fillna(False)]),
        at=at,
        weight_kg=None if pd.isna(infusion["weight_kg"]) else float(infusion["weight_kg"]),
        therapy=str(infusion["therapy"]),
        settings=settings,
        lang=lang,
    )


__all__ = [
    "Bedside",
    "GivenDose",
    "Syndrome",
    "Untimed",
    "bedside_at",
    "bedside_from_observations",
    "given_doses",
    "infusion_bedside",
]
