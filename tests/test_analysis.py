"""One row per infusion: every derived column checked by hand on the small dataset."""

from __future__ import annotations

import pandas as pd
import pytest

from factories import seed_cohort, small_dataset
from iectox.analysis import COLUMNS, AnalysisSettings, infusion_table


@pytest.fixture(scope="module")
def table():
    return infusion_table(small_dataset()).set_index("infusion_id")


def test_columns_are_the_documented_ones(table):
    assert ["infusion_id", *table.columns] == [c.name for c in COLUMNS]


def test_crs_on_the_study_scale(table):
    assert table.loc["INF-001", ["crs_any", "crs_grade", "crs_grade_scales", "crs_onset_day"]].tolist() == [
        True,
        2,
        "ASTCT2019",
        2.0,
    ]
    # INF-002: crs_status 'no' and no episode: no CRS, grade 0
    assert not bool(table.loc["INF-002", "crs_any"])
    assert table.loc["INF-002", "crs_grade"] == 0
    # INF-003: CRS graded on Lee 2014 only: present, but no ASTCT grade (never converted)
    assert bool(table.loc["INF-003", "crs_any"])
    assert pd.isna(table.loc["INF-003", "crs_grade"])
    assert table.loc["INF-003", "crs_grade_scales"] == "Lee2014"
    assert table.loc["INF-003", "crs_onset_day"] == 7


def test_grades_on_another_scale_when_the_study_says_so():
    lee = infusion_table(small_dataset(), AnalysisSettings(grading_scale="Lee2014")).set_index("infusion_id")
    assert lee.loc["INF-003", "crs_grade"] == 3
    assert pd.isna(lee.loc["INF-001", "crs_grade"])


def test_icans_unknown_status_is_missing_not_no(table):
    assert pd.isna(table.loc["INF-003", "icans_any"]) and pd.isna(table.loc["INF-003", "icans_grade"])
    assert table.loc["INF-001", "icans_grade"] == 1


def test_tocilizumab_delays_never_use_an_invented_hour(table):
    row = table.loc["INF-001"]
    assert row["tocilizumab_injections"] == 1 and row["tocilizumab_dose_mg"] == 571.2
    assert row["tocilizumab_dose_mg_kg"] == pytest.approx(571.2 / 71.4)
    assert row["hours_crs_onset_to_tocilizumab"] == 17.5  # 2023-05-19 14:30 -> 2023-05-20 08:00
    assert row["days_crs_onset_to_tocilizumab"] == pytest.approx(17.5 / 24)
    assert row["calendar_days_crs_onset_to_tocilizumab"] == 1
    day_only = table.loc["INF-003"]  # tocilizumab on 2024-11-10, hour not recorded
    assert pd.isna(day_only["hours_crs_onset_to_tocilizumab"])
    assert day_only["calendar_days_crs_onset_to_tocilizumab"] == 1
    assert not bool(table.loc["INF-002", "tocilizumab"]) and pd.isna(
        table.loc["INF-002", "tocilizumab_injections"]
    )


def test_corticosteroids(table):
    # INF-001: dexamethasone of unknown time, given for ICANS: a corticosteroid, not proven concomitant
    assert bool(table.loc["INF-001", "corticosteroids"])
    assert not bool(table.loc["INF-001", "corticosteroids_with_tocilizumab"])
    assert pd.isna(table.loc["INF-002", "corticosteroids_with_tocilizumab"])  # no tocilizumab


def test_outcomes(table):
    assert table.loc["INF-002", ["status", "death_cause", "follow_up_days"]].tolist() == [
        "dead",
        "disease progression",
        173.0,
    ]
    assert table.loc["INF-001", "crs_outcome"] == "resolved"


def test_seed_cohort_gives_the_published_counts():
    frame = infusion_table(seed_cohort())
    soc = frame[frame["cohort"] == "standard_of_care"]
    trial = frame[frame["cohort"] == "clinical_trial"]
    assert soc["crs_grade"].value_counts().sort_index().tolist() == [57, 255, 45, 3]
    assert int(soc["crs_grade"].isna().sum()) == 1
    assert trial["icans_grade"].value_counts().sort_index().tolist() == [24, 8, 4, 2, 2]
    assert [int(soc["tocilizumab"].sum()), int(trial["tocilizumab"].sum())] == [200, 20]
    assert [
        int(soc["corticosteroids_with_tocilizumab"].sum()),
        int(trial["corticosteroids_with_tocilizumab"].sum()),
    ] == [107, 13]
    assert (
        round(soc["tocilizumab_dose_mg"].mean(), 1) == 555.2
        and round(trial["tocilizumab_dose_mg"].mean(), 1) == 581.3
    )
    assert round(soc["days_crs_onset_to_tocilizumab"].mean(), 1) == 2.0
    assert round(trial["days_crs_onset_to_tocilizumab"].mean(), 1) == 3.7
    assert (
        round(soc["tocilizumab_injections"].mean(), 1) == 1.9
        and trial["tocilizumab_injections"].mean() == 2.5
    )
