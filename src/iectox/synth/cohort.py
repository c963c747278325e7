"""Patients and infusions: sex, indication, product, infusion date, age and weight, group by group.

Counts (sex, indication) are exact; age and weight have an exact mean and an SD on target (`moments`);
product and date follow the indication, the EU authorisation dates and a volume that grows over the study.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from iectox.schema import INDICATION, THERAPY, approved_since
from iectox.schema.vocabularies import SETTING, SEX
from iectox.synth.moments import match_moments
from iectox.synth.products import (
    ADULT_AGE,
    AGE_BANDS,
    AGE_SHIFT_SD,
    FALLBACK_PRODUCTS,
    SOC_PRODUCTS,
    TRIAL_AGE,
    TRIAL_PRODUCTS,
    WEIGHT_KG,
)
from iectox.synth.targets import GroupTargets

EPOCH = date(1970, 1, 1)
STUDY_START = date(2020, 1, 1)
STUDY_END = date(2025, 7, 1)  # exclusive
GROWTH = 3.0  # infusions per month at the end of the study are (1 + GROWTH) times those at its start
FIRST_TRIAL_NUMBER = 90000001  # NCT9xxxxxxx: obviously synthetic, not a registered trial
FIXED_BAND_YEARS = 15.0  # an age band narrower than this is drawn directly, not moment-matched


#  Categories travel as small integer codes into these tuples (fast at a million rows), text only at the end.
SEXES, INDICATIONS, THERAPIES, SETTINGS = SEX.codes, INDICATION.codes, THERAPY.codes, SETTING.codes


def day_number(d: date) -> int:
    return (d - EPOCH).days


def codes(values: list[str], vocabulary: tuple[str, ...]) -> np.ndarray:
    return np.array([vocabulary.index(v) for v in values], dtype=np.int16)


@dataclass
class Cohort:
    """One row per infusion (and per patient: one infusion each), as plain arrays; categories as codes."""

    group: np.ndarray
    setting: np.ndarray
    sex: np.ndarray
    indication: np.ndarray
    therapy: np.ndarray
    trial_id: np.ndarray
    infusion_day: np.ndarray  # days since 1970-01-01
    age_tenths: np.ndarray
    weight_tenths: np.ndarray
    height_cm: np.ndarray
    birth_year: np.ndarray

    def __len__(self) -> int:
        return len(self.group)

    def take(self, order: np.ndarray) -> Cohort:
        return Cohort(**{name: value[order] for name, value in vars(self).items()})


def growing_days(start_day: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Infusion days in [start_day, STUDY_END), with a density rising linearly over the study period.

    Inverse CDF of f(u) = 1 + GROWTH u on the study period, truncated at each row's start (an authorisation).
    """
    first, span = day_number(STUDY_START), day_number(STUDY_END) - day_number(STUDY_START)
    u0 = np.clip((start_day - first) / span, 0.0, 1.0)

    def cdf(u: np.ndarray | float) -> np.ndarray | float:
        return u + GROWTH * np.square(u) / 2

    c = cdf(u0) + rng.random(len(start_day)) * (cdf(1.0) - cdf(u0))
    u = (np.sqrt(1 + 2 * GROWTH * c) - 1) / GROWTH
    return np.minimum(first + np.floor(u * span).astype(np.int64), first + span - 1)


def _products(setting: str, indication: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    table = SOC_PRODUCTS if setting == "standard_of_care" else TRIAL_PRODUCTS
    therapy = np.zeros(len(indication), dtype=np.int16)
    for code in np.unique(indication):
        rows = np.flatnonzero(indication == code)
        mix = table.get(INDICATIONS[code], FALLBACK_PRODUCTS)
        p = np.array(list(mix.values()))
        therapy[rows] = codes(list(mix), THERAPIES)[rng.choice(len(mix), len(rows), p=p / p.sum())]
    return therapy


def _start_days(setting: str, indication: np.ndarray, therapy: np.ndarray) -> np.ndarray:
    """First possible infusion day: the EU authorisation month in standard of care, else the study start."""
    start = np.full(len(indication), day_number(STUDY_START), dtype=np.int64)
    if setting != "standard_of_care":
        return start
    pairs = indication.astype(np.int64) * len(THERAPIES) + therapy
    for pair in np.unique(pairs):
        since = approved_since(THERAPIES[pair % len(THERAPIES)], INDICATIONS[pair // len(THERAPIES)])
        if since is not None:
            start[pairs == pair] = max(day_number(date.fromisoformat(since + "-01")), day_number(STUDY_START))
    return start


def _ages(
    t: GroupTargets, indication: np.ndarray, therapy: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    n = len(indication)
    low_default, high_default = ADULT_AGE if t.setting == "standard_of_care" else TRIAL_AGE
    low = np.full(n, low_default)
    high = np.full(n, high_default)
    fixed = np.full(n, -1, dtype=np.int64)
    for (setting, product, code), (lo, hi) in AGE_BANDS.items():
        rows = (indication == INDICATIONS.index(code)) & (therapy == THERAPIES.index(product))
        if setting != t.setting or not rows.any():
            continue
        low[rows], high[rows] = lo, hi
        if hi - lo < FIXED_BAND_YEARS:
            fixed[rows] = rng.integers(round(lo * 10), round(hi * 10) + 1, rows.sum())
    shift = np.array([AGE_SHIFT_SD.get(code, 0.0) for code in INDICATIONS])[indication]
    raw = rng.standard_normal(n) * 0.8 + shift
    return match_moments(
        raw,
        round(n * t.age.mean * 10),
        t.age.sd_target * 10,
        np.rint(low * 10),
        np.rint(high * 10),
        rng,
        fixed,
    )


def _weights(t: GroupTargets, sex: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    n = len(sex)
    centre = np.where(sex == SEXES.index("female"), np.log(66.0), np.log(79.0))
    raw = np.exp(centre + 0.22 * rng.standard_normal(n))
    low, high = WEIGHT_KG
    return match_moments(
        raw, round(n * t.weight.mean * 10), t.weight.sd_target * 10, round(low * 10), round(high * 10), rng
    )


def _group(index: int, t: GroupTargets, rng: np.random.Generator) -> dict[str, np.ndarray]:
    n = t.n
    indication = np.repeat(codes(list(t.indication), INDICATIONS), list(t.indication.values()))
    indication = rng.permutation(indication)
    sex = rng.permutation(np.repeat(codes(list(t.sex), SEXES), list(t.sex.values())))
    therapy = _products(t.setting, indication, rng)
    infusion_day = growing_days(_start_days(t.setting, indication, therapy), rng)
    age = _ages(t, indication, therapy, rng)
    weight = _weights(t, sex, rng)
    female = sex == SEXES.index("female")
    height = np.rint(np.where(female, 163.0, 176.0) + 6.5 * rng.standard_normal(n)).clip(140, 205)
    return {
        "group": np.full(n, index, dtype=np.int64),
        "setting": np.full(n, SETTINGS.index(t.setting), dtype=np.int16),
        "sex": sex,
        "indication": indication,
        "therapy": therapy,
        "infusion_day": infusion_day,
        "age_tenths": age,
        "weight_tenths": weight,
        "height_cm": height,
        "birth_year": birth_years(infusion_day, age),
    }


def birth_years(infusion_day: np.ndarray, age_tenths: np.ndarray) -> np.ndarray:
    """Birth year consistent with the age: born before this year's birthday when the year is less advanced."""
    day = infusion_day.astype("datetime64[D]")
    year_start = day.astype("datetime64[Y]")
    year = year_start.astype(np.int64) + 1970
    elapsed = (day - year_start.astype("datetime64[D]")).astype(np.int64) / 365.25
    whole = age_tenths // 10
    return year - whole - (elapsed < (age_tenths - whole * 10) / 10)


def _trial_ids(setting: np.ndarray, indication: np.ndarray, therapy: np.ndarray) -> np.ndarray:
    """One synthetic NCT number per (indication, product) studied in a trial."""
    ids = np.full(len(setting), None, dtype=object)
    trial = setting == SETTINGS.index("clinical_trial")
    if trial.any():
        keys = indication[trial].astype(np.int64) * len(THERAPIES) + therapy[trial]
        unique, inverse = np.unique(keys, return_inverse=True)
        numbers = np.array([f"NCT{FIRST_TRIAL_NUMBER + k:08d}" for k in range(len(unique))], dtype=object)
        ids[trial] = numbers[inverse]
    return ids


def build_cohort(targets: list[GroupTargets], rng: np.random.Generator) -> Cohort:
    """All groups' infusions, in infusion-date order (so identifiers number them chronologically)."""
    parts = [_group(i, t, rng) for i, t in enumerate(targets)]
    columns = {name: np.concatenate([p[name] for p in parts]) for name in parts[0]}
    columns["trial_id"] = _trial_ids(columns["setting"], columns["indication"], columns["therapy"])
    cohort = Cohort(**columns)
    return cohort.take(np.argsort(cohort.infusion_day, kind="stable"))
