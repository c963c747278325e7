"""p-value adjustments against R 4.2.2 `p.adjust` (the R call beside each value; R never runs here)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from iectox.render import Formatter, footnotes
from iectox.stats.compare import compare
from iectox.stats.methods.adjust import (
    ADJUSTMENTS,
    P_ADJUST,
    benjamini_hochberg,
    benjamini_yekutieli,
    bonferroni,
    hochberg,
    holm,
)

# p <- c(0.01, 0.04, 0.03, 0.005, 0.5, 0.04, NA, 0.2, 0.9): ties, a missing value, a p that reaches 1
P = [0.01, 0.04, 0.03, 0.005, 0.5, 0.04, np.nan, 0.2, 0.9]
NAN = np.nan


@pytest.mark.parametrize(
    "adjust, expected",
    [
        # p.adjust(p, "bonferroni")
        (bonferroni, [0.08, 0.32, 0.24, 0.04, 1.0, 0.32, NAN, 1.0, 1.0]),
        # p.adjust(p, "hochberg")
        (hochberg, [0.07, 0.16, 0.16, 0.04, 0.90, 0.16, NAN, 0.60, 0.90]),
        # p.adjust(p, "BY")
        (
            benjamini_yekutieli,
            [
                0.108714285714286,
                0.173942857142857,
                0.173942857142857,
                0.108714285714286,
                1.0,
                0.173942857142857,
                NAN,
                0.724761904761905,
                1.0,
            ],
        ),
        # p.adjust(p, "holm")
        (holm, [0.07, 0.20, 0.18, 0.04, 1.00, 0.20, NAN, 0.60, 1.00]),
        # p.adjust(p, "BH")
        (
            benjamini_hochberg,
            [0.04, 0.064, 0.064, 0.04, 0.571428571428571, 0.064, NAN, 0.266666666666667, 0.9],
        ),
    ],
)
def test_adjustments_match_p_adjust_with_ties_and_a_missing_value(adjust, expected):
    np.testing.assert_allclose(adjust(P), expected, rtol=1e-14, atol=0)


@pytest.mark.parametrize(
    "adjust, expected",
    [
        (bonferroni, [0.9, 1.0, 1.0]),  # p.adjust(c(0.3, 0.6, 0.9), "bonferroni")
        (hochberg, [0.9, 0.9, 0.9]),  # p.adjust(c(0.3, 0.6, 0.9), "hochberg")
        (benjamini_yekutieli, [1.0, 1.0, 1.0]),  # p.adjust(c(0.3, 0.6, 0.9), "BY")
    ],
)
def test_adjusted_p_values_are_capped_at_one(adjust, expected):
    np.testing.assert_allclose(adjust([0.3, 0.6, 0.9]), expected, rtol=1e-15)


def test_no_p_value_gives_no_adjusted_value():
    for adjust in ADJUSTMENTS.values():
        assert adjust([]).size == 0
        assert np.isnan(adjust([np.nan])).all()


def test_a_p_value_outside_zero_one_is_refused():
    with pytest.raises(ValueError, match=r"p-values must lie in \[0, 1\]"):
        hochberg([0.5, 1.2])


def test_every_adjustment_has_its_r_name():
    assert P_ADJUST == {
        "holm": "holm",
        "bh": "BH",
        "bonferroni": "bonferroni",
        "hochberg": "hochberg",
        "by": "BY",
    }


@pytest.mark.parametrize("method", ["bonferroni", "hochberg", "by"])
def test_compare_add_q_accepts_the_new_adjustments_and_words_them(method):
    rng = np.random.default_rng(3)
    frame = pd.DataFrame(
        {
            "group": np.repeat(["A", "B"], 40),
            "age": np.r_[rng.normal(60, 8, 40), rng.normal(66, 8, 40)],
            "weight": rng.normal(75, 12, 80),
            "sex": rng.choice(["F", "M"], 80),
        }
    )
    table = compare(frame, "group").add_q(method)
    p = [r.p_value for r in table.results]
    np.testing.assert_allclose([r.q_value for r in table.results], ADJUSTMENTS[method](p), rtol=0)
    assert table.footnotes()[-1].id == f"adjustment.{method}"
    english, french = footnotes(table)[-1], footnotes(table, Formatter(lang="fr"))[-1]
    assert english.startswith("q-values: ") and english.endswith(" adjustment")
    assert french != english


def test_compare_add_q_names_the_adjustments_it_knows():
    frame = pd.DataFrame({"group": ["A", "B"] * 5, "age": range(10)})
    with pytest.raises(ValueError, match="unknown adjustment 'BY'; use holm, bh, bonferroni, hochberg, by"):
        compare(frame, "group").add_q("BY")
