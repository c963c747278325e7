"""compare(..., strata=): categorical variables tested within strata by the Cochran-Mantel-Haenszel test, every
number against R 4.2.2's `mantelhaen.test` (the call beside each value; no R needed to run these tests)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from iectox.dataset import Dataset
from iectox.render.comparison import footnotes
from iectox.render.format import Formatter
from iectox.render.methods import tests_used as methods_tests
from iectox.stats.compare import compare
from iectox.stats.methods import METHODS
from iectox.stats.policy import PRESETS
from iectox.stats.variables import Variable
from iectox.study import run_study
from iectox.study.spec import load_study
from iectox.synth import generate

TOL = 1e-10


def frame_of(cells: list[int], dim: tuple[int, int, int], levels: list[object]) -> pd.DataFrame:
    """The rows of R's `array(cells, dim = c(groups, levels, strata))`: group A, B, C..., stratum S1, S2..."""
    rows, columns, strata = dim
    x = np.asarray(cells).reshape(strata, columns, rows).transpose(0, 2, 1)
    data = [
        {"group": "ABC"[i], "stratum": f"S{k + 1}", "outcome": levels[j]}
        for k in range(strata)
        for i in range(rows)
        for j in range(columns)
        for _ in range(int(x[k, i, j]))
    ]
    return pd.DataFrame(data)


# y <- array(c(12, 8, 18, 22,  5, 9, 15, 11,  7, 3, 3, 7), dim = c(2, 2, 3)): groups A/B x CRS yes/no, 3 centres
CENTRES = frame_of([12, 8, 18, 22, 5, 9, 15, 11, 7, 3, 3, 7], (2, 2, 3), [True, False])
YES_NO = Variable(
    "outcome", label="CRS", kind="categorical", levels=(True, False), level_labels={True: "Yes", False: "No"}
)


def test_a_2x2xk_table_gets_mantel_haenszel_with_its_common_odds_ratio():
    table = compare(CENTRES, "group", [YES_NO], strata="stratum").add_p()
    result = table.result("outcome")
    assert result.test is not None and result.test.test == "mantel_haenszel"
    assert result.test.statistic == pytest.approx(0.3196497972288, rel=TOL)  # mantelhaen.test(y)$statistic
    assert result.p_value == pytest.approx(0.571818180016, rel=1e-9)  # mantelhaen.test(y)$p.value
    ratio = result.stratified.odds_ratio
    assert ratio.estimate == pytest.approx(1.32128514056225, rel=TOL)  # mantelhaen.test(y)$estimate
    assert (ratio.low, ratio.high) == pytest.approx(
        (0.634854081549287, 2.749914466030045), rel=TOL
    )  # mantelhaen.test(y)$conf.int
    notes = footnotes(table)
    assert "¹ Mantel-Haenszel chi-squared test with continuity correction, stratified by stratum" in notes
    assert "CRS: common odds ratio, A vs B (Yes): 1.32 (95% CI 0.63, 2.75)" in notes
    french = footnotes(table, Formatter("fr"))
    assert (
        "¹ Test du khi-deux de Mantel-Haenszel avec correction de continuité, stratifié par stratum" in french
    )
    assert "CRS: rapport de cotes commun, A vs B (Oui) : 1,32 (IC à 95 % 0,63 ; 2,75)" in french


def _with_stratified(method: str):
    """The yes/no variable of CENTRES tested within strata by the policy's `stratified` method `method`."""
    policy = PRESETS["iectox"].with_(stratified=method)
    return compare(CENTRES, "group", [YES_NO], policy, strata="stratum").add_p().result("outcome")


def test_the_policy_chooses_the_exact_or_uncorrected_test_of_2x2_strata():
    result = _with_stratified("mantel_haenszel_exact")
    assert result.test.test == "mantel_haenszel_exact"
    assert result.test.statistic == 24  # mantelhaen.test(y, exact = TRUE)$statistic (S)
    assert result.p_value == pytest.approx(
        0.570505843797669, rel=TOL
    )  # mantelhaen.test(y, exact = TRUE)$p.value
    # $estimate 1.329403593553893, $conf.int 0.593309980190788 3.004522460218479: uniroot's default tolerance
    assert result.stratified.odds_ratio.estimate == pytest.approx(1.329403593553893, rel=1e-4)
    result = _with_stratified("mantel_haenszel_uncorrected")
    assert result.test.test == "mantel_haenszel_uncorrected"
    assert result.p_value == pytest.approx(0.450948663694088, rel=TOL)  # mantelhaen.test(y, correct = FALSE)


# x <- array(c(6, 3, 4, 5, 2, 7,  5, 2, 3, 6, 4, 4,  7, 1, 2, 3, 3, 5,  4, 0, 3, 0, 2, 0), dim = c(2, 3, 4)):
# stratum 4 holds group A only
SINGLE = frame_of(
    [6, 3, 4, 5, 2, 7, 5, 2, 3, 6, 4, 4, 7, 1, 2, 3, 3, 5, 4, 0, 3, 0, 2, 0], (2, 3, 4), list("xyz")
)


def test_larger_tables_get_the_generalised_test_and_a_single_group_stratum_is_left_out_and_said():
    table = compare(SINGLE, "group", ["outcome"], strata="stratum").add_p()
    result = table.result("outcome")
    assert result.test.test == "cmh_generalized"
    # mantelhaen.test(x): M^2 8.62741146261974, df 2, p 0.013383860592818 -- the same as
    # mantelhaen.test(x[, , 1:3]) (8.627411462619735): a stratum of one group adds nothing
    assert result.test.statistic == pytest.approx(8.62741146261974, rel=TOL)
    assert result.test.df == 2
    assert result.p_value == pytest.approx(0.013383860592818, rel=1e-9)
    assert result.stratified.strata == ("S1", "S2", "S3")
    assert result.stratified.single_group == ("S4",)
    assert result.stratified.odds_ratio is None
    notes = footnotes(table)
    assert "¹ Cochran-Mantel-Haenszel test, stratified by stratum" in notes
    assert "Outcome: 1 stratum(s) with a single group left out of the stratified test: S4" in notes
    record = table.records()[0]["stratified"]
    assert record["single_group"] == ["S4"] and record["common_odds_ratio"] is None
    json.dumps(table.records())


def test_three_groups_in_two_strata():
    # z <- array(c(10, 6, 3, 5, 9, 12,  8, 4, 2, 7, 6, 9), dim = c(3, 2, 2)); mantelhaen.test(z)
    frame = frame_of([10, 6, 3, 5, 9, 12, 8, 4, 2, 7, 6, 9], (3, 2, 2), ["yes", "no"])
    result = compare(frame, "group", ["outcome"], strata="stratum").add_p().result("outcome")
    assert result.test.test == "cmh_generalized"
    assert result.test.statistic == pytest.approx(9.53813235068134802, rel=TOL)
    assert result.p_value == pytest.approx(0.00848830304678489, rel=TOL)
    assert result.stratified.odds_ratio is None


def test_grades_are_tested_within_strata_and_continuous_variables_as_without_them():
    frame = SINGLE.assign(
        grade=SINGLE["outcome"].map({"x": 0, "y": 1, "z": 2}), age=np.arange(len(SINGLE)) % 7
    )
    grade = Variable("grade", kind="toxicity")
    table = compare(frame, "group", [grade, Variable("age", kind="continuous")], strata="stratum").add_p()
    assert table.result("grade").test.test == "cmh_generalized"  # grades 0, 1, 2 are the levels x, y, z
    assert table.result("grade").test.statistic == pytest.approx(8.62741146261974, rel=TOL)
    assert table.result("age").test.test == "welch_t" and table.result("age").stratified is None


def test_strata_that_adjust_for_nothing_are_refused_with_the_reason():
    one = compare(CENTRES.assign(stratum="S1"), "group", [YES_NO], strata="stratum").add_p()
    refused = one.result("outcome")
    assert refused.test is None and refused.p_value is None
    assert refused.reason == (
        "not tested: a stratified test needs two strata with two groups or more each; 1 of 1 strata of stratum "
        "have them"
    )
    assert refused.reason.text("fr").startswith("non testé")
    note = footnotes(one)[-1]
    assert note.startswith("CRS: not tested: a stratified test needs two strata")
    apart = CENTRES.assign(stratum=np.where(CENTRES["group"] == "A", "S1", "S2"))  # each stratum one group
    assert compare(apart, "group", [YES_NO], strata="stratum").add_p().result("outcome").test is None


def test_a_degenerate_table_is_refused_never_a_number():
    # every stratum has a single outcome: mantelhaen.test gives NaN (variance 0)
    frame = CENTRES.assign(outcome=CENTRES["stratum"] == "S1")
    result = compare(frame, "group", [YES_NO], strata="stratum").add_p().result("outcome")
    assert result.test is None and result.p_value is None
    assert "no information" in result.reason


def test_rows_without_a_stratum_are_left_out_and_counted():
    frame = CENTRES.copy()
    frame.loc[:4, "stratum"] = None
    result = compare(frame, "group", [YES_NO], strata="stratum").add_p().result("outcome")
    assert result.stratified.without_stratum == 5
    assert "5 row(s) without stratum left out of the stratified test" in result.warnings
    assert int(result.n[-1]) == len(frame)  # the table itself still counts every row


def test_a_stratified_method_forced_on_a_variable_runs_within_the_strata_or_says_it_needs_them():
    forced = Variable("outcome", levels=(True, False), test="mantel_haenszel_exact")
    result = compare(CENTRES, "group", [forced], strata="stratum").add_p().result("outcome")
    assert result.p_value == pytest.approx(0.570505843797669, rel=TOL)
    unstratified = compare(CENTRES, "group", [forced]).add_p().result("outcome")
    assert unstratified.test is None and "needs the table's strata" in unstratified.reason
    fisher = Variable("outcome", levels=(True, False), test="fisher_exact")
    assert compare(CENTRES, "group", [fisher], strata="stratum").add_p().result("outcome").stratified is None


def test_an_unknown_strata_column_is_refused():
    with pytest.raises(KeyError, match="to stratify by"):
        compare(CENTRES, "group", [YES_NO], strata="centre")
    with pytest.raises(KeyError, match="to stratify by"):
        compare(CENTRES, "group", [YES_NO], strata="group")


STUDY_TABLE = """
[[tables]]
id = "by_centre"
title = "Toxicity, stratified by centre"
strata = "centre"
variables = [
  { name = "crs_any", label = "CRS" },
  { name = "crs_grade", label = "CRS grade" },
  { name = "age", label = "Age" },
]
"""


SEED_SPEC = Path(__file__).resolve().parents[1] / "examples" / "seed_study" / "study.toml"


@pytest.fixture(scope="module")
def centres_study(tmp_path_factory):
    """60 synthetic infusions spread over three centres, and a study whose table is stratified by centre."""
    small = generate(60, seed=3)
    patients = small.tables["patients"].copy()
    patients["centre"] = [f"CHU-{'ABC'[i % 3]}" for i in range(len(patients))]
    dataset = Dataset.from_frames({**small.tables, "patients": patients})
    seed = SEED_SPEC.read_text(encoding="utf-8").split("[[tables]]")[0]
    path = tmp_path_factory.mktemp("study") / "study.toml"
    path.write_text(seed.replace('reference = "iectox:seed"', "") + STUDY_TABLE, encoding="utf-8")
    return run_study(dataset, load_study(path))


def test_a_study_table_asks_for_strata_and_its_methods_and_json_name_them(centres_study):
    spec, comparison = centres_study.tables[0]
    assert spec.strata == "centre" and comparison.strata == "centre"
    crs = comparison.result("crs_any")
    frame = centres_study.frame
    kept = frame[frame["centre"].isin(crs.stratified.strata)]
    cells = [
        pd.crosstab(part["cohort"], part["crs_any"]).reindex(
            index=["standard_of_care", "clinical_trial"], columns=[True, False], fill_value=0
        )
        for _, part in kept.groupby("centre")
    ]
    assert crs.test.test == "mantel_haenszel"
    assert crs.p_value == METHODS["mantel_haenszel"].run(np.array(cells)).p_value
    assert comparison.result("crs_grade").test.test == "cmh_generalized"
    assert comparison.result("age").stratified is None
    methods = methods_tests(centres_study, "fr")
    assert (
        "Test du khi-deux de Mantel-Haenszel avec correction de continuité, stratifié par centre (CRS)"
        in methods
    )
    assert "Test de Cochran-Mantel-Haenszel généralisé, stratifié par centre (CRS grade)" in methods
    assert "Test t de Welch (Âge)" in methods
    record = comparison.records()[0]["stratified"]
    assert record["column"] == "centre" and record["strata"] == list(crs.stratified.strata)
    assert record["common_odds_ratio"]["estimate"] == crs.stratified.odds_ratio.estimate
    assert "² Cochran-Mantel-Haenszel test, stratified by centre" in footnotes(comparison)


def test_the_seed_cohort_stratified_by_product_as_r():
    """On the seed's analysis table (tests/golden/data/analysis_table.csv, its CAR-T rows, as d), R 4.2.2 on
    all 7 products, two of which hold one cohort: x <- table(factor(d$cohort, c("clinical_trial", "standard_of_care")),
    factor(d$crs_any, c("True", "False")), d$therapy); mantelhaen.test(x) p 0.0669328394765, common OR
    0.3339955113283 (0.1029889941512, 1.0831545885731); mantelhaen.test(table(d$cohort, d$crs_grade,
    d$therapy))$p.value 0.028036061365."""
    frame = pd.read_csv(Path(__file__).parent / "golden" / "data" / "analysis_table.csv")
    frame = frame[frame["therapy_class"] == "CAR-T"]  # the seed cohort; the demo's bispecific courses apart
    variables = [Variable("crs_any", levels=(True, False)), Variable("crs_grade", kind="toxicity")]
    table = compare(frame, "cohort", variables, strata="therapy").add_p()
    crs = table.result("crs_any")
    assert crs.p_value == pytest.approx(0.0669328394765, rel=1e-10)
    ratio = crs.stratified.odds_ratio
    assert (ratio.estimate, ratio.low, ratio.high) == pytest.approx(
        (0.3339955113283, 0.1029889941512, 1.0831545885731), rel=1e-10
    )
    assert crs.stratified.single_group == ("investigational_car_t", "tisagenlecleucel")
    assert table.result("crs_grade").p_value == pytest.approx(0.028036061365, rel=1e-9)
