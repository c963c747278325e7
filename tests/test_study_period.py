"""A study counts the infusions of its period: those outside it are left out with their rows and counted
(`StudyResult.left_out`), as a registry that keeps growing holds infusions after a study's period. A study of a
dataset without any infusion there gives its tables with N = 0, not a traceback."""

from __future__ import annotations

import dataclasses
from datetime import date

import pandas as pd

from factories import small_dataset
from iectox.dataset import Dataset
from iectox.study.period import within_period
from iectox.study.run import run_study
from iectox.study.spec import seed_study


def test_infusions_outside_the_period_are_left_out_with_their_rows_both_ends_included():
    dataset = small_dataset()  # infusions on 2023-05-17, 2024-01-09, 2024-11-02
    kept, left_out = within_period(dataset, (date(2023, 5, 17), date(2024, 1, 9)))
    assert left_out == 1
    assert kept["infusions"]["infusion_id"].tolist() == ["INF-001", "INF-002"]
    assert kept["toxicity_episodes"]["episode_id"].tolist() == ["EP-001", "EP-002"]
    assert kept["administrations"]["administration_id"].tolist() == ["ADM-001", "ADM-002"]
    assert kept["outcomes"]["infusion_id"].tolist() == ["INF-001", "INF-002"]
    assert kept["patients"].equals(dataset["patients"])
    assert within_period(dataset, None) == (dataset, 0)
    same, none = within_period(dataset, (date(2020, 1, 1), date(2025, 7, 1)))
    assert same is dataset and none == 0


def test_a_study_counts_only_its_periods_infusions_and_says_how_many_it_left_out():
    dataset = small_dataset()
    frames = {name: dataset[name] for name in dataset.tables}
    infusions = frames["infusions"].copy()
    infusions.loc[2, "infusion_date"] = pd.Timestamp("2026-02-01")  # INF-003, after the seed study's period
    frames["infusions"] = infusions
    result = run_study(Dataset.from_frames(frames), seed_study())
    assert result.left_out == 1
    assert result.frame["infusion_id"].tolist() == ["INF-001", "INF-002"]
    assert int(result.tables[0][1].groups.sizes.sum()) == 2
    assert run_study(small_dataset(), seed_study()).left_out == 0


def test_a_study_of_no_infusion_gives_empty_tables():
    dataset = small_dataset()
    empty = Dataset.from_frames({name: dataset[name].iloc[0:0] for name in dataset.tables})
    result = run_study(empty, seed_study())
    assert [int(n) for n in result.tables[0][1].groups.sizes] == [0, 0]
    crs = next(c for c in result.checks if c.variable == "crs_grade" and c.statistic.lower() == "no")
    assert dataclasses.astuple(crs)[5:7] == ("-", False)
