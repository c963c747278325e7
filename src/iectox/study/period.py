"""A study's period applied to a dataset: the infusions outside it (both ends included) are left out, with
every row that belongs to them, and counted.

A file read for `iectox report` is validated with the period first (`infusion_in_study_period`: an infusion
outside it is an error), so nothing is left out there. A registry that keeps growing (the web application)
holds infusions after the period of a study written earlier: the study counts the infusions of its period, as
its spec says, and the page says how many it left out.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from iectox.dataset import Dataset


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


def within_period(dataset: Dataset, period: tuple[date, date] | None) -> tuple[Dataset, int]:
    """The dataset restricted to the infusions in `period` (an infusion without a date is kept, as validation
    keeps it), and the number of infusions left out."""
    if period is None:
        return dataset, 0
    infusions = dataset["infusions"]
    dates = infusions["infusion_date"]
    start, end = (pd.Timestamp(day) for day in period)
    outside = (dates.notna() & ((dates < start) | (dates > end))).to_numpy(dtype=bool)
    if not outside.any():
        return dataset, 0
    return keep_infusions(dataset, ~outside), int(outside.sum())


__all__ = ["keep_infusions", "within_period"]
