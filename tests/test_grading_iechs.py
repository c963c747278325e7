"""IEC-HS (Hines et al., Transplant Cell Ther 2023;29:438): the laboratory criteria and the grade as far as a
dataset shows it, each case with what the source says.

Hines 2023, criteria: "Elevated ferritin (>2x ULN or baseline [at time of infusion]) and/or rapidly rising (per
clinical judgment)", with at least one of: "Hepatic transaminase elevation (>5x ULN if baseline was normal or
>5x baseline if baseline was abnormal)", "Hypofibrinogenemia (<150 mg/dL or <lower limit of normal)", "LDH
elevation (>ULN)", "Hypertriglyceridemia (>265 mg/dL)". Grades: 1 no intervention, 2 intervention (e.g.
immunosuppressive agents), 3 severe, 4 life-threatening, 5 death.
"""

from __future__ import annotations

import pandas as pd
import pytest

from iectox.grading.hines_iechs import iechs
from iectox.grading.lab_days import lab_days

DAY0 = pd.Timestamp("2024-03-10")
INFUSIONS = pd.DataFrame({"infusion_id": ["INF-1"], "infusion_date": [DAY0]})
NO_DOSES = pd.DataFrame(
    {"infusion_id": [], "drug": [], "given_at": pd.to_datetime([]), "reason": []}, dtype=object
).astype({"given_at": "datetime64[ns]"})
NO_EPISODES = pd.DataFrame(
    {"infusion_id": [], "syndrome": [], "max_grade": [], "grading_scale": [], "outcome": []}
)


def _labs(rows):
    return pd.DataFrame(
        {
            "infusion_id": "INF-1",
            "measured_at": [DAY0 + pd.Timedelta(days=d, hours=8) for d, *_ in rows],
            "analyte": [r[1] for r in rows],
            "value": [r[2] for r in rows],
            "unit": [r[3] for r in rows],
        }
    )


def _assess(rows, doses=NO_DOSES, episodes=NO_EPISODES, lang="en"):
    days = lab_days(_labs(rows), INFUSIONS)
    return iechs(days, pd.Index(["INF-1"]), doses, INFUSIONS, episodes, lang).loc["INF-1"]


BASE = [(-5, "ferritin", 500, "ug/L")]
# (labs after infusion, criteria met, grade, why)
CASES = [
    (
        [(12, "ferritin", 1000, "ug/L"), (12, "ALT", 220, "U/L")],
        False,
        None,
        "ferritin 2x baseline is not above it",
    ),
    (
        [(12, "ferritin", 1001, "ug/L"), (12, "ALT", 201, "U/L")],
        True,
        1,
        "ferritin > 2x baseline, ALT > 5x ULN",
    ),
    ([(12, "ferritin", 1001, "ug/L"), (12, "ALT", 200, "U/L")], False, None, "ALT 5x ULN is not above it"),
    ([(12, "ferritin", 9000, "ug/L"), (13, "fibrinogen", 149, "mg/dL")], True, 1, "fibrinogen < 150 mg/dL"),
    (
        [(12, "ferritin", 9000, "ug/L"), (13, "fibrinogen", 150, "mg/dL")],
        False,
        None,
        "150 mg/dL is not below",
    ),
    ([(12, "ferritin", 9000, "ug/L"), (13, "LDH", 251, "U/L")], True, 1, "LDH > ULN"),
    (
        [(12, "ferritin", 9000, "ug/L"), (13, "triglycerides", 266, "mg/dL")],
        True,
        1,
        "triglycerides > 265 mg/dL",
    ),
    (
        [(12, "ferritin", 9000, "ug/L"), (13, "triglycerides", 264, "mg/dL")],
        False,
        None,
        "264 mg/dL is not above",
    ),
]


@pytest.mark.parametrize(("after", "met", "grade", "why"), CASES, ids=[c[3] for c in CASES])
def test_criteria(after, met, grade, why):
    got = _assess(BASE + after)
    assert bool(got["iechs_lab_criteria"]) is met, why
    assert pd.isna(got["iechs_grade"]) if grade is None else got["iechs_grade"] == grade, why


def test_a_raised_baseline_transaminase_needs_5x_itself():
    after = [(-5, "ALT", 100, "U/L"), (12, "ferritin", 9000, "ug/L"), (12, "ALT", 450, "U/L")]
    assert not bool(_assess(BASE + after)["iechs_lab_criteria"])  # 450 < 5 x 100
    assert bool(_assess(BASE + after[:2] + [(12, "ALT", 501, "U/L")])["iechs_lab_criteria"])


def test_grade_2_when_treated_and_5_when_recorded_as_death_with_reasons():
    after = [(12, "ferritin", 9000, "ug/L"), (13, "LDH", 900, "U/L")]
    got = _assess(BASE + after)
    assert got["iechs_reason"] == (
        "IEC-HS laboratory criteria met on day 13: ferritin over 2x baseline or ULN (day 12), LDH (day 13); "
        "grade 1 at least: no treatment for it recorded; grades 3-4 need clinical data not in the dataset; "
        "onset relative to CRS not judged from data"
    )
    doses = pd.DataFrame(
        {
            "infusion_id": ["INF-1"],
            "drug": ["anakinra"],
            "given_at": [DAY0 + pd.Timedelta(days=14)],
            "reason": ["other"],
        }
    )
    treated = _assess(BASE + after, doses)
    assert (
        treated["iechs_grade"] == 2 and "grade 2 at least: treated for it (day 14)" in treated["iechs_reason"]
    )
    died = pd.DataFrame(
        {
            "infusion_id": ["INF-1"],
            "syndrome": ["IEC-HS"],
            "max_grade": [5],
            "grading_scale": ["ASTCT2023"],
            "outcome": ["death"],
        }
    )
    assert _assess(BASE + after, doses, died)["iechs_grade"] == 5


def test_without_a_ferritin_after_infusion_nothing_is_assessed():
    got = _assess(BASE, lang="fr")
    assert pd.isna(got["iechs_lab_criteria"]) and pd.isna(got["iechs_grade"])
    assert got["iechs_reason"] == "IEC-HS non évaluable : aucune ferritine après l'injection"
