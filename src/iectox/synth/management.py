"""Administrations: tocilizumab for CRS and corticosteroids for CRS and ICANS, dose by dose.

Tocilizumab follows its label (tocilizumab SmPC; clinical_rules.md): the dose is the label's, asked of
`iectox.management.dosing` (8 mg/kg, 12 mg/kg under 30 kg, at most 800 mg), repeated no sooner than 8 h, at
most 3 doses in 24 h and 4 in total. The calibrated quantities are made exact here:
the sum over treated patients of their mean dose, the sum of CRS-onset-to-first-dose delays (to the minute)
and the total number of injections. Corticosteroids follow the management pathway (dexamethasone 10 mg;
methylprednisolone 1 g/day x 3 for grade 4 ICANS).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from iectox.management.dosing import TOCILIZUMAB_CRS_MAX_DOSE_MG, tocilizumab_dose_mg
from iectox.management.pathway import default_pathway
from iectox.schema.vocabularies import DRUG, REASON
from iectox.synth.select import adjust_total, largest_remainder

# The label limits the generator respects are the audit's, read from the default pathway (one place each).
_PATHWAY = default_pathway()
DOSE_TOLERANCE = float(_PATHWAY.tocilizumab.dose_tolerance.value)  # each dose within it of the label dose
MAX_INJECTIONS = int(_PATHWAY.tocilizumab.max_doses_per_episode.value)
MIN_INTERVAL_MIN = int(_PATHWAY.tocilizumab.min_interval_h.value * 60)
DAY_MIN = 24 * 60
MIN_DELAY_MIN = 30
DEXAMETHASONE_MG = 10.0
METHYLPREDNISOLONE_MG = 1000.0
#  Chance of 1, 2, 3, 4 injections by CRS grade (1, 2, >= 3): more severe CRS, more doses.
INJECTION_MIX = {1: (0.40, 0.40, 0.15, 0.05), 2: (0.20, 0.40, 0.28, 0.12), 3: (0.10, 0.30, 0.35, 0.25)}
DELAY_FACTOR = {1: 1.3, 2: 0.6, 3: 0.35}  # tocilizumab comes sooner for severe CRS
DRUGS, REASONS = DRUG.codes, REASON.codes


def base_dose_mg(weight_tenths: np.ndarray) -> np.ndarray:
    """The label dose at each weight; the cohort keeps weights in tenths of a kg so that means are exact."""
    return tocilizumab_dose_mg(weight_tenths / 10.0)


def dose_plan(weight_tenths: np.ndarray, total_mg: int | None, rng: np.random.Generator) -> np.ndarray:
    """Integer doses (mg) near the label dose, each within +/-10 %, capped at 800 mg, adding up to `total_mg`."""
    cap = TOCILIZUMAB_CRS_MAX_DOSE_MG
    label = base_dose_mg(weight_tenths)
    capped = label >= cap
    low = np.where(capped, cap, np.ceil(label * (1 - DOSE_TOLERANCE))).astype(np.int64)
    high = np.where(capped, cap, np.minimum(cap, np.floor(label * (1 + DOSE_TOLERANCE))))
    high = high.astype(np.int64)
    if total_mg is None or not (~capped).any():
        return np.rint(label).astype(np.int64)
    scale = (total_mg - cap * capped.sum()) / label[~capped].sum()
    dose = np.where(capped, cap, np.rint(label * scale)).astype(np.int64)
    dose = np.clip(dose, low, high)
    return adjust_total(dose, total_mg, low, high, rng)


@dataclass
class Doses:
    """Administration rows as arrays (one entry per dose)."""

    infusion: np.ndarray
    drug: np.ndarray
    given: np.ndarray  # minutes since 1970-01-01
    dose_mg: np.ndarray
    reason: np.ndarray

    @staticmethod
    def join(parts: list[Doses]) -> Doses:
        merged = Doses(
            *(
                np.concatenate([getattr(p, f) for p in parts])
                for f in ("infusion", "drug", "given", "dose_mg", "reason")
            )
        )
        order = np.lexsort((merged.given, merged.infusion))
        return Doses(*(getattr(merged, f)[order] for f in ("infusion", "drug", "given", "dose_mg", "reason")))


def _series(
    rows: np.ndarray,
    first: np.ndarray,
    counts: np.ndarray,
    gaps: np.ndarray,
    drug: str,
    dose: np.ndarray | float,
    reason: str,
) -> Doses:
    """`counts` doses per row at first, first + gap_1, first + gap_1 + gap_2... (gaps: rows x (max - 1))."""
    m, width = len(rows), gaps.shape[1] + 1
    times = first[:, None] + np.concatenate([np.zeros((m, 1), np.int64), np.cumsum(gaps, 1)], 1)
    keep = np.arange(width)[None, :] < counts[:, None]
    per_row = np.broadcast_to(np.asarray(dose, dtype=float), (m,))
    total = int(keep.sum())
    return Doses(
        np.broadcast_to(rows[:, None], (m, width))[keep],
        np.full(total, DRUGS.index(drug), np.int16),
        times[keep],
        np.broadcast_to(per_row[:, None], (m, width))[keep],
        np.full(total, REASONS.index(reason), np.int16),
    )


def _gaps(rng: np.random.Generator, q6h: np.ndarray, width: int) -> np.ndarray:
    """Intervals between corticosteroid doses: about 6 h (330-390 min) where `q6h`, else 12-24 h."""
    m = len(q6h)
    six_hourly = rng.integers(330, 391, (m, width))
    return np.where(q6h[:, None], six_hourly, rng.integers(12 * 60, DAY_MIN + 1, (m, width)))


def _delays(grades: np.ndarray, total_min: int, rng: np.random.Generator) -> np.ndarray:
    """Minutes from CRS onset to first tocilizumab, at least 30, adding up to `total_min` exactly."""
    factor = np.select([grades >= 3, grades == 2], [DELAY_FACTOR[3], DELAY_FACTOR[2]], DELAY_FACTOR[1])
    raw = rng.gamma(2.0, 1.0, len(grades)) * factor
    spare = max(0, total_min - MIN_DELAY_MIN * len(grades))
    return MIN_DELAY_MIN + largest_remainder(raw, spare)


def _injections(grades: np.ndarray, total: int, rng: np.random.Generator) -> np.ndarray:
    """1-4 injections per treated patient, more for severe CRS, adding up to `total` exactly."""
    mix = np.array([INJECTION_MIX[g] for g in (1, 2, 3)])
    cumulative = np.cumsum(mix, axis=1)[np.clip(grades, 1, 3) - 1]
    counts = 1 + (rng.random(len(grades))[:, None] > cumulative[:, :-1]).sum(axis=1)
    return adjust_total(counts.astype(np.int64), total, 1, MAX_INJECTIONS, rng)


def _tocilizumab_intervals(m: int, rng: np.random.Generator) -> np.ndarray:
    """Gaps between doses: often exactly q8h, otherwise 10-24 h; never 4 doses within 24 h."""
    gaps = np.where(
        rng.random((m, MAX_INJECTIONS - 1)) < 0.35,
        MIN_INTERVAL_MIN,
        rng.integers(600, DAY_MIN + 1, (m, MAX_INJECTIONS - 1)),
    )
    crowded = gaps.sum(axis=1) <= DAY_MIN
    gaps[crowded, -1] = 600
    return gaps


def tocilizumab(
    rows: np.ndarray,
    grades: np.ndarray,
    crs_onset: np.ndarray,
    dose_mg: np.ndarray,
    delay_total_min: int,
    injections_total: int,
    rng: np.random.Generator,
) -> Doses:
    """The tocilizumab doses of the treated `rows` (CRS grades, onsets in minutes, per-patient dose)."""
    first = crs_onset + _delays(grades, delay_total_min, rng)
    counts = _injections(grades, injections_total, rng)
    return _series(
        rows,
        first,
        counts,
        _tocilizumab_intervals(len(rows), rng),
        "tocilizumab",
        dose_mg.astype(float),
        "CRS",
    )


def crs_steroids(
    rows: np.ndarray, grades: np.ndarray, first_toci: np.ndarray, rng: np.random.Generator
) -> Doses:
    """Dexamethasone 10 mg IV for CRS: grade >= 3 q6h soon after tocilizumab, else q12-24h after 6-36 h."""
    m = len(rows)
    severe = grades >= 3
    wait = np.where(severe, rng.integers(0, 6 * 60, m), rng.integers(6 * 60, 36 * 60, m))
    counts = np.where(severe, rng.integers(2, 5, m), rng.integers(1, 3 + (grades >= 2), m))
    return _series(
        rows, first_toci + wait, counts, _gaps(rng, severe, 3), "dexamethasone", DEXAMETHASONE_MG, "CRS"
    )


def icans_steroids(
    rows: np.ndarray, grades: np.ndarray, onset: np.ndarray, rng: np.random.Generator
) -> Doses:
    """Dexamethasone 10 mg for ICANS grade 2 (q12-24h) or 3-4 (q6h); grade 4: methylprednisolone 1 g/d x 3."""
    m = len(rows)
    severe = grades >= 3
    start = onset + rng.integers(30, 12 * 60, m)
    counts = np.where(severe, rng.integers(4, 9, m), rng.integers(1, 4, m))
    dex = _series(rows, start, counts, _gaps(rng, severe, 7), "dexamethasone", DEXAMETHASONE_MG, "ICANS")
    pulse = grades >= 4
    k = int(pulse.sum())
    pulses = _series(
        rows[pulse],
        start[pulse] + DAY_MIN,
        np.full(k, 3),
        np.full((k, 2), DAY_MIN),
        "methylprednisolone",
        METHYLPREDNISOLONE_MG,
        "ICANS",
    )
    return Doses.join([dex, pulses])


def last_per_infusion(doses: Doses, n: int, reason: str) -> np.ndarray:
    """Time of each infusion's last dose given for `reason` (-1 when none)."""
    last = np.full(n, -1, dtype=np.int64)
    mask = doses.reason == REASONS.index(reason)
    np.maximum.at(last, doses.infusion[mask], doses.given[mask])
    return last
