"""Who has what: CRS and ICANS grades, tocilizumab, corticosteroids and deaths during CRS, per infusion.

Every count comes from the targets; the product's pivotal-trial profile only decides who. Clinical pathway
rules constrain the draw: tocilizumab only with CRS and every grade >= 2 CRS treated first; corticosteroids
for every ICANS grade >= 2 and every grade >= 3 CRS; a treated patient who gets any corticosteroid is one of
the published "concomitant corticosteroids"; the treated subset is chosen by weight so that 8 mg/kg doses
average the published mean dose.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from iectox.synth.cohort import THERAPIES, Cohort
from iectox.synth.management import base_dose_mg
from iectox.synth.products import PROFILES
from iectox.synth.select import swap_to_sum, weighted_pick
from iectox.synth.targets import GroupTargets

UNKNOWN = -1
WITHOUT_CRS = 0.3  # relative chance of ICANS without CRS ("a few without CRS")


@dataclass
class Assignment:
    """Per infusion: grades (-1 unknown, 0 none) and who is treated, given steroids, or dies during CRS."""

    crs_grade: np.ndarray
    icans_grade: np.ndarray
    treated: np.ndarray
    steroid: np.ndarray
    crs_death: np.ndarray


def _profile(cohort: Cohort, field: str) -> np.ndarray:
    default = PROFILES["investigational_car_t"]
    table = np.array([getattr(PROFILES.get(code, default), field) for code in THERAPIES])
    return table[cohort.therapy]


def _odds(p: np.ndarray) -> np.ndarray:
    return p / np.maximum(1 - p, 0.01)


def _grades_desc(counts: dict[int, int]) -> np.ndarray:
    """The multiset of positive grades, highest first (e.g. 3,3,2,2,2,1,...)."""
    grades = sorted((g for g in counts if g > 0), reverse=True)
    return np.repeat(np.array(grades, dtype=np.int8), [counts[g] for g in grades])


def _by_severity(
    rows: np.ndarray, weights: np.ndarray, grades: np.ndarray, rng: np.random.Generator, out: np.ndarray
) -> None:
    """Hand the (descending) grades to `rows`, the highest to those with the heaviest weights, at random."""
    if len(rows) == 0:
        return
    keys = np.log(np.maximum(weights, 1e-12)) + rng.gumbel(size=len(rows))
    out[rows[np.argsort(-keys, kind="stable")]] = grades[: len(rows)]


def _crs(rows: np.ndarray, t: GroupTargets, cohort: Cohort, a: Assignment, rng: np.random.Generator) -> None:
    crs_p, severe_p = _profile(cohort, "crs"), _profile(cohort, "crs_severe")
    unknown = rng.choice(rows, t.crs_unknown, replace=False) if t.crs_unknown else rows[:0]
    a.crs_grade[unknown] = UNKNOWN
    pool = np.zeros(len(cohort), dtype=bool)
    pool[rows] = True
    pool[unknown] = False
    grades = _grades_desc(dict(t.crs))
    treated = weighted_pick(np.flatnonzero(pool), (_odds(crs_p) * (1 + 3 * severe_p))[pool], t.treated, rng)
    chosen = np.zeros(len(cohort), dtype=bool)
    chosen[treated] = True
    if t.dose_total_mg is not None and t.treated:
        dose = base_dose_mg(cohort.weight_tenths)
        chosen = swap_to_sum(
            dose, chosen, pool, np.zeros_like(chosen), t.dose_total_mg, max(1.0, 5e-4 * t.dose_total_mg), rng
        )
    a.treated |= chosen
    treated = np.flatnonzero(chosen)
    rest = np.flatnonzero(pool & ~chosen)
    untreated = weighted_pick(rest, _odds(crs_p)[rest], len(grades) - len(treated), rng)
    _by_severity(treated, _odds(severe_p)[treated], grades, rng, a.crs_grade)
    a.crs_grade[untreated] = grades[len(treated) :][: len(untreated)]


def _icans(
    rows: np.ndarray, t: GroupTargets, cohort: Cohort, a: Assignment, rng: np.random.Generator
) -> None:
    crs = np.maximum(a.crs_grade, 0)
    weight = _odds(_profile(cohort, "icans")) * (1 + crs) * np.where(crs > 0, 1.0, WITHOUT_CRS)
    in_group = np.zeros(len(cohort), dtype=bool)
    in_group[rows] = True
    open_ = in_group & ~a.treated
    unknown = weighted_pick(np.flatnonzero(open_), np.ones(open_.sum()), t.icans_unknown, rng)
    a.icans_grade[unknown] = UNKNOWN
    grades = _grades_desc(dict(t.icans))
    severe = grades[grades >= 2]
    inside = np.flatnonzero(in_group & a.treated)
    outside = np.flatnonzero(in_group & ~a.treated & (a.icans_grade == 0))
    if t.steroid_alone is not None:
        k_out = min(t.steroid_alone, len(severe))
    else:
        share = weight[outside].sum() / max(weight[outside].sum() + weight[inside].sum(), 1e-12)
        k_out = round(len(severe) * share)
    k_in = min(len(severe) - k_out, t.steroid_treated, len(inside))
    k_out = min(len(severe) - k_in, len(outside))
    picked = np.concatenate(
        [
            weighted_pick(inside, weight[inside], k_in, rng),
            weighted_pick(outside, weight[outside], k_out, rng),
        ]
    )
    _by_severity(picked, weight[picked], severe, rng, a.icans_grade)
    free = np.flatnonzero(in_group & (a.icans_grade == 0))
    mild = grades[grades == 1]
    a.icans_grade[weighted_pick(free, weight[free], len(mild), rng)] = 1


def _steroids_and_deaths(
    rows: np.ndarray, t: GroupTargets, cohort: Cohort, a: Assignment, rng: np.random.Generator
) -> None:
    in_group = np.zeros(len(cohort), dtype=bool)
    in_group[rows] = True
    treated = in_group & a.treated
    forced = treated & ((a.icans_grade >= 2) | (a.crs_grade >= 3))
    a.steroid |= forced
    others = np.flatnonzero(treated & ~forced)
    weight = 1.0 + 3.0 * (a.crs_grade[others] >= 2) + (a.icans_grade[others] == 1)
    a.steroid[weighted_pick(others, weight, max(0, t.steroid_treated - int(forced.sum())), rng)] = True
    candidates = np.flatnonzero(treated & (a.icans_grade == 0))
    age = cohort.age_tenths[candidates] / 10
    weight = (1.0 + 2.0 * (a.crs_grade[candidates] - 1)) * np.exp((age - 60) / 15)
    a.crs_death[weighted_pick(candidates, weight, t.crs_deaths, rng)] = True


def assign(cohort: Cohort, targets: list[GroupTargets], rng: np.random.Generator) -> Assignment:
    """Grades, treatment and CRS deaths for every infusion, group by group."""
    n = len(cohort)
    a = Assignment(
        np.zeros(n, np.int8), np.zeros(n, np.int8), np.zeros(n, bool), np.zeros(n, bool), np.zeros(n, bool)
    )
    for index, t in enumerate(targets):
        rows = np.flatnonzero(cohort.group == index)
        _crs(rows, t, cohort, a, rng)
        _icans(rows, t, cohort, a, rng)
        _steroids_and_deaths(rows, t, cohort, a, rng)
    return a
