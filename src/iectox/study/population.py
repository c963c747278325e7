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

import pandas as pd

from iectox.dataset import Dataset
from iectox.schema import THERAPY


def keep_infusions(dataset: Dataset, keep: pd.Series | object) -> Dataset:
    """The dataset with the infusions where `keep` (a boolean array over its infusions) holds, and every row
    of another table that belongs to them; patients stay (a patient may have infusions of both kinds)."""
    infusions = dataset["infusions"]
    kept = infusions[keep]
    frames = {"infusions": kept.reset_index(drop=True)}
    for name, frame in dataset.tables.items():
        if name != "infusions" and "infusion_id" in frame.columns:
            frames[name] = frame[frame["infusion_id"].isin(kept["infusion_id"])].reset_index(drop=True)
    return Dataset({**dataset.tables, **frames}, dataset.schema)


def of_therapy_class(dataset: Dataset, therapy_class: str | None) -> tuple[Dataset, int]:
    """The infusions of `therapy_class` (all when None) and the number of the others, reported apart."""
    if therapy_class is None:
        return dataset, 0
    classes = {t.code: t.attrs["therapy_class"] for t in THERAPY.terms}
    therapy = dataset["infusions"]["therapy"]
    keep = (therapy.map(classes) == therapy_class).to_numpy(dtype=bool)
    if keep.all():
        return dataset, 0
    return keep_infusions(dataset, keep), int((~keep).sum())


__all__ = ["keep_infusions", "of_therapy_class"]
