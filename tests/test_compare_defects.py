"""compare() on the inputs an audit broke (issue 10): each test failed before its fix.

Expected p-values are R 4.2.2's, with the call beside them. SMDs are R tableone's (R/modules-smd.R:
StdDiffFromLstMeans for categories -- prop.table(table(group, variable), 1) without its first column, the
mean of the two multinomial covariances, MASS::ginv, NaN for a zero covariance unless the difference is 0 --
and StdDiff for numbers), its R code run in R 4.2.2 since tableone cannot be installed here, and Python
tableone 0.9.6's, run for real.
"""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd
import pytest

from iectox.render import Formatter, comparison_frame
from iectox.stats.compare import compare
from iectox.stats.variables import ColumnRefused, Variable


def test_a_grade_that_is_not_a_whole_number_is_refused_by_name():
    frame = pd.DataFrame({"g": list("AAAABBBB"), "crs": [0, 1, 2.5, 3, 0, 1, 2, 3]})
    with pytest.raises(ColumnRefused, match=r"column crs: 2\.5 is not a grade"):
        compare(frame, "g", [Variable("crs", kind="toxicity")])


@pytest.mark.parametrize(
    ("column", "dtype"),
    [
        (pd.date_range("2024-01-01", periods=8), "datetime64[ns]"),
        (pd.to_timedelta(np.arange(8), unit="D"), "timedelta64[ns]"),
    ],
)
def test_dates_and_durations_are_refused_naming_column_and_type(column, dtype):
    frame = pd.DataFrame({"g": list("AAAABBBB"), "when": column})
    with pytest.raises(ColumnRefused) as refused:
        compare(frame, "g", ["when"])
    assert str(refused.value).startswith(f"column when: a column of type {dtype} cannot be summarised")
    assert refused.value.text("fr").startswith(f"colonne when : une colonne de type {dtype}")


def test_infinite_numbers_are_refused_not_printed_as_inf():
    frame = pd.DataFrame({"g": list("AAABBB"), "x": [1.0, 2, np.inf, 3, 4, 5]})
    with pytest.raises(ColumnRefused, match="column x: 1 infinite value"):
        compare(frame, "g", ["x"])


def test_categorical_order_and_unused_categories_are_kept():
    levels = pd.Categorical(list("lhlhmlml"), categories=["l", "m", "h", "x"], ordered=True)
    frame = pd.DataFrame({"g": list("AAAABBBB"), "o": levels})
    rows = compare(frame, "g", ["o"]).result("o").rows
    assert [row.label for row in rows[1:]] == ["l", "m", "h", "x"]
    assert rows[-1].cells[0].values == (0.0, 0.0)  # "0 (0%)", as R keeps a factor's unused levels
    text = comparison_frame(compare(frame, "g", ["o"]), Formatter())
    assert text.iloc[-1, 1] == "0 (0.0%)"


def test_group_labels_in_natural_order():
    frame = pd.DataFrame({"g": [1, 2, 10, 1, 2, 10], "x": [1.0, 2, 3, 4, 5, 6]})
    assert compare(frame, "g", ["x"]).groups.labels == ("1", "2", "10")
    named = frame.assign(g=[f"Cohort {v}" for v in frame["g"]])
    assert compare(named, "g", ["x"]).groups.labels == ("Cohort 1", "Cohort 2", "Cohort 10")


ORDINAL = pd.DataFrame(
    {
        "g": list("AAAABBBB"),
        "o": pd.Categorical(list("lhlhmlml"), categories=["l", "m", "h"], ordered=True),
    }
)


def test_ordinal_kind_follows_the_policy():
    table = compare(ORDINAL, "g", [Variable("o", kind="ordinal")])
    assert table.add_p().result("o").test.test == "fisher_exact"  # iectox: grades as categories
    ranked = table.add_p(table.policy.with_(ordinal="mann_whitney")).result("o").test
    # R 4.2.2: x <- factor(c("l","h","l","h","m","l","m","l"), levels = c("l","m","h"), ordered = TRUE);
    # wilcox.test(as.integer(x) ~ rep(c("A","B"), each = 4)) -> W = 10, p = 0.63999401057744665
    assert ranked.test == "mann_whitney" and ranked.statistic == 10
    assert ranked.p_value == pytest.approx(0.63999401057744665, abs=1e-12)


def test_a_rank_test_forced_on_categories_ranks_ordered_ones_and_refuses_others():
    forced = compare(ORDINAL, "g", [Variable("o", test="mann_whitney")]).add_p().result("o")
    assert forced.test.p_value == pytest.approx(0.63999401057744665, abs=1e-12)  # as above
    plain = ORDINAL.assign(o=list("lhlhmlml"))
    refused = compare(plain, "g", [Variable("o", test="mann_whitney")]).add_p().result("o")
    assert refused.test is None
    assert (
        refused.reason == "not tested: Wilcoxon rank sum test compares values or ranks, and o is not ordered"
    )


def test_a_group_without_values_is_left_out_of_every_kind_of_test_and_said():
    frame = pd.DataFrame(
        {"g": list("AAABBBCCC"), "s": list("mfmffm") + [None] * 3, "x": [1.0, 2, 3, 4, 5, 6] + [np.nan] * 3}
    )
    table = compare(frame, "g", ["s", "x"]).add_p()
    s, x = table.result("s"), table.result("x")
    # R 4.2.2: fisher.test(matrix(c(2, 1, 1, 2), 2))$p.value -> 1
    assert s.test.test == "fisher_exact" and s.test.p_value == 1
    # R 4.2.2: t.test(c(1, 2, 3), c(4, 5, 6)) -> t = -3.674234614174767266, p = 0.021311641128756706
    assert x.test.test == "welch_t"
    assert x.test.p_value == pytest.approx(0.021311641128756706, abs=1e-12)
    for result in (s, x):
        assert "tested on 2 of 3 groups: no value in C" in result.warnings
    # Python tableone 0.9.6: TableOne(frame, columns=["s", "x"], categorical=["s"], groupby="g", pval=True)
    # -> x "Not tested" (min_observed == 0); s 0.04042768199451279, its blanks a level "None" (include_null)
    py = compare(frame, "g", ["s", "x"], test_policy="py_tableone").add_p()
    assert py.result("x").test is None
    assert py.result("x").reason == "not tested: 1 of 3 groups have no value (as Python tableone)"
    assert py.result("s").test.p_value == pytest.approx(0.04042768199451279, abs=1e-12)


def test_a_level_called_missing_is_not_mistaken_for_missing_values():
    frame = pd.DataFrame({"g": list("AABB"), "s": ["Missing", "x", None, "x"]})
    rows = compare(frame, "g", ["s"]).result("s").rows
    assert [(row.label, row.row_type) for row in rows[1:]] == [
        ("Missing", "level"),
        ("x", "level"),
        ("Missing (no value)", "missing"),
    ]


def test_a_continuity_correction_of_zero_is_named_as_r_names_it():
    frame = pd.DataFrame({"g": ["A"] * 10 + ["B"] * 10, "s": (["a"] * 5 + ["b"] * 5) * 2})
    result = compare(frame, "g", ["s"], test_policy="r_tableone").add_p().result("s")
    # R 4.2.2: chisq.test(matrix(c(5, 5, 5, 5), 2)) -> method "Pearson's Chi-squared test", X-squared 0, p 1
    assert result.test.test == "pearson_chi2"
    assert result.test.method == "Pearson's Chi-squared test"
    assert (result.test.statistic, result.test.p_value) == (0, 1)


def test_add_q_accepts_fdr_and_the_gtsummary_preset_defaults_to_it():
    frame = pd.DataFrame(
        {"g": list("AAAAABBBBB"), "x": [1.0, 2, 3, 4, 5, 3, 4, 5, 6, 9], "y": np.arange(10.0)}
    )
    table = compare(frame, "g", ["x", "y"]).add_p()
    assert table.add_q("fdr").q_method == "bh"
    assert [r.q_value for r in table.add_q("fdr").results] == [r.q_value for r in table.add_q("bh").results]
    assert compare(frame, "g", ["x", "y"], test_policy="gtsummary").add_q().q_method == "bh"
    assert table.add_q().q_method == "holm"


# --- SMD as tableone ----------------------------------------------------------------------------------


def _smd(frame: pd.DataFrame, variable: str | Variable) -> float:
    name = variable if isinstance(variable, str) else variable.name
    return compare(frame, "g", [variable]).add_smd().result(name).smd


def test_complete_separation_is_nan_not_perfect_balance():
    frame = pd.DataFrame({"g": list("AAAAABBBBB"), "x": list("aaaaabbbbb")})
    # R tableone StdDiffMulti: S is a zero matrix and the difference is not 0 -> NaN;
    # Python tableone 0.9.6: TableOne(frame, ["x"], ["x"], groupby="g", smd=True).smd_table -> nan
    assert math.isnan(_smd(frame, "x"))


def test_disjoint_levels_are_nan():
    frame = pd.DataFrame({"g": list("AABBCC"), "x": list("aabbcc")})
    # R tableone: each of the three pairs has a zero S -> NaN, and their mean NaN (rowMeans)
    assert math.isnan(_smd(frame, "x"))


def test_an_unused_first_category_counts_as_in_r_tableone():
    unused = pd.DataFrame(
        {"g": list("ABBBB"), "x": pd.Categorical(list("cabbb"), categories=["u", "a", "b", "c"])}
    )
    # R 4.2.2, tableone's StdDiffFromLstMeans on table(g, x) = rbind(c(0, 0, 0, 1), c(0, 1, 3, 0)):
    # p <- prop.table(tab, 1)[, -1]; S <- (mv(p[1, ]) + mv(p[2, ])) / 2; sqrt(t(d) %*% MASS::ginv(S) %*% d)
    # -> 0.8164965809277258 (R tableone keeps the factor's unused first level, which is the one dropped);
    # without the unused level, rbind(c(0, 1, 3, 0)...) gives 2.449489742783178 (Python tableone, which
    # tabulates with pd.crosstab and so loses unused categories)
    assert _smd(unused, "x") == pytest.approx(0.8164965809277258, abs=1e-12)
    plain = unused.assign(x=unused["x"].astype(str))
    assert _smd(plain, "x") == pytest.approx(2.449489742783178, abs=1e-12)


def test_constant_groups_give_zero_or_infinity_as_tableone():
    different = pd.DataFrame({"g": list("AAAAABBBBB"), "x": [1.0] * 5 + [2.0] * 5})
    # R tableone StdDiff: (1 - 2) / sqrt((0 + 0) / 2) -> Inf (abs); Python tableone 0.9.6 -> inf
    assert _smd(different, "x") == math.inf
    same = pd.DataFrame({"g": list("AAAAABBBBB"), "x": [1.0] * 10})
    # R tableone StdDiff: 0 / 0 is set to 0 ("only one constant exists across two groups")
    assert _smd(same, "x") == 0


def test_dates_held_as_python_objects_are_refused_too():
    # an XLSX date column read into an object column holds datetime.date objects, one category per day
    days = [date(2024, 1, d) for d in range(1, 9)]
    frame = pd.DataFrame({"g": list("AAAABBBB"), "when": pd.Series(days, dtype=object)})
    with pytest.raises(ColumnRefused, match=r"column when: a column of type object \(date\)"):
        compare(frame, "g", ["when"])


def test_a_rank_test_forced_on_numbered_categories_ranks_the_numbers():
    frame = pd.DataFrame(
        {"g": list("AAAABBBB"), "lines": [1, 1, 2, 3, 2, 3, 3, 4]}
    )  # few values: categorical
    result = compare(frame, "g", [Variable("lines", test="mann_whitney")]).add_p().result("lines")
    assert result.kind == "categorical"
    # R 4.2.2: wilcox.test(c(1, 1, 2, 3), c(2, 3, 3, 4)) -> W = 2.5, p = 0.13416918012812581
    assert result.test.statistic == 2.5
    assert result.test.p_value == pytest.approx(0.13416918012812581, abs=1e-12)
