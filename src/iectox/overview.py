"""A dataset at a glance, per setting: the few counts a pharmacist checks first after an import.

This is a quick look, not the analysis: comparison tables with tests come from `iectox.stats`.
"""

from __future__ import annotations

import pandas as pd

from iectox.dataset import Dataset
from iectox.schema.vocabularies import SETTING


def _n_pct(flags: pd.Series, by: pd.Series) -> pd.Series:
    counts = flags.groupby(by).sum()
    totals = flags.groupby(by).size()
    return pd.Series({g: f"{int(counts[g])} ({100 * counts[g] / totals[g]:.1f}%)" for g in totals.index})


def _mean_sd(values: pd.Series, by: pd.Series) -> pd.Series:
    def one(v: pd.Series) -> str:
        if v.count() == 0:
            return "-"
        return f"{v.mean():.1f} ({v.std():.1f})" if v.count() > 1 else f"{v.mean():.1f}"

    return pd.Series({g: one(v) for g, v in values.groupby(by)})


def cohort_overview(dataset: Dataset) -> pd.DataFrame:
    """Rows: a few key figures; columns: each setting present, then all infusions."""
    inf = dataset["infusions"].set_index("infusion_id")
    patients = dataset["patients"].set_index("patient_id")
    episodes = dataset["toxicity_episodes"]
    doses = dataset["administrations"]
    outcomes = dataset["outcomes"].set_index("infusion_id")
    labels = {t.code: t.label for t in SETTING.terms}
    setting = inf["setting"].map(labels).astype(object)

    def worst(syndrome: str) -> pd.Series:
        rows = episodes[(episodes["syndrome"] == syndrome) & (episodes["grading_scale"] == "ASTCT2019")]
        return rows.groupby("infusion_id")["max_grade"].max().reindex(inf.index)

    def present(syndrome: str, status: str) -> pd.Series:
        recorded = inf.index.isin(episodes.loc[episodes["syndrome"] == syndrome, "infusion_id"])
        return pd.Series(recorded, index=inf.index) | inf[status].eq("yes").fillna(False)

    crs, icans = worst("CRS"), worst("ICANS")
    toci = inf.index.isin(doses.loc[doses["drug"] == "tocilizumab", "infusion_id"])
    rows = {
        "Infusions": setting.value_counts().astype(str),
        "Male sex": _n_pct(inf["patient_id"].map(patients["sex"]).eq("male"), setting),
        "Age, mean (SD)": _mean_sd(inf["age_at_infusion"], setting),
        "Weight kg, mean (SD)": _mean_sd(inf["weight_kg"], setting),
        "CRS, any grade": _n_pct(present("CRS", "crs_status"), setting),
        "CRS grade >= 3 (ASTCT)": _n_pct(crs.fillna(0).ge(3), setting),
        "CRS status unknown": _n_pct(inf["crs_status"].eq("unknown").fillna(False), setting),
        "ICANS, any grade": _n_pct(present("ICANS", "icans_status"), setting),
        "ICANS grade >= 3 (ASTCT)": _n_pct(icans.fillna(0).ge(3), setting),
        "Tocilizumab given": _n_pct(pd.Series(toci, index=inf.index), setting),
        "Deaths during follow-up": _n_pct(
            outcomes["status"].reindex(inf.index).eq("dead").fillna(False), setting
        ),
    }
    table = pd.DataFrame(rows).T
    order = [labels[c] for c in SETTING.codes if labels[c] in table.columns]
    return table[order].fillna("-")
