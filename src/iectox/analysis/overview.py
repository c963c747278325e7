"""A dataset at a glance, per setting: the few counts a pharmacist checks first after an import.

This is a quick look, not the analysis: comparison tables with tests come from `iectox.stats`. Each figure is
numbers with their kind, `(kind, values)`: `("n", (n,))`, `("n_pct", (n, %))` or `("mean_sd", (mean, SD))`, as
a comparison cell is; the command line formats them in the reader's language.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from iectox.analysis import infusion_table
from iectox.dataset import Dataset
from iectox.schema.vocabularies import SETTING


def _n_pct(flags: pd.Series, by: pd.Series) -> pd.Series:
    counts = flags.groupby(by).sum()
    totals = flags.groupby(by).size()
    return pd.Series({g: ("n_pct", (int(counts[g]), 100 * counts[g] / totals[g])) for g in totals.index})


def _mean_sd(values: pd.Series, by: pd.Series) -> pd.Series:
    def one(v: pd.Series) -> tuple[str, tuple[float, ...]] | None:
        return ("mean_sd", (float(v.mean()), float(v.std()))) if v.count() else None

    return pd.Series({g: one(v) for g, v in values.groupby(by)})


def cohort_overview(dataset: Dataset) -> pd.DataFrame:
    """Rows: a few key figures; columns: each setting present. Counted from the analysis table, so that the
    overview and the report use the same definitions (`iectox.analysis.columns`)."""
    frame = infusion_table(dataset)
    labels = {t.code: t.label for t in SETTING.terms}
    setting = frame["cohort"].map(labels).astype(object)

    def flag(column: str, test: Callable[[pd.Series], pd.Series] = lambda s: s.astype(bool)) -> pd.Series:
        return _n_pct(test(frame[column].dropna()).reindex(frame.index, fill_value=False), setting)

    rows = {
        "Infusions": setting.value_counts().map(lambda n: ("n", (int(n),))),
        "Male sex": _n_pct(frame["sex"].eq("male").fillna(False), setting),
        "Age, mean (SD)": _mean_sd(frame["age"], setting),
        "Weight kg, mean (SD)": _mean_sd(frame["weight_kg"], setting),
        "CRS, any grade": flag("crs_any"),
        "CRS grade >= 3 (ASTCT)": flag("crs_grade", lambda g: g >= 3),
        "CRS status unknown": _n_pct(frame["crs_any"].isna(), setting),
        "ICANS, any grade": flag("icans_any"),
        "ICANS grade >= 3 (ASTCT)": flag("icans_grade", lambda g: g >= 3),
        "Tocilizumab given": flag("tocilizumab"),
        "Deaths during follow-up": _n_pct(frame["status"].eq("dead").fillna(False), setting),
    }
    table = pd.DataFrame(rows).T
    order = [labels[c] for c in SETTING.codes if labels[c] in table.columns]
    return table[order]
