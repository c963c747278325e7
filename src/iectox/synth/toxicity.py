"""Toxicity episodes: when CRS and ICANS start and end, and how they end.

CRS starts on day 1-14 mostly, around each product's median (axi-cel ~2 d, cilta-cel ~7 d); ICANS usually
follows CRS onset by a day or two, or starts on its own around day 5. An episode resolves after the last
dose given for it; those who die during their CRS episode have no resolution. A stated share of
resolutions is recorded as a day only, to exercise the incomplete-time convention: never a time that feeds
a calibrated quantity (onsets and doses always keep their hour).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from iectox.synth.cohort import THERAPIES, Cohort
from iectox.synth.products import PROFILES

DAY_MIN = 24 * 60
DAY_ONLY_RESOLUTION_SHARE = 0.08
CRS_DAYS_BY_GRADE = (4.0, 6.0, 8.0, 10.0)  # median natural duration, grades 1-4
ICANS_DAYS_BY_GRADE = (2.0, 4.0, 7.0, 10.0)


@dataclass
class Episodes:
    """Episode rows as arrays; `resolved` is -1 while unresolved (death during the episode)."""

    infusion: np.ndarray
    syndrome: np.ndarray  # "CRS" / "ICANS"
    onset: np.ndarray  # minutes since 1970-01-01
    resolved: np.ndarray
    resolved_known: np.ndarray  # False: resolution recorded as a day only
    grade: np.ndarray
    death: np.ndarray


def _lognormal_days(
    median: np.ndarray | float, sigma: float, size: int, rng: np.random.Generator
) -> np.ndarray:
    return np.exp(np.log(median) + sigma * rng.standard_normal(size))


def crs_onsets(cohort: Cohort, rows: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """CRS onset (minutes) for `rows`: from day 1 after infusion, around the product's median, by day 21."""
    default = PROFILES["investigational_car_t"]
    medians = np.array([PROFILES.get(code, default).onset_days for code in THERAPIES])
    days = _lognormal_days(medians[cohort.therapy[rows]], 0.5, len(rows), rng)
    days = np.where(days < 1.0, 1.0 + rng.random(len(rows)) * 0.75, np.minimum(days, 21.0))
    return cohort.infusion_day[rows] * DAY_MIN + np.rint(days * DAY_MIN).astype(np.int64)


def icans_onsets(
    cohort: Cohort, rows: np.ndarray, crs_onset: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """ICANS onset (minutes): 2-192 h after CRS onset when CRS came first, else day 1-21 on its own."""
    after_crs = np.clip(_lognormal_days(1.5, 0.6, len(rows), rng), 2 / 24, 8.0)
    alone = np.clip(_lognormal_days(5.0, 0.4, len(rows), rng), 1.0, 21.0)
    with_crs = crs_onset[rows] >= 0
    own = cohort.infusion_day[rows] * DAY_MIN + np.rint(alone * DAY_MIN).astype(np.int64)
    return np.where(with_crs, crs_onset[rows] + np.rint(after_crs * DAY_MIN).astype(np.int64), own)


def ends(
    onset: np.ndarray,
    grade: np.ndarray,
    last_dose: np.ndarray,
    by_grade: tuple[float, ...],
    rng: np.random.Generator,
) -> np.ndarray:
    """Resolution (minutes): the natural course, but never before 12-48 h after the last dose given for it."""
    medians = np.array(by_grade)[np.clip(grade, 1, len(by_grade)) - 1]
    natural = onset + np.rint(_lognormal_days(medians, 0.4, len(onset), rng) * DAY_MIN).astype(np.int64)
    after_dose = last_dose + rng.integers(12 * 60, 48 * 60, len(onset))
    return np.where(last_dose >= 0, np.maximum(natural, after_dose), natural)


def day_only(resolved: np.ndarray, floor_minutes: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Resolutions to record as a day only: a share of those falling on a later day than all before them."""
    later_day = resolved // DAY_MIN > floor_minutes // DAY_MIN
    return later_day & (rng.random(len(resolved)) < DAY_ONLY_RESOLUTION_SHARE)


def episode(
    infusion: np.ndarray,
    syndrome: str,
    onset: np.ndarray,
    resolved: np.ndarray,
    grade: np.ndarray,
    death: np.ndarray,
    floor_minutes: np.ndarray,
    rng: np.random.Generator,
) -> Episodes:
    """Episode rows of one syndrome; resolutions later in the day than `floor_minutes` may become day-only."""
    vague = day_only(resolved, floor_minutes, rng) & ~death
    shown = np.where(vague, resolved // DAY_MIN * DAY_MIN, resolved)
    return Episodes(
        infusion,
        np.full(len(infusion), syndrome, dtype=object),
        onset,
        np.where(death, -1, shown),
        ~vague,
        grade,
        death,
    )


def join(parts: list[Episodes]) -> Episodes:
    """All episodes, by infusion then onset."""
    fields = ("infusion", "syndrome", "onset", "resolved", "resolved_known", "grade", "death")
    merged = [np.concatenate([getattr(p, f) for p in parts]) for f in fields]
    order = np.lexsort((merged[2], merged[0]))
    return Episodes(*(m[order] for m in merged))
