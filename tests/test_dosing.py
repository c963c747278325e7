"""The tocilizumab dose for CRS, table-driven, with the label rule quoted.

Rule (tocilizumab SmPC/USPI, CRS induced by CAR-T cells; clinical_rules.md): "8 mg/kg IV over 1 h for patients
>= 30 kg, maximum 800 mg per dose; 12 mg/kg for < 30 kg".
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from iectox.management import tocilizumab_dose_mg
from iectox.synth.management import base_dose_mg

CASES = [
    # weight kg, dose mg, the part of the rule that applies
    (29.9, 358.8, "< 30 kg: 12 mg/kg x 29.9 kg"),
    (15.0, 180.0, "< 30 kg: 12 mg/kg (a child)"),
    (30.0, 240.0, ">= 30 kg: 30 kg itself takes 8 mg/kg"),
    (69.1, 552.8, ">= 30 kg: 8 mg/kg"),
    (99.9, 799.2, ">= 30 kg: 8 mg/kg, just under the cap"),
    (100.0, 800.0, ">= 30 kg: 8 mg/kg reaches 800 mg"),
    (120.0, 800.0, "maximum 800 mg per dose (cap)"),
]


@pytest.mark.parametrize(("weight", "dose", "rule"), CASES, ids=[c[2] for c in CASES])
def test_label_dose(weight: float, dose: float, rule: str) -> None:
    assert tocilizumab_dose_mg(weight) == pytest.approx(dose, rel=1e-12), rule
    assert isinstance(tocilizumab_dose_mg(weight), float)


def test_vectorised_over_arrays_and_series() -> None:
    weights = np.array([c[0] for c in CASES])
    expected = np.array([c[1] for c in CASES])
    doses = tocilizumab_dose_mg(weights)
    assert isinstance(doses, np.ndarray) and doses.shape == weights.shape
    np.testing.assert_allclose(doses, expected, rtol=1e-12)
    np.testing.assert_allclose(tocilizumab_dose_mg(pd.Series(weights)), expected, rtol=1e-12)
    np.testing.assert_array_equal(doses, [tocilizumab_dose_mg(float(w)) for w in weights])


def test_missing_weight_gives_missing_dose_and_impossible_weight_raises() -> None:
    assert math.isnan(tocilizumab_dose_mg(float("nan")))
    assert np.isnan(tocilizumab_dose_mg(np.array([70.0, np.nan]))).tolist() == [False, True]
    for bad in (0.0, -5.0, float("inf")):
        with pytest.raises(ValueError, match="positive"):
            tocilizumab_dose_mg(bad)


@given(st.floats(min_value=0.5, max_value=400, allow_nan=False))
def test_never_above_800_mg_and_per_kg_as_labelled(weight: float) -> None:
    dose = tocilizumab_dose_mg(weight)
    assert dose <= 800.0
    per_kg = 12.0 if weight < 30 else 8.0
    assert dose == pytest.approx(min(per_kg * weight, 800.0), rel=1e-12)


def test_the_synthetic_cohort_asks_the_same_rule_bit_for_bit() -> None:
    """The generator keeps weights in tenths of a kg; its doses must be the label's, not a second copy."""
    tenths = np.arange(200, 2501)
    np.testing.assert_array_equal(base_dose_mg(tenths), tocilizumab_dose_mg(tenths / 10.0))
    # x8 is exact in binary, so the old "8 * tenths / 10" gives the very same floats from 30 kg up
    from_30_kg = tenths[tenths >= 300]
    np.testing.assert_array_equal(base_dose_mg(from_30_kg), np.minimum(800.0, 8.0 * from_30_kg / 10.0))
