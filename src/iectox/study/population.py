"""A study's population: the infusions of its period (`iectox.study.period`) and, when its `[cohorts]` name a
`therapy_class`, of that class only.

A registry, like the demo dataset, may hold CAR-T infusions and bispecific antibody courses side by side. A
study comparing CAR-T cohorts (the seed study: its published numbers count CAR-T infusions) names
`therapy_class = "CAR-T"`: its tables, published checks, adverse events, time to event and adjusted models
count those infusions, and the courses of the other class are reported apart, never pooled into a cohort:
the CRS per bispecific dose (`iectox.study.bsab_crs`) and the management audit (each dose against its
product's schedule; their episodes are judged too, in no cohort of the KPIs).
"""

from __future__ import annotations

from dataclasses import dataclass

from iectox.dataset import Dataset
from iectox.schema.therapies import CLASS_OF
from iectox.study.period import keep_infusions, within_period
from iectox.study.spec import StudySpec


def of_therapy_class(dataset: Dataset, therapy_class: str | None) -> tuple[Dataset, int]:
    """The infusions of `therapy_class` (all when None) and the number of the others, reported apart."""
    if therapy_class is None:
        return dataset, 0
    keep = (dataset["infusions"]["therapy"].map(CLASS_OF) == therapy_class).to_numpy(dtype=bool)
    if keep.all():
        return dataset, 0
    return keep_infusions(dataset, keep), int((~keep).sum())


@dataclass(frozen=True)
class Population:
    """A study's infusions, chosen in one place for every product of the study (its run, its packet)."""

    of_period: Dataset  # the infusions of the period, of every therapy class
    compared: Dataset  # those of the cohorts' therapy class: what the tables count
    left_out: int  # infusions outside the period
    apart: int  # infusions of the period outside the cohorts' therapy class


def study_population(dataset: Dataset, spec: StudySpec) -> Population:
    """The infusions `spec` counts: those of its period, then of its cohorts' therapy class."""
    of_period, left_out = within_period(dataset, spec.period)
    compared, apart = of_therapy_class(of_period, spec.therapy_class)
    return Population(of_period, compared, left_out, apart)


__all__ = ["Population", "of_therapy_class", "study_population"]
