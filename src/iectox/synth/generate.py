"""The public entry points: `calibrate` (the published cohort, exactly) and `generate` (any size).

One generator serves both: the counts are either the published ones or scaled from the published
proportions by largest-remainder rounding; everything else is the same code, vectorised, deterministic for
a seed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from iectox.dataset import Dataset
from iectox.published import SummaryTable, read_summary_table
from iectox.published.seed import seed_table
from iectox.synth.assign import Assignment, assign
from iectox.synth.calibration import CalibrationRecord, calibration_records
from iectox.synth.cohort import build_cohort
from iectox.synth.contradictions import SynthFinding
from iectox.synth.labs import synthetic_labs
from iectox.synth.management import (
    Doses,
    crs_steroids,
    dose_plan,
    icans_steroids,
    last_per_infusion,
    tocilizumab,
)
from iectox.synth.observations import synthetic_observations
from iectox.synth.outcomes import follow_up
from iectox.synth.scaling import scale_targets
from iectox.synth.tables import dataset
from iectox.synth.targets import GroupTargets, build_targets
from iectox.synth.toxicity import (
    CRS_DAYS_BY_GRADE,
    ICANS_DAYS_BY_GRADE,
    crs_onsets,
    ends,
    episode,
    icans_onsets,
    join,
)

DEFAULT_SEED = 20250701
STAGES = ("cohort", "toxicity", "management", "episodes", "outcomes", "tables")
Progress = Callable[[str], None]


@dataclass(frozen=True)
class SynthResult:
    """A calibrated synthetic cohort, the contradictions met on the way, and how close each target came."""

    dataset: Dataset
    findings: list[SynthFinding]
    calibration: list[CalibrationRecord]
    table: SummaryTable


def _table(source: str | Path | SummaryTable | None) -> SummaryTable:
    if source is None:
        return seed_table()
    return source if isinstance(source, SummaryTable) else read_summary_table(source)


def _administrations(
    weight_tenths: np.ndarray,
    targets: list[GroupTargets],
    group: np.ndarray,
    a: Assignment,
    crs_onset: np.ndarray,
    icans_onset: np.ndarray,
    rng: np.random.Generator,
) -> Doses:
    """Tocilizumab (each group: its dose, delay and injection totals), then corticosteroids."""
    parts: list[Doses] = []
    for index, t in enumerate(targets):
        rows = np.flatnonzero((group == index) & a.treated)
        dose = dose_plan(weight_tenths[rows], t.dose_total_mg, rng)
        parts.append(
            tocilizumab(
                rows, a.crs_grade[rows], crs_onset[rows], dose, t.delay_total_min, t.injections_total, rng
            )
        )
    toci = Doses.join(parts)
    first = np.full(len(group), np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first, toci.infusion, toci.given)
    steroid = np.flatnonzero(a.steroid)
    parts.append(crs_steroids(steroid, a.crs_grade[steroid], first[steroid], rng))
    severe = np.flatnonzero(a.icans_grade >= 2)
    parts.append(icans_steroids(severe, a.icans_grade[severe], icans_onset[severe], rng))
    return Doses.join(parts)


def simulate(targets: list[GroupTargets], seed: int, progress: Progress | None = None) -> Dataset:
    """The whole cohort for these targets: every stage vectorised over infusions."""
    step = progress or (lambda stage: None)
    rng = np.random.default_rng(seed)
    step("cohort")
    cohort = build_cohort(targets, rng)
    n = len(cohort)
    step("toxicity")
    a = assign(cohort, targets, rng)
    crs_rows, icans_rows = np.flatnonzero(a.crs_grade > 0), np.flatnonzero(a.icans_grade > 0)
    crs_onset = np.full(n, -1, dtype=np.int64)
    crs_onset[crs_rows] = crs_onsets(cohort, crs_rows, rng)
    icans_onset = np.full(n, -1, dtype=np.int64)
    icans_onset[icans_rows] = icans_onsets(cohort, icans_rows, crs_onset, rng)
    step("management")
    doses = _administrations(cohort.weight_tenths, targets, cohort.group, a, crs_onset, icans_onset, rng)
    last_crs = last_per_infusion(doses, n, "CRS")
    last_icans = last_per_infusion(doses, n, "ICANS")
    step("episodes")
    crs_end = ends(crs_onset[crs_rows], a.crs_grade[crs_rows], last_crs[crs_rows], CRS_DAYS_BY_GRADE, rng)
    died = a.crs_death[crs_rows]
    death_at = np.maximum(last_crs[crs_rows], crs_onset[crs_rows])
    death_at = death_at + rng.integers(6 * 60, 72 * 60, len(crs_rows))
    crs_end = np.where(died, death_at, crs_end)
    icans_end = ends(
        icans_onset[icans_rows], a.icans_grade[icans_rows], last_icans[icans_rows], ICANS_DAYS_BY_GRADE, rng
    )
    no_death = np.zeros(len(icans_rows), dtype=bool)
    episodes = join(
        [
            episode(
                crs_rows,
                "CRS",
                crs_onset[crs_rows],
                crs_end,
                a.crs_grade[crs_rows],
                died,
                np.maximum(crs_onset[crs_rows], last_crs[crs_rows]),
                rng,
            ),
            episode(
                icans_rows,
                "ICANS",
                icans_onset[icans_rows],
                icans_end,
                a.icans_grade[icans_rows],
                no_death,
                np.maximum(icans_onset[icans_rows], last_icans[icans_rows]),
                rng,
            ),
        ]
    )
    step("outcomes")
    last_event = np.full(n, -1, dtype=np.int64)
    np.maximum.at(last_event, crs_rows, crs_end)
    np.maximum.at(last_event, icans_rows, icans_end)
    np.maximum.at(last_event, doses.infusion, doses.given)
    crs_death_at = np.full(n, -1, dtype=np.int64)
    crs_death_at[crs_rows[died]] = death_at[died]
    outcomes = follow_up(cohort, last_event, crs_death_at, rng)
    step("tables")
    return dataset(cohort, a.crs_grade, a.icans_grade, episodes, doses, outcomes)


def with_observations(data: Dataset, seed: int) -> Dataset:
    """The dataset with bedside observation series behind its episodes (see `synth.observations`) and lab
    results around lymphodepletion and after infusion (see `synth.labs`), each from its own random stream."""
    series = synthetic_observations(data, np.random.default_rng([seed, 2]))
    labs = synthetic_labs(data, np.random.default_rng([seed, 3]))
    return Dataset.from_frames({**data.tables, "observations": series, "labs": labs})


def calibrate(
    table: str | Path | SummaryTable | None = None, seed: int = DEFAULT_SEED, progress: Progress | None = None
) -> SynthResult:
    """The published cohort itself: same group sizes, every consistent count exact, moments as printed, and
    observation series whose ASTCT grades match the episodes (but a stated few)."""
    summary = _table(table)
    targets, findings = build_targets(summary, tune_p=True)
    data = with_observations(simulate(targets, seed, progress), seed)
    return SynthResult(data, findings, calibration_records(summary, targets, findings, data), summary)


def generate(
    n: int = 1_000_000,
    seed: int = 1,
    table: str | Path | SummaryTable | None = None,
    progress: Progress | None = None,
    observations: bool = False,
) -> Dataset:
    """`n` infusions with the published proportions and moments (seed study by default), for benchmarks;
    observation series only when asked for (about 30 rows per infusion)."""
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    targets, _ = build_targets(_table(table), tune_p=False)
    data = simulate(scale_targets(targets, n), seed, progress)
    return with_observations(data, seed) if observations else data
