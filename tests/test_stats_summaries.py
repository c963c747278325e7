"""The one-pass summaries behind compare(): the same numbers whatever the way a column is held.

A comparison table of a million rows reads each column once (`iectox.stats.summaries`): text held as Python
objects is factorised by reference, grades are counted per distinct value, t-tests reuse the moments of the
table. Each shortcut must give exactly what the direct computation gives.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iectox.stats.compare import compare
from iectox.stats.methods import mann_whitney, welch_t
from iectox.stats.summaries import _factorize, make_groups, samples
from iectox.stats.variables import Variable

CELLS = st.one_of(
    st.sampled_from(["male", "female", "dlbcl", ""]),
    st.none(),
    st.just(float("nan")),
    st.just(pd.NA),
    st.integers(-2, 5),
    st.booleans(),
)


def _held_twice(values: list[object]) -> np.ndarray:
    """An object array where every other text is an equal string held by a distinct object."""
    out = np.empty(len(values), dtype=object)
    for i, v in enumerate(values):
        out[i] = "".join(list(v)) + "" if isinstance(v, str) and i % 2 else v
    return out


@settings(max_examples=200, deadline=None)
@given(st.lists(CELLS, max_size=60))
def test_factorize_by_reference_is_pandas_factorize(values):
    array = _held_twice(values)
    rows, to_value, uniques = _factorize(pd.Series(array, dtype=object))
    codes = np.append(to_value, -1)[rows]
    expected_codes, expected_uniques = pd.factorize(array, use_na_sentinel=True)
    assert codes.tolist() == expected_codes.tolist()
    assert list(uniques) == list(expected_uniques)


def test_equal_text_held_by_distinct_objects_is_one_level():
    male = "".join(["ma", "le"])
    assert male is not "male"  # noqa: F632  (two objects, one value: the point of the test)
    frame = pd.DataFrame(
        {"g": ["a", "a", "b", "b"], "sex": np.array(["male", male, male, "male"], dtype=object)}
    )
    result = compare(frame, "g", ["sex"]).result("sex")
    assert [row.level for row in result.rows if row.row_type == "level"] == ["male"]
    assert result.counts.tolist() == [[2], [2]]


@pytest.fixture
def frame() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    n = 3000
    sex = rng.choice(["male", "female"], n).astype(object)
    sex[rng.random(n) < 0.05] = None
    grade = rng.choice([0, 0, 1, 1, 2, 3, 4], n).astype(float)
    grade[rng.random(n) < 0.03] = np.nan
    age = np.round(rng.normal(60, 12, n), 1)
    age[rng.random(n) < 0.02] = np.nan
    return pd.DataFrame(
        {
            "cohort": rng.choice(["trial", "routine", "other"], n, p=[0.3, 0.6, 0.1]),
            "sex": sex,
            "grade": grade,
            "age": age,
        }
    )


def _cells(table) -> list[tuple[object, ...]]:
    return [
        (r.name, row.level, cell.kind, cell.values)
        for r in table.results
        for row in r.rows
        for cell in row.cells
    ]


@pytest.mark.parametrize("dtype", ["string", "category"])
def test_the_same_table_whatever_the_dtype_of_text(frame, dtype):
    variables = ["sex", Variable("grade", kind="toxicity"), "age"]
    expected = compare(frame, "cohort", variables, group_order=["trial", "routine"]).add_p()
    typed = frame.assign(sex=frame["sex"].astype(dtype), cohort=frame["cohort"].astype(dtype))
    table = compare(typed, "cohort", variables, group_order=["trial", "routine"]).add_p()
    assert _cells(table) == _cells(expected)
    assert [r.p_value for r in table.results] == [r.p_value for r in expected.results]
    assert table.excluded == expected.excluded == int((frame["cohort"] == "other").sum())


def test_grades_for_rank_tests_are_the_groups_grades(frame):
    table = compare(frame, "cohort", [Variable("grade", kind="toxicity")], group_order=["trial", "routine"])
    result = table.add_p("gtsummary").result("grade")
    ranked = table.add_p(table.policy.with_(ordinal="mann_whitney")).result("grade")
    trial, routine = (
        frame.loc[frame["cohort"] == g, "grade"].dropna().to_numpy() for g in ("trial", "routine")
    )
    assert [sorted(s.tolist()) for s in result.samples] == [sorted(trial.tolist()), sorted(routine.tolist())]
    assert ranked.test.test == "mann_whitney"
    assert ranked.p_value == mann_whitney(trial, routine).p_value


def test_t_test_from_the_tables_moments_is_the_t_test_on_values(frame):
    result = compare(frame, "cohort", ["age"], group_order=["trial", "routine"]).add_p().result("age")
    trial, routine = (
        frame.loc[frame["cohort"] == g, "age"].dropna().to_numpy() for g in ("trial", "routine")
    )
    direct = welch_t(trial, routine)
    assert (result.p_value, result.test.statistic, result.test.df) == (
        direct.p_value,
        direct.statistic,
        direct.df,
    )
    assert result.test.detail == direct.detail and "from raw values" in direct.detail


def test_an_empty_group_is_refused_as_on_values():
    frame = pd.DataFrame({"g": ["a", "a", "b"], "x": [1.0, 2.0, np.nan]})
    result = compare(frame, "g", ["x"]).add_p().result("x")
    assert result.test is None
    assert result.reason == "not tested: fewer than two groups have a value"


def test_each_groups_values_in_row_order_and_missing_counted():
    groups = make_groups(pd.Series(["b", "a", None, "b", "a", "c"]), ("a", "b"), None)
    split = samples(np.array([1.0, 2.0, 3.0, np.nan, 5.0, 6.0]), groups)
    assert [s.tolist() for s in split.groups] == [[2.0, 5.0], [1.0]]
    assert split.overall.tolist() == [2.0, 5.0, 1.0]
    assert split.missing.tolist() == [0, 1]
    assert groups.sizes.tolist() == [2, 2] and groups.codes.dtype == np.int8
    assert math.isclose(float(split.overall.mean()), 8 / 3)
