"""ICAHT (Rejeski et al., Blood 2023;142:865, EHA/EBMT consensus): every cell of the early and late tables.

The consensus: "For the grading of ICAHT, a classification system based on depth and duration of neutropenia was
developed for early (day 0-30) and late (after day +30) cytopenia." Its table, as iectox reproduces it: early
ICAHT grade 1 ANC <= 500/µL for < 7 days, grade 2 for 7-13 days, grade 3 for >= 14 days, grade 4 for >= 30
days or ANC <= 100/µL for >= 7 days; late ICAHT (two or more counts after day 30) grade 1 ANC <= 1500/µL,
grade 2 <= 1000/µL, grade 3 <= 500/µL, grade 4 <= 100/µL. Counting, as the consensus' companion thrombocytopenia
grading restates it: "Days of nonstable count recovery (<3 days) are counted to the cumulative total of days."
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from iectox.grading.icaht import early_grade, icaht, late_grade
from iectox.grading.lab_days import lab_days
from lab_gradings_oracle import daily_anc, low_days

# (days ANC <= 500/µL, days ANC <= 100/µL, grade): each cell and both sides of each boundary.
EARLY = [
    (0, 0, 0),
    (1, 0, 1),
    (6, 0, 1),
    (7, 0, 2),
    (13, 0, 2),
    (14, 0, 3),
    (29, 0, 3),
    (30, 0, 4),
    (13, 6, 2),
    (7, 7, 4),
]


@pytest.mark.parametrize(("severe", "profound", "grade"), EARLY)
def test_early_table(severe, profound, grade):
    assert early_grade(severe, profound) == grade


# (second-lowest ANC after day 30 in G/L, grade)
LATE = [(1.6, 0), (1.5, 1), (1.01, 1), (1.0, 2), (0.51, 2), (0.5, 3), (0.11, 3), (0.1, 4), (0.0, 4)]


@pytest.mark.parametrize(("anc", "grade"), LATE)
def test_late_table(anc, grade):
    assert late_grade(anc) == grade


def test_days_are_carried_until_a_count_shows_recovery_and_short_recoveries_count():
    daily = daily_anc(np.array([0, 2, 5, 6, 8, 12]), np.array([1.0, 0.4, 0.8, 0.3, 0.2, 2.0]))
    # day 0: 1.0; days 2-4: 0.4 (low); day 5: 0.8 (a 1-day recovery, counted); days 6-7: 0.3; days 8-11: 0.2
    assert low_days(daily, 0.5) == 10
    assert np.isnan(daily[13:]).all()  # after the last count: not counted
    counts = [(0, 1000), (2, 400), (5, 800), (6, 300), (8, 200), (12, 2000)]  # the same, in /mm3
    assert _grade(counts)["severe_neutropenia_days"] == 10  # the grading, over steps, counts as the series


def _labs(counts):
    return pd.DataFrame(
        {
            "infusion_id": "INF-1",
            "measured_at": [pd.Timestamp("2024-03-10") + pd.Timedelta(days=d, hours=8) for d, _ in counts],
            "analyte": "ANC",
            "value": [v for _, v in counts],
            "unit": "/mm3",
        }
    )


INFUSIONS = pd.DataFrame({"infusion_id": ["INF-1"], "infusion_date": [pd.Timestamp("2024-03-10")]})


def _grade(counts, lang="en"):
    return icaht(lab_days(_labs(counts), INFUSIONS), pd.Index(["INF-1"]), lang).loc["INF-1"]


def test_a_whole_course_with_its_reasons():
    counts = [(0, 900), (3, 300), (5, 80), (14, 90), (18, 700), (21, 1600), (40, 1200), (60, 800), (90, 2000)]
    got = _grade(counts)
    # <= 500: days 3-17 (15 days); <= 100: days 5-17 (13 days) -> grade 4
    assert (got["icaht_early"], got["severe_neutropenia_days"], got["profound_neutropenia_days"]) == (
        4,
        15,
        13,
    )
    assert got["icaht_early_reason"] == (
        "early ICAHT grade 4: ANC <= 0.5 G/L for 15 days, <= 0.1 G/L for 13 days (day 0-30)"
    )
    assert (got["icaht_late"], got["icaht_late_reason"]) == (
        1,
        "late ICAHT grade 1: second-lowest of 3 ANC after day 30 is 1.2 G/L",
    )


def test_what_cannot_be_graded_says_why():
    got = _grade([(-5, 2000), (10, 300)])
    assert got["icaht_early"] == 1
    assert got["icaht_early_reason"].endswith("; still <= 0.5 G/L at the last count (day 10): a lower bound")
    assert pd.isna(got["icaht_late"])
    assert got["icaht_late_reason"] == "late ICAHT not gradable: 0 ANC after day 30, two are needed"
    none = _grade([(-5, 2000)], lang="fr")
    assert pd.isna(none["icaht_early"])
    assert none["icaht_early_reason"] == "ICAHT précoce non gradable : aucun PNN entre J0 et J30"
