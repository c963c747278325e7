"""compare(): summaries per group, the test each policy chooses and why, footnotes, and the verbs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from iectox.render import Formatter, comparison_frame, footnotes
from iectox.stats.compare import compare
from iectox.stats.variables import Variable


@pytest.fixture
def frame():
    rng = np.random.default_rng(7)
    n = 200
    group = np.where(np.arange(n) < 120, "A", "B")
    return pd.DataFrame(
        {
            "group": group,
            "sex": np.where(rng.random(n) < 0.6, "male", "female"),
            "rare": np.where(np.arange(n) % 50 == 0, "yes", "no"),
            "age": np.round(rng.normal(60, 10, n), 1),
            "grade": rng.choice([0, 0, 0, 1, 1, 2, 3], n),
            "treated": rng.random(n) < 0.5,
            "dose": np.round(rng.normal(560, 80, n)),
        }
    )


def test_counts_percentages_and_group_sizes(frame):
    table = compare(frame, "group", ["sex"])
    result = table.result("sex")
    assert table.groups.labels == ("A", "B") and table.groups.sizes.tolist() == [120, 80]
    expected = pd.crosstab(frame["sex"], frame["group"])
    assert result.counts.tolist() == expected.T.to_numpy().tolist()  # groups x levels
    female = result.rows[1]
    assert female.label == "female" and female.cells[0].values[0] == expected.loc["female", "A"]
    assert female.cells[0].values[1] == pytest.approx(100 * expected.loc["female", "A"] / 120)


def test_policy_picks_fisher_when_an_expected_count_is_small(frame):
    table = compare(frame, "group", ["sex", "rare"]).add_p()
    assert table.result("sex").test.test == "pearson_chi2"
    rare = table.result("rare")
    assert rare.test.test == "fisher_exact"
    assert rare.reason.startswith("2 of 4 expected counts below 5")


@pytest.mark.parametrize(
    ("preset", "categorical", "continuous"),
    [
        ("iectox", "pearson_chi2", "welch_t"),
        ("gtsummary", "pearson_chi2", "mann_whitney"),
        ("r_tableone", "yates_chi2", "student_t"),
        ("py_tableone", "yates_chi2", "welch_t"),
    ],
)
def test_presets_match_the_tools_they_are_named_after(frame, preset, categorical, continuous):
    table = compare(frame, "group", ["sex", "age"], test_policy=preset).add_p()
    assert table.result("sex").test.test == categorical
    assert table.result("age").test.test == continuous


def test_a_variable_can_force_its_test(frame):
    table = compare(
        frame, "group", [Variable("age", test="student_t"), Variable("sex", test="fisher_exact")]
    ).add_p()
    assert table.result("age").test.test == "student_t"
    assert table.result("sex").test.test == "fisher_exact"


def test_three_groups_use_anova_and_kruskal(frame):
    frame = frame.assign(group=np.resize(["A", "B", "C"], len(frame)))
    table = compare(frame, "group", ["age", Variable("dose", summary="median_iqr")]).add_p()
    assert table.result("age").test.test == "anova"
    assert table.result("dose").test.test == "kruskal_wallis"


def test_toxicity_rows_are_any_each_and_severe(frame):
    table = compare(frame, "group", [Variable("grade", kind="toxicity")])
    labels = [row.label for row in table.result("grade").rows]
    assert labels == ["Grade", "Any grade", "Grade 1", "Grade 2", "Grade 3", "Grade >= 3"]
    any_grade = table.result("grade").rows[1].cells[2].values[0]
    assert any_grade == (frame["grade"] > 0).sum()


def test_grades_by_ranks_when_the_study_says_so(frame):
    table = compare(frame, "group", [Variable("grade", kind="toxicity")], test_policy="iectox")
    assert table.add_p().result("grade").test.test in ("pearson_chi2", "fisher_exact")
    ranked = table.add_p(table.policy.with_(ordinal="mann_whitney"))
    assert ranked.result("grade").test.test == "mann_whitney"


def test_missing_values_are_counted_never_modified_and_warned_about(frame):
    frame.loc[frame["group"] == "B", "age"] = np.where(
        np.arange(80) < 30, np.nan, frame.loc[frame["group"] == "B", "age"]
    )
    before = frame.copy()
    table = compare(frame, "group", ["age"]).add_p()
    pd.testing.assert_frame_equal(frame, before)
    age = table.result("age")
    assert age.missing.tolist() == [0, 30, 30]
    assert age.rows[-1].label == "Missing"
    assert any(w.startswith("missing values differ between groups") for w in age.warnings)


def test_among_restricts_to_a_subpopulation(frame):
    table = compare(frame, "group", [Variable("dose", among="treated")])
    dose = table.result("dose")
    assert dose.n[:2].tolist() == frame[frame["treated"]].groupby("group").size().tolist()
    assert dose.missing.sum() == 0


def test_top_levels_of_any_group_then_other():
    frame = pd.DataFrame({"g": ["A"] * 6 + ["B"] * 6, "x": list("aaabcd") + list("eeefcd")})
    levels = [row.level for row in compare(frame, "g", [Variable("x", top=1)]).result("x").rows[1:]]
    assert levels == ["a", "e", "Other"]


def test_verbs_add_columns_and_footnotes(frame):
    table = compare(frame, "group", ["sex", "age", "treated"]).add_p().add_overall().add_smd().add_q("bh")
    shown = comparison_frame(table, Formatter(p_digits=3))
    assert list(shown.columns) == [
        "Characteristic",
        "A (N = 120)",
        "B (N = 80)",
        "Overall (N = 200)",
        "p-value",
        "q-value",
        "SMD",
    ]
    assert [note.id for note in table.footnotes()] == [
        "statistics",
        "test.pearson_chi2",
        "test.welch_t",
        "adjustment.bh",
    ]
    assert footnotes(table) == [
        "n (%); Mean (SD); Median [IQR]",
        "¹ Pearson's Chi-squared test",
        "² Welch Two Sample t-test",
        "q-values: Benjamini-Hochberg adjustment",
    ]
    assert shown.iloc[0]["p-value"].endswith("¹")
    assert table.result("age").smd == pytest.approx(
        abs(frame.groupby("group")["age"].mean().diff().iloc[-1])
        / np.sqrt(frame.groupby("group")["age"].var().mean())
    )


def test_difference_between_two_groups(frame):
    table = compare(frame, "group", ["treated", "age"]).add_difference()
    age = table.result("age").effect
    means = frame.groupby("group")["age"].mean()
    assert age.estimate == pytest.approx(means["A"] - means["B"])
    assert age.low < age.estimate < age.high
    assert table.result("treated").effect.method == "prop_test"  # gtsummary's default for yes/no
    assert age.method == "welch_t_difference" and 0 < age.p_value < 1
    newcombe = compare(frame, "group", ["treated"]).add_difference(dichotomous="newcombe")
    assert newcombe.result("treated").effect.method == "newcombe"


def test_french_uses_decimal_commas_and_french_test_names(frame):
    table = compare(frame, "group", ["age", "sex"]).add_p()
    shown = comparison_frame(table, Formatter("fr"))
    assert "," in shown.iloc[1, 1] and "." not in shown.iloc[1, 1]
    assert "Test t de Welch" in " ".join(footnotes(table, Formatter("fr")))


def test_records_carry_name_p_value_and_test(frame):
    records = compare(frame, "group", ["sex", "age"]).add_p().records()
    assert [(r["name"], r["test"]) for r in records] == [("sex", "pearson_chi2"), ("age", "welch_t")]
    assert all(0 <= r["p_value"] <= 1 for r in records)


def test_rows_say_what_they_are_and_cells_hold_unrounded_numbers(frame):
    frame.loc[:9, "age"] = np.nan
    table = compare(frame, "group", ["sex", Variable("age", summary="both")])
    rows = [(row.row_type, row.level) for r in table.results for row in r.rows]
    assert rows == [
        ("variable", None),
        ("level", "female"),
        ("level", "male"),
        ("variable", None),
        ("summary", "mean_sd"),
        ("summary", "median_iqr"),
        ("missing", "__missing__"),
    ]
    female = table.result("sex").rows[1].cells[0]
    expected = (frame["group"].eq("A") & frame["sex"].eq("female")).sum()
    assert female.kind == "n_pct" and female.values == (expected, 100 * expected / 120)
    mean = table.result("age").rows[1].cells[1]
    assert mean.kind == "mean_sd" and mean.values[0] == frame.loc[frame["group"] == "B", "age"].mean()


def test_footnotes_are_data_with_ids_and_test_marks_in_order_of_use(frame):
    frame.loc[:4, "group"] = None
    table = compare(frame, "group", ["age", "sex", Variable("dose", among="treated")]).add_p()
    assert table.tests_used() == ("welch_t", "pearson_chi2")
    notes = {note.id: note for note in table.footnotes()}
    assert notes["test.welch_t"].mark == 1 and notes["test.pearson_chi2"].mark == 2
    assert notes["excluded"].count == 5
    among = notes["subpopulation.treated"]
    assert among.variables == ("dose",)
    treated = frame[frame["treated"] & frame["group"].notna()]
    assert among.sizes == tuple(treated.groupby("group").size().tolist())


def test_records_hold_numbers_and_row_types_not_text(frame):
    records = compare(frame, "group", ["sex"]).add_p().records()
    rows = records[0]["rows"]
    assert [row["row_type"] for row in rows] == ["variable", "level", "level"]
    assert rows[1]["cells"][0]["kind"] == "n_pct"
    assert all(isinstance(v, float) for row in rows for c in row["cells"] for v in c["values"])
