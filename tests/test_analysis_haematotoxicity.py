"""The lab-based columns of the analysis table: computed by their grading modules, blank where labs say nothing."""

from __future__ import annotations

import pandas as pd

from factories import small_dataset
from iectox.analysis import infusion_table
from iectox.dataset import Dataset


def test_columns_from_the_small_dataset_labs():
    table = infusion_table(small_dataset()).set_index("infusion_id")
    one = table.loc["INF-001"]
    # ANC 1.8 G/L and ferritin 540 µg/L at day -5, no platelets/Hb/CRP: score and risk unknown (0 points so far)
    assert pd.isna(one["hematotox_score"]) and pd.isna(one["hematotox_risk"])
    # one ANC after infusion, 0.3 G/L on day 3: one day <= 0.5 G/L, early ICAHT grade 1 (a lower bound)
    assert (one["icaht_early"], one["severe_neutropenia_days"]) == (1, 1)
    assert pd.isna(one["icaht_late"]) and pd.isna(one["iechs_lab_criteria"]) and pd.isna(one["iechs_grade"])
    assert table.loc[["INF-002", "INF-003"], ["icaht_early", "hematotox_risk"]].isna().all().all()


def test_without_labs_every_lab_column_is_blank():
    data = small_dataset()
    frames = {name: data[name] for name in data}
    frames["labs"] = data["labs"].iloc[0:0]
    table = infusion_table(Dataset.from_frames(frames))
    columns = [
        "hematotox_score",
        "hematotox_risk",
        "icaht_early",
        "icaht_late",
        "iechs_lab_criteria",
        "iechs_grade",
    ]
    assert table[columns].isna().all().all()
