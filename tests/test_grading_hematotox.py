"""CAR-HEMATOTOX before lymphodepletion: every cell of the published score table, its cut-offs, and the risk.

Source: Rejeski et al., Blood 2021;138:2499, the CAR-HEMATOTOX table (platelets, ANC, haemoglobin, CRP,
ferritin). Its summary, as the European MCL Network's score page words it: "Determined prior to lymphodepleting
chemotherapy (e.g. day -5), the CAR-HEMATOTOX score comprises five markers of hematotoxicity with additional
weighting of the baseline platelet count and ferritin levels. The score discriminates between a high
(CAR-HEMATOTOX score >=2) and low (CAR-HEMATOTOX score 0-1) risk for hematotoxicity."
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from iectox.grading.car_hematotox import car_hematotox, marker_points
from iectox.grading.lab_days import lab_days

# (marker, value in the published unit, that value in iectox's canonical unit, points): each cell of the table
# and both sides of each cut-off.
CELLS = [
    ("platelets", "> 175,000/µL: 0", 176, 0),
    ("platelets", "75,000-175,000/µL: 1", 175, 1),
    ("platelets", "75,000-175,000/µL: 1", 75, 1),
    ("platelets", "< 75,000/µL: 2", 74, 2),
    ("ANC", "> 1200/µL: 0", 1.2, 0),  # on the cut-off: the table writes > and <, 0 points
    ("ANC", "< 1200/µL: 1", 1.19, 1),
    ("haemoglobin", "> 9.0 g/dL: 0", 90, 0),
    ("haemoglobin", "< 9.0 g/dL: 1", 89, 1),
    ("CRP", "< 3.0 mg/dL: 0", 30, 0),
    ("CRP", "> 3.0 mg/dL: 1", 31, 1),
    ("ferritin", "< 650 ng/mL: 0", 649, 0),
    ("ferritin", "650-2000 ng/mL: 1", 650, 1),
    ("ferritin", "650-2000 ng/mL: 1", 2000, 1),
    ("ferritin", "> 2000 ng/mL: 2", 2001, 2),
]


@pytest.mark.parametrize(("marker", "cell", "value", "points"), CELLS, ids=[f"{c[0]} {c[1]}" for c in CELLS])
def test_each_cell_of_the_published_table(marker, cell, value, points):
    assert marker_points(marker, np.array([value]))[0] == points, cell


def _labs(rows: list[tuple[str, str, float, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "infusion_id": "INF-1",
            "measured_at": pd.to_datetime([r[0] for r in rows]),
            "analyte": [r[1] for r in rows],
            "value": [r[2] for r in rows],
            "unit": [r[3] for r in rows],
        }
    )


INFUSIONS = pd.DataFrame({"infusion_id": ["INF-1"], "infusion_date": [pd.Timestamp("2024-03-10")]})
DAY_MINUS_5 = "2024-03-05"
BASELINE = [
    (DAY_MINUS_5, "platelets", 120, "g/L"),  # G/L: 1 point
    (DAY_MINUS_5, "ANC", 1500, "/mm3"),  # 1.5 G/L: 0
    (DAY_MINUS_5, "haemoglobin", 10.2, "g/dL"),  # 102 g/L: 0
    (DAY_MINUS_5, "CRP", 1.2, "mg/dL"),  # 12 mg/L: 0
    (DAY_MINUS_5, "ferritin", 400, "ug/L"),  # 0
]


def _score(rows):
    return car_hematotox(lab_days(_labs(rows), INFUSIONS), pd.Index(["INF-1"])).loc["INF-1"]


def test_score_0_1_is_low_risk_in_any_unit():
    got = _score(BASELINE)
    assert (got["hematotox_score"], got["hematotox_risk"]) == (1, "low")
    assert got["hematotox_reason"] == (
        "CAR-HEMATOTOX 1, low risk: platelets 120 G/L (1); ANC 1.5 G/L (0); haemoglobin 102 g/L (0); "
        "CRP 12 mg/L (0); ferritin 400 µg/L (0)"
    )


def test_score_2_is_high_risk_and_the_last_value_before_lymphodepletion_counts():
    rows = [*BASELINE, ("2024-03-06", "ferritin", 900, "ug/L"), ("2024-03-07", "ferritin", 5000, "ug/L")]
    got = _score(rows)  # days -4 and -3: during lymphodepletion, not counted; day -5's 400 counts
    assert (got["hematotox_score"], got["hematotox_risk"]) == (1, "low")
    rows = [*BASELINE[:4], ("2024-02-20", "ferritin", 300, "ug/L"), (DAY_MINUS_5, "ferritin", 700, "ug/L")]
    got = _score(rows)
    assert (got["hematotox_score"], got["hematotox_risk"]) == (2, "high")


def test_a_missing_marker_leaves_the_score_unknown_and_says_which():
    got = _score(BASELINE[:4])
    assert pd.isna(got["hematotox_score"]) and pd.isna(got["hematotox_risk"])
    assert (
        got["hematotox_reason"]
        == "CAR-HEMATOTOX not computable: ferritin not measured from day -30 to day -5"
    )
    high = _score([*BASELINE[1:4], (DAY_MINUS_5, "platelets", 50, "10^9/L")])
    assert pd.isna(high["hematotox_score"]) and high["hematotox_risk"] == "high"
    assert high["hematotox_reason"].startswith("CAR-HEMATOTOX at least 2, high risk (ferritin not measured")


def test_the_reason_is_in_french():
    days = lab_days(_labs(BASELINE), INFUSIONS)
    reason = car_hematotox(days, pd.Index(["INF-1"]), lang="fr").loc["INF-1", "hematotox_reason"]
    assert reason.startswith("CAR-HEMATOTOX 1, risque faible : plaquettes 120 G/L (1)")
