"""Cohort KPIs by cohort and calendar quarter, on hand-made data with medians computed by hand.

Quartiles by linear interpolation (R type 7, pandas' default): for 1, 3, 5, 10 the quartiles are 2.5, 4, 6.25.
"""

from __future__ import annotations

import pandas as pd
import pytest

from iectox.management.audit import audit
from iectox.management.kpis import kpis_by_cohort, kpis_by_quarter
from iectox.management.pathway import default_pathway
from iectox.management.registry import MANAGEMENT, rule_label
from management_factories import dataset, dose, episode, infusion


def _rows(cohort, quarter, outcome, delay):
    return {
        "rule": "crs.tocilizumab",
        "episode_id": f"E{len(cohort)}{quarter}{delay}",
        "infusion_id": "I",
        "syndrome": "CRS",
        "cohort": cohort,
        "quarter": quarter,
        "grade": 2,
        "outcome": outcome,
        "delay_h": delay,
        "target_h": 2.0,
    }


ADHERENCE = pd.DataFrame(
    [
        _rows("A", "2024-Q1", "met", 1.0),
        _rows("A", "2024-Q1", "late", 3.0),
        _rows("A", "2024-Q2", "late", 5.0),
        _rows("A", "2024-Q2", "late", 10.0),
        _rows("B", "2024-Q1", "met", 2.0),
        _rows("B", "2024-Q1", "untreated", None),
        _rows("B", "2024-Q2", "undetermined", 4.0),
    ]
).astype({"delay_h": "Float64", "target_h": "Float64"})


def test_kpis_by_cohort_hand_computed():
    table = kpis_by_cohort(ADHERENCE).set_index("cohort")
    a, b = table.loc["A"], table.loc["B"]
    assert (a["n"], a["met"], a["late"]) == (4, 1, 3)
    assert a["share_met"] == pytest.approx(1 / 4)
    assert (a["median_delay_h"], a["q1_delay_h"], a["q3_delay_h"]) == pytest.approx((4.0, 2.5, 6.25))
    assert (b["n"], b["met"], b["untreated"], b["undetermined"]) == (3, 1, 1, 1)
    assert b["share_met"] == pytest.approx(1 / 3)  # undetermined: not shown met, still eligible
    assert (b["n_delay"], b["median_delay_h"]) == (2, pytest.approx(3.0))
    assert a["target_h"] == "2"


def test_kpis_by_quarter_give_the_n_of_every_cell():
    table = kpis_by_quarter(ADHERENCE).set_index(["cohort", "quarter"])
    assert table["n"].to_dict() == {
        ("A", "2024-Q1"): 2,
        ("A", "2024-Q2"): 2,
        ("B", "2024-Q1"): 2,
        ("B", "2024-Q2"): 1,
    }
    assert table.loc[("A", "2024-Q2"), "median_delay_h"] == pytest.approx(7.5)
    assert table.loc[("A", "2024-Q1"), "share_met"] == pytest.approx(0.5)
    assert table.loc[("B", "2024-Q2"), "share_met"] == 0  # one eligible episode, not shown met


def test_audit_kpis_on_a_small_registry():
    """Standard of care: CRS onset -> tocilizumab 10 h, 20 h (Q1) and 30 h (Q2); trials: 40 h (Q1), 60 h (Q2)."""
    cases = [
        ("S1", "standard_of_care", "2023-02-01", 10),
        ("S2", "standard_of_care", "2023-03-01", 20),
        ("S3", "standard_of_care", "2023-05-01", 30),
        ("T1", "clinical_trial", "2023-01-15", 40),
        ("T2", "clinical_trial", "2023-06-30", 60),
    ]
    infusions = [infusion(i, setting=s, day=d) for i, s, d, _ in cases]
    episodes = [episode(f"EP-{i}", "CRS", 0, 200, 1, infusion_id=i) for i, *_ in cases]
    doses = [dose(f"A-{i}", "tocilizumab", h, 560, infusion_id=i) for i, _, _, h in cases]
    result = audit(dataset(episodes, doses, infusions), default_pathway())
    by_cohort = result.kpis_by_cohort
    headline = by_cohort[by_cohort["rule"] == "crs.onset_to_tocilizumab"].set_index("cohort")
    assert headline.loc["standard_of_care", "median_delay_h"] == pytest.approx(20.0)
    assert headline.loc["clinical_trial", "median_delay_h"] == pytest.approx(50.0)
    assert headline.loc["standard_of_care", "share_met"] == pytest.approx(2 / 3)  # 10 h and 20 h within 24 h
    assert headline.loc["clinical_trial", "share_met"] == 0
    quarters = result.kpis_by_quarter
    quarters = quarters[quarters["rule"] == "crs.onset_to_tocilizumab"].set_index(["cohort", "quarter"])
    assert quarters["median_delay_h"].to_dict() == pytest.approx(
        {
            ("clinical_trial", "2023-Q1"): 40.0,
            ("clinical_trial", "2023-Q2"): 60.0,
            ("standard_of_care", "2023-Q1"): 15.0,
            ("standard_of_care", "2023-Q2"): 30.0,
        }
    )
    assert quarters["n"].to_dict() == {
        ("clinical_trial", "2023-Q1"): 1,
        ("clinical_trial", "2023-Q2"): 1,
        ("standard_of_care", "2023-Q1"): 2,
        ("standard_of_care", "2023-Q2"): 1,
    }


def test_cohorts_are_a_setting():
    cases = [("S1", "axicabtagene_ciloleucel", 10), ("S2", "tisagenlecleucel", 30)]
    infusions = [infusion(i, therapy=t) for i, t, _ in cases]
    episodes = [episode(f"EP-{i}", "CRS", 0, 200, 1, infusion_id=i) for i, *_ in cases]
    doses = [dose(f"A-{i}", "tocilizumab", h, 560, infusion_id=i) for i, _, h in cases]
    pathway = default_pathway().replace(kpis__cohort_by="therapy")
    result = audit(dataset(episodes, doses, infusions), pathway)
    assert set(result.kpis_by_cohort["cohort"]) == {"axicabtagene_ciloleucel", "tisagenlecleucel"}


def test_kpi_labels_carry_the_pathway_thresholds():
    pathway = default_pathway().replace(crs__tocilizumab_within_h=3)
    assert rule_label(MANAGEMENT["crs.tocilizumab"], pathway) == "CRS grade >= 2: tocilizumab within 3 h"
    assert rule_label(MANAGEMENT["crs.tocilizumab"], pathway, "fr") == "CRS de grade ≥ 2 : tocilizumab en 3 h"
