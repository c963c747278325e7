"""`compare().add_ci()` and `.add_difference()` as a reader sees them: the CI column beside each cohort, the
difference and its p, the footnotes naming the methods (English and French), the workbook's numbers, the
JSON, and the footnote that says why an estimate is missing. Expected numbers: R 4.2.2, call beside each."""

from __future__ import annotations

import json

import docx
import openpyxl
import pandas as pd
import pytest

from iectox.render import Formatter, comparison_table, write_table_docx, write_table_html, write_table_xlsx
from iectox.stats.compare import Comparison, compare
from iectox.stats.variables import Variable

A = [1.2, 3.4, 2.2, 5.1, 4.4]
B = [2.5, 6.1, 7.7, 4.9, 8.2, 5.5]


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "group": ["A"] * 5 + ["B"] * 6,
            "treated": ["Yes", "Yes", "No", "No", "No", "Yes", "Yes", "Yes", "No", "No", "No"],
            "age": A + B,
            "severe": ["Yes", "Yes", "No", "No", "No"] + ["No"] * 6,
        }
    )


@pytest.fixture(scope="module")
def table(frame: pd.DataFrame) -> Comparison:
    variables = ["treated", Variable("age", summary="both")]
    return compare(frame, "group", variables).add_p().add_ci().add_difference()


def _line(table, fmt, label):
    laid = comparison_table(table, fmt)
    return next(line for line in laid.lines if line.cells[0].text == label), laid


def test_ci_columns_beside_each_cohort_and_the_difference(table):
    line, laid = _line(table, Formatter("en"), "Yes")
    heads = [c.label for c in laid.columns]
    assert heads == [
        "Characteristic", "A", "95% CI", "B", "95% CI", "p-value", "Difference (95% CI)", "p-value (difference)"
    ]  # fmt: skip
    ci_a, ci_b = line.cells[2], line.cells[4]
    # prop.test(2, 5)$conf.int and prop.test(3, 6)$conf.int (Wilson, continuity correction), in percent
    assert ci_a.numbers == pytest.approx([7.2584039985663429, 82.957641935641213], rel=1e-10)
    assert ci_b.numbers == pytest.approx([18.761630648265057, 81.23836935173494], rel=1e-10)
    assert (ci_a.text, ci_b.text) == ("7.3%, 83.0%", "18.8%, 81.2%")
    treated, _ = _line(table, Formatter("en"), "Treated")
    # p <- prop.test(c(2, 3), c(5, 6)); c(diff(rev(p$estimate)), p$conf.int, p$p.value)
    assert treated.cells[6].numbers == pytest.approx(
        [-10.0, -78.689931639839761, 58.689931639839765], rel=1e-10
    )
    assert treated.cells[6].text == "-10.0% (-78.7%, 58.7%)"
    assert treated.cells[7].numbers[0] == pytest.approx(0.99999999999999978, rel=1e-10)
    mean, _ = _line(table, Formatter("en"), "Mean (SD)")
    assert mean.cells[2].numbers == pytest.approx(
        [1.2897018393633339, 5.2302981606366652], rel=1e-10
    )  # t.test(a)
    assert mean.cells[4].numbers == pytest.approx(
        [3.6532845148838495, 7.9800488184494833], rel=1e-10
    )  # t.test(b)
    median, _ = _line(table, Formatter("en"), "Median [IQR]")
    # wilcox.test(a, conf.int = TRUE)$conf.int: exact, the pseudo-median's interval
    assert median.cells[2].numbers == pytest.approx([1.2, 5.0999999999999996], rel=1e-10)
    assert median.cells[4].numbers == pytest.approx(
        [2.5, 8.1999999999999993], rel=1e-10
    )  # wilcox.test(b, ...)
    age, _ = _line(table, Formatter("en"), "Age")
    assert age.cells[6].numbers == pytest.approx(
        [-2.5566666666666666, -5.0482534895385625, -0.065079843794770859]
    )
    assert age.cells[6].text == "-2.56 (-5.05, -0.07)"  # t.test(a, b)$conf.int


def test_the_footnotes_state_the_methods_in_english_and_french(table):
    english = comparison_table(table, Formatter("en")).footnotes
    assert english[-5:] == (
        "95% CI (proportion): Wilson score interval with continuity correction",
        "95% CI (mean): t interval of the mean",
        "95% CI (pseudo-median): Wilcoxon signed rank interval of the pseudo-median (Hodges-Lehmann)",
        "Difference, A vs B (difference in proportions): two-sample test for equality of proportions with "
        "continuity correction",
        "Difference, A vs B (difference in means): Welch two-sample t-test",
    )
    french = comparison_table(table, Formatter("fr")).footnotes
    assert (
        french[-5] == "IC à 95 % (proportion) : intervalle du score de Wilson avec correction de continuité"
    )
    assert (
        french[-1] == "Différence, A vs B (différence des moyennes) : test t de Welch pour deux échantillons"
    )
    line, laid = _line(table, Formatter("fr"), "Oui")
    assert line.cells[2].text == "7,3\u00a0% ; 83,0\u00a0%" and laid.columns[2].label == "IC à 95 %"


def test_a_missing_estimate_is_blank_and_its_footnote_says_why(frame):
    table = compare(frame, "group", ["severe"]).add_difference(dichotomous="odds_ratio_wald")
    laid = comparison_table(table, Formatter("en"))
    assert laid.lines[0].cells[-2].text == "" and laid.lines[0].cells[-1].text == ""
    assert laid.footnotes[-1] == (
        "Severe: no estimate: a cell of the 2 x 2 table is 0: the Wald odds ratio is 0 or infinite, no interval"
    )
    assert (
        comparison_table(table, Formatter("fr"))
        .footnotes[-1]
        .startswith("Severe: pas d'estimation : une case")
    )
    # fisher.test(matrix(c(2, 3, 0, 6), 2, byrow = TRUE)): estimate Inf, conf.int (0.2383, Inf), p 0.1818
    fisher = compare(frame, "group", ["severe"]).add_difference(dichotomous="odds_ratio_fisher")
    shown = comparison_table(fisher, Formatter("en")).lines[0].cells
    assert shown[-2].text == "∞ (0.24, ∞)" and shown[-1].text == "0.182"
    record = fisher.records()[0]["effect"]
    assert record["estimate"] is None and record["infinite"] == ["estimate", "high"]
    assert record["low"] == pytest.approx(0.23833510181041567, rel=1e-10)
    json.dumps(fisher.records(), allow_nan=False)  # no NaN or Infinity in report.json


def test_records_carry_the_intervals_of_each_row(table):
    record = next(r for r in table.records() if r["name"] == "treated")
    yes = next(row for row in record["rows"] if row["label"] == "Yes")
    first = yes["intervals"][0]
    assert first["method"] == "wilson_cc" and first["level"] == 0.95
    assert first["low"] == pytest.approx(0.072584039985663429, rel=1e-10)
    assert yes["intervals"][2]["high"] == pytest.approx(
        0.75437814713926965, rel=1e-10
    )  # prop.test(5, 11): overall
    assert record["effect"]["method"] == "prop_test"


def test_the_workbook_holds_the_intervals_as_numbers(table, tmp_path):
    sheet = openpyxl.load_workbook(write_table_xlsx(table, tmp_path / "t.xlsx")).active
    cells = [(c.value, c.number_format) for row in sheet.iter_rows() for c in row if c.value is not None]
    assert (pytest.approx(0.072584039985663429, rel=1e-10), "0.0%") in cells
    assert (pytest.approx(1.2897018393633339, rel=1e-10), "0.0") in cells


def test_html_and_docx_show_the_ci_columns(table, tmp_path):
    page = write_table_html(table, tmp_path / "t.html", formatter=Formatter("fr")).read_text(encoding="utf-8")
    assert "IC à 95 %" in page and "7,3\u00a0%\u00a0; 83,0\u00a0%" in page
    document = docx.Document(str(write_table_docx(table, tmp_path / "t.docx")))
    text = "\n".join(cell.text for t in document.tables for row in t.rows for cell in row.cells)
    assert "95% CI" in text and "7.3%, 83.0%" in text


def test_unknown_methods_and_levels_are_refused(table):
    with pytest.raises(ValueError, match="unknown proportion interval method 'wald'"):
        table.add_ci(proportion="wald")
    with pytest.raises(ValueError, match="unknown yes/no difference method"):
        table.add_difference(dichotomous="wald")
    with pytest.raises(ValueError, match="between 0 and 1"):
        table.add_ci(level=95)


def test_a_level_r_cannot_reach_is_stated():
    # wilcox.test(c(1.5, 2.5, 4), conf.int = TRUE): exact, "requested conf.level not achievable", 0.75
    frame = pd.DataFrame({"group": ["A"] * 3 + ["B"] * 6, "age": [1.5, 2.5, 4.0, *B]})
    table = compare(frame, "group", [Variable("age", summary="median_iqr")]).add_ci()
    english = comparison_table(table, Formatter("en")).footnotes
    assert (
        english[-1]
        == "Age: a 75% interval only: the requested level cannot be reached with so few values (R)"
    )
    french = comparison_table(table, Formatter("fr")).footnotes[-1]
    assert french.startswith("Âge: un intervalle à 75 % seulement")


def test_three_groups_compare_the_pair_named():
    frame = pd.DataFrame({"group": ["A"] * 5 + ["B"] * 6 + ["C"] * 3, "age": [*A, *B, 9.0, 9.5, 10.0]})
    table = compare(frame, "group", ["age"])
    with pytest.raises(ValueError, match="name them with pair="):
        table.add_difference()
    with pytest.raises(ValueError, match="two different groups"):
        table.add_difference(pair=("A", "D"))
    e = table.add_difference(pair=("B", "A")).result("age").effect
    # t.test(b, a)$conf.int: the pair's order, first minus second
    assert [e.low, e.high] == pytest.approx([0.065079843794770859, 5.0482534895385625], rel=1e-10)
    notes = comparison_table(table.add_difference(pair=("B", "A")), Formatter("en")).footnotes
    assert notes[-1] == "Difference, B vs A (difference in means): Welch two-sample t-test"
