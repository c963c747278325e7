"""Follow-up to the data cut: who is alive, who died, when and of what.

Survival is drawn per indication (plausible medians, not calibrated); a death always comes after every
episode and dose of the infusion. Deaths during a CRS episode (the published crs_outcome 'Death') are
fixed by the episode and get a cause other than CRS, since their CRS never reached grade 4-5.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from iectox.synth.cohort import INDICATIONS, Cohort, day_number

DATA_CUT = date(2025, 10, 1)
DAY_MIN = 24 * 60
MEDIAN_SURVIVAL_MONTHS = {
    "dlbcl_3l_plus": 24.0,
    "dlbcl_2l": 36.0,
    "pmbcl": 96.0,
    "fl": 120.0,
    "mcl": 36.0,
    "b_all": 18.0,
    "multiple_myeloma": 30.0,
    "cll": 48.0,
}
DEFAULT_MEDIAN_MONTHS = 30.0
CAUSES = ("disease progression", "infection", "cardiovascular event", "second malignancy")
CAUSE_SHARES = (0.78, 0.14, 0.05, 0.03)
CRS_DEATH_CAUSES = ("infection", "disease progression")
CRS_DEATH_SHARES = (0.6, 0.4)
MAX_FOLLOW_UP_LAG_DAYS = 90


@dataclass
class Outcomes:
    """One row per infusion: last follow-up day, death day (-1 alive) and cause (None alive)."""

    last_follow_up: np.ndarray
    death_day: np.ndarray
    cause: np.ndarray


def _causes(
    causes: tuple[str, ...], shares: tuple[float, ...], k: int, rng: np.random.Generator
) -> np.ndarray:
    return np.array(causes, dtype=object)[rng.choice(len(causes), k, p=shares)]


def follow_up(
    cohort: Cohort, last_event: np.ndarray, crs_death_at: np.ndarray, rng: np.random.Generator
) -> Outcomes:
    """Outcomes given each infusion's last event (minutes, -1 none) and death time during CRS (-1 none)."""
    n = len(cohort)
    cut = day_number(DATA_CUT)
    start = cohort.infusion_day
    last_day = np.maximum(start, np.where(last_event >= 0, last_event // DAY_MIN, start))
    months = np.array([MEDIAN_SURVIVAL_MONTHS.get(code, DEFAULT_MEDIAN_MONTHS) for code in INDICATIONS])
    survival = rng.exponential(months[cohort.indication] * 30.44 / np.log(2))
    death = start + np.ceil(survival).astype(np.int64)
    death = np.where(death <= last_day, last_day + rng.integers(1, 60, n), death)
    in_crs = crs_death_at >= 0
    death = np.where(in_crs, crs_death_at // DAY_MIN, death)
    dead = in_crs | (death < cut)
    cause = np.full(n, None, dtype=object)
    ordinary = dead & ~in_crs
    cause[ordinary] = _causes(CAUSES, CAUSE_SHARES, int(ordinary.sum()), rng)
    cause[in_crs] = _causes(CRS_DEATH_CAUSES, CRS_DEATH_SHARES, int(in_crs.sum()), rng)
    seen = np.maximum(last_day, cut - rng.integers(0, MAX_FOLLOW_UP_LAG_DAYS, n))
    return Outcomes(np.where(dead, death, np.minimum(seen, cut)), np.where(dead, death, -1), cause)
