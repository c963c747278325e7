"""The lab-based gradings, vectorised over all infusions (issue 8), give exactly what the per-infusion code gave.

The oracle (tests/lab_gradings_oracle.py) is the code on main before the change, one infusion at a time. Random
lab series mix dates with and without hours, missing values, every unit of each analyte and a wrong one, values
on each cut-off and beside it, days on each window's edge, infusions without labs and labs of unknown
infusions; every column, reasons and "not assessed" states included, must be equal, in English and French.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iectox.grading.car_hematotox import car_hematotox
from iectox.grading.hines_iechs import TREATMENTS, iechs
from iectox.grading.icaht import icaht
from iectox.grading.lab_days import lab_days
from iectox.schema.labs import ANALYTES
from iectox.synth import generate
from lab_gradings_oracle import car_hematotox_oracle, icaht_oracle, iechs_oracle

DAY0 = pd.Timestamp("2024-03-10")
IDS = [f"INF-{k}" for k in range(3)]
# canonical values on and beside each cut-off of the three gradings, and ordinary ones
EDGES = {
    "ANC": [0.0, 0.1, 0.10000001, 0.5, 0.50001, 1.0, 1.2, 1.19, 1.5, 1.51, 4.0],
    "platelets": [74.9, 75, 175, 175.1, 250],
    "haemoglobin": [89.9, 90, 120],
    "CRP": [30, 30.5, 2],
    "ferritin": [399, 400, 800, 800.5, 650, 649, 2000, 2001, 5000],
    "ALT": [40, 41, 200, 201, 205, 1000],
    "AST": [40, 41, 200, 201, 250],
    "fibrinogen": [1.49, 1.5, 3],
    "LDH": [250, 251],
    "triglycerides": [2.99, 3.0],
}
DAYS = [-31, -30, -29, -6, -5, -4, -1, 0, 1, 2, 3, 5, 6, 7, 8, 13, 14, 15, 29, 30, 31, 32, 45, 60]


@st.composite
def lab_rows(draw):
    analyte = draw(st.sampled_from(["ANC"] * 8 + sorted(EDGES)))
    factors = ANALYTES[analyte].factors
    unit = draw(st.sampled_from([*factors, *factors, *factors, "bogus", None]))
    value = draw(st.sampled_from(EDGES[analyte]))
    raw = np.nan if draw(st.integers(0, 15)) == 0 else value / factors.get(unit, 1.0)
    near = {"ANC": (-1, 33), "platelets": (-31, -4), "haemoglobin": (-31, -4), "CRP": (-31, -4)}
    low, high = near.get(analyte, (-6, 12) if analyte != "ferritin" else (-31, 12))
    day = draw(st.integers(low, high) | st.sampled_from(DAYS))
    hour = draw(st.sampled_from([0, 0, 7, 23]))
    return {
        "infusion_id": draw(st.sampled_from([*IDS, *IDS, "INF-unknown", None])),
        "measured_at": pd.NaT if draw(st.integers(0, 30)) == 0 else DAY0 + pd.Timedelta(days=day, hours=hour),
        "analyte": analyte,
        "value": raw,
        "unit": unit,
    }


@st.composite
def cohorts(draw):
    rows = draw(st.lists(lab_rows(), min_size=5, max_size=120))
    labs = pd.DataFrame(rows, columns=["infusion_id", "measured_at", "analyte", "value", "unit"])
    labs = labs.astype({"measured_at": "datetime64[ns]", "value": float})
    for name in ("infusion_id", "analyte", "unit"):
        labs[name] = labs[name].astype("string")
    shift = draw(st.integers(0, 1))
    infusions = pd.DataFrame(
        {
            "infusion_id": [*IDS, "INF-without-labs"],
            "infusion_date": [DAY0 + pd.Timedelta(days=(k + shift) % 2) for k in range(len(IDS) + 1)],
        }
    )
    doses = pd.DataFrame(
        draw(
            st.lists(
                st.fixed_dictionaries(
                    {
                        "infusion_id": st.sampled_from(IDS),
                        "drug": st.sampled_from([*TREATMENTS[:3], "tocilizumab"]),
                        "given_at": st.sampled_from(DAYS).map(lambda d: DAY0 + pd.Timedelta(days=d, hours=9)),
                        "reason": st.sampled_from(["treatment", "prophylaxis"]),
                    }
                ),
                max_size=6,
            )
        ),
        columns=["infusion_id", "drug", "given_at", "reason"],
    ).astype({"given_at": "datetime64[ns]"})
    episodes = pd.DataFrame(
        draw(
            st.lists(
                st.fixed_dictionaries(
                    {
                        "infusion_id": st.sampled_from(IDS),
                        "syndrome": st.sampled_from(["IEC-HS", "CRS"]),
                        "max_grade": st.sampled_from([1.0, 2.0, 3.0, 4.0, np.nan]),
                        "grading_scale": st.sampled_from(["ASTCT2023", "other"]),
                        "outcome": st.sampled_from(["death", "resolved"]),
                    }
                ),
                max_size=4,
            )
        ),
        columns=["infusion_id", "syndrome", "max_grade", "grading_scale", "outcome"],
    ).astype({"max_grade": float})
    return labs, infusions, doses, episodes


def _same(new: pd.DataFrame, old: pd.DataFrame) -> None:
    assert list(new.columns) == list(old.columns)
    for name in old.columns:
        pd.testing.assert_series_equal(new[name], old[name], check_exact=True, obj=name)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cohorts(), st.sampled_from(["en", "fr"]))
def test_the_vectorised_gradings_equal_the_per_infusion_ones(cohort, lang):
    labs, infusions, doses, episodes = cohort
    days = lab_days(labs, infusions)
    ids = pd.Index(infusions["infusion_id"].astype(object), name="infusion_id")
    _same(icaht(days, ids, lang), icaht_oracle(days, ids, lang))
    _same(car_hematotox(days, ids, lang), car_hematotox_oracle(days, ids, lang))
    _same(
        iechs(days, ids, doses, infusions, episodes, lang),
        iechs_oracle(days, ids, doses, infusions, episodes, lang),
    )


@pytest.fixture(scope="module")
def seed_like():
    """A 60-infusion synthetic cohort with its labs, as the generator draws them."""
    return generate(60, seed=8, observations=True)


def test_a_synthetic_cohort_is_graded_as_before(seed_like):
    infusions = seed_like["infusions"]
    days = lab_days(seed_like["labs"], infusions)
    ids = pd.Index(infusions["infusion_id"].astype(object), name="infusion_id")
    assert len(days) > 1000
    new, old = icaht(days, ids), icaht_oracle(days, ids)
    assert new["icaht_early"].notna().sum() > 30
    _same(new, old)
    _same(car_hematotox(days, ids), car_hematotox_oracle(days, ids))
    doses, episodes = seed_like["administrations"], seed_like["toxicity_episodes"]
    _same(iechs(days, ids, doses, infusions, episodes), iechs_oracle(days, ids, doses, infusions, episodes))


def test_recoveries_of_one_to_four_days_between_low_spells():
    """Low spells split by recoveries of 1, 2, 3 and 4 days (the consensus counts those under 3 days as low),
    ending low before day 30 (a lower bound), each infusion its own series."""
    series = {
        "INF-0": [
            (0, 0.4),
            (3, 0.8),
            (4, 0.3),
            (6, 0.9),
            (8, 0.05),
            (9, 1.0),
            (12, 0.2),
            (13, 2.0),
            (17, 0.4),
        ],
        "INF-1": [(2, 0.09), (10, 0.09), (11, 0.6), (14, 0.1), (20, 1.5), (31, 1.0), (40, 0.4), (41, 0.4)],
        "INF-2": [(5, 0.5), (5, 0.7), (5, 0.45), (30, 0.5)],
    }
    labs = pd.DataFrame(
        [
            {"infusion_id": i, "measured_at": DAY0 + pd.Timedelta(days=d, hours=8), "analyte": "ANC"}
            | {"value": v, "unit": "g/L"}
            for i, counts in series.items()
            for d, v in counts
        ]
    )
    infusions = pd.DataFrame({"infusion_id": [*series, "INF-3"], "infusion_date": DAY0})
    days = lab_days(labs, infusions)
    ids = pd.Index(infusions["infusion_id"], name="infusion_id")
    got = icaht(days, ids)
    _same(got, icaht_oracle(days, ids))
    # INF-0: low 0-2, 1-day recovery (3), low 4-5, 2-day recovery (6-7), low 8, 3-day recovery (9-11),
    # low 12, 4-day recovery (13-16), low 17: 3 + 1 + 2 + 2 + 1 + 1 + 1 = 11 days
    assert got["severe_neutropenia_days"].tolist() == [11, 15, 26, pd.NA]
    assert got["profound_neutropenia_days"].tolist() == [1, 15, 0, pd.NA]
    assert got["icaht_early"].tolist() == [2, 4, 3, pd.NA]
    assert got["icaht_early_reason"].iloc[0].endswith("at the last count (day 17): a lower bound")
    assert got["icaht_late"].tolist() == [pd.NA, 3, pd.NA, pd.NA]
