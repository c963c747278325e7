"""Test choice reads the registry: data kind and group limits come from the method, never from a list here."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from iectox.stats.choose import choose_rank_test, choose_sample_test
from iectox.stats.compare import compare
from iectox.stats.policy import PRESETS
from iectox.stats.variables import Variable


@pytest.fixture
def three_groups():
    rng = np.random.default_rng(11)
    n = 90
    return pd.DataFrame(
        {
            "group": np.resize(["A", "B", "C"], n),
            "sex": np.where(rng.random(n) < 0.5, "male", "female"),
            "age": np.round(rng.normal(60, 10, n), 1),
            "grade": rng.choice([0, 0, 1, 1, 2, 3], n),
        }
    )


@pytest.mark.parametrize(
    ("k", "expected"), [(2, "mann_whitney"), (3, "kruskal_wallis"), (5, "kruskal_wallis")]
)
def test_rank_test_is_the_first_rank_method_that_takes_k_groups(k, expected):
    assert choose_rank_test(k) == expected


def test_mean_test_is_the_policy_s_for_two_groups_and_anova_beyond():
    student = PRESETS["r_tableone"]
    assert choose_sample_test(2, False, student) == (
        "student_t",
        "two groups, summarised by mean (SD); equal variances assumed",
    )
    assert choose_sample_test(4, False, student) == ("anova", "4 groups, summarised by mean (SD)")


def test_a_two_group_method_forced_on_three_groups_is_refused_with_its_limits(three_groups):
    table = compare(three_groups, "group", [Variable("age", test="welch_t")]).add_p()
    age = table.result("age")
    assert age.test is None
    assert age.reason == "not tested: welch_t compares 2 groups, not 3"


def test_a_values_method_forced_on_a_categorical_variable_is_refused(three_groups):
    table = compare(three_groups, "group", [Variable("sex", test="kruskal_wallis")]).add_p()
    assert table.result("sex").test is None
    assert (
        table.result("sex").reason
        == "not tested: Kruskal-Wallis rank sum test compares values or ranks, and sex is not ordered"
    )


def test_grades_by_ranks_with_three_groups_use_kruskal_wallis(three_groups):
    policy = PRESETS["iectox"].with_(ordinal="mann_whitney")
    table = compare(three_groups, "group", [Variable("grade", kind="toxicity")], test_policy=policy).add_p()
    assert table.result("grade").test.test == "kruskal_wallis"


def test_an_unknown_forced_method_names_the_known_ones(three_groups):
    with pytest.raises(KeyError, match="no statistical method 't_test'; known: pearson_chi2"):
        compare(three_groups, "group", [Variable("age", test="t_test")]).add_p()
