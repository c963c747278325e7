"""Each preset reproduces, cell by cell, the table of the tool it is named after.

The data: 60 synthetic patients (two cohorts, then the same patients in three), written out below. The
expected values come from:
- Python tableone 0.9.6, run for real (`.venv/bin/pip install -e '.[bench]'`):
  TableOne(frame, columns=["sex", "rare", "indication", "age", "ferritin"],
           categorical=["sex", "rare", "indication"], nonnormal=["ferritin"], groupby="cohort",
           pval=True, htest_name=True)
  p-values from `.htest_table["P-Value"]`, cells as `.tableone` prints them; the test at the end reruns it
  when tableone is installed.
- R tableone (CreateTableOne(vars, strata = "cohort", data, factorVars) then print(tab, nonnormal =
  "ferritin")) and gtsummary (tbl_summary(by = cohort) |> add_p()): neither installs here (no CRAN), so the
  numbers are R 4.2.2's from the base calls those tools make, as their sources show:
  tableone R/modules.R ModuleApproxExactTests/ModuleTestSafe -> chisq.test(xtabs) (Yates on a 2 x 2 only),
  R/CreateContTable.R testNormal = oneway.test(var.equal = TRUE), testNonNormal = kruskal.test, quantile
  type 7; gtsummary R/assign_tests.R .add_p_tbl_summary_default_test -> wilcox.test (2 groups) /
  kruskal.test, "chisq.test.no.correct" unless min expected of table(by, variable) < 5 -> fisher.test;
  R/assign_summary_type.R cat_threshold = 10L; cards continuous summary functions p25/p75 with
  quantile(type = 2). Each value's R call is beside it (d <- read.csv of the frame below; g <- factor(d$cohort)).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from iectox.render import Formatter, comparison_frame
from iectox.render.format import round5
from iectox.stats.compare import compare
from iectox.stats.policy import PRESETS
from iectox.stats.variables import Variable

COHORT = "0" * 36 + "1" * 24
SEX = "011001101011111110001110100110011101111010010110111011111101"
RARE = "000000100000000000100000100000000000000000000100000000010000"
INDICATION = "120000110021120111011000200000200010100100010020000002202010"
AGE = [73.7, 54.3, 46.0, 74.8, 58.2, 62.4, 79.3, 72.2, 67.7, 71.6, 55.5, 68.8, 72.0, 68.8, 60.2, 28.3, 67.0,
       63.0, 58.7, 69.0, 64.4, 63.8, 48.6, 48.9, 65.3, 62.7, 63.2, 63.5, 65.7, 62.3, 63.4, 64.3, 70.4, 57.4,
       69.1, 67.7, 62.9, 57.7, 65.3, 69.8, 52.3, 62.6, 62.6, 56.0, 56.4, 48.0, 52.1, 48.2, 56.5, 57.0, 57.1,
       65.3, 60.3, 55.4, 55.5, 51.8, 60.2, 60.1, 76.6, 75.8]  # fmt: skip
FERRITIN = [1316, 2129, 152, 691, 742, 591, 2211, 3073, 883, 680, 164, 165, 706, 380, 139, 365, 538, 853, 370,
            325, 405, 463, 159, 786, 2327, 774, 127, 435, 98, 93, 684, 429, 233, 76, 146, 459, 414, 700, 1365,
            308, 587, 361, 271, 332, 870, 177, 1005, 1315, 415, 495, 130, 2666, 883, 463, 422, 579, 240, 506,
            193, 601]  # fmt: skip
LINES = [4, 3, 3, 4, 3, 4, 4, 1, 1, 2, 2, 4, 4, 1, 2, 4, 1, 4, 1, 2, 4, 2, 2, 2, 3, 2, 4, 2, 2, 3, 3, 3, 3, 4,
         4, 4, 3, 3, 2, 4, 2, 1, 4, 1, 4, 3, 1, 1, 2, 1, 1, 3, 4, 2, 4, 4, 4, 3, 2, 3]  # fmt: skip


def _coded(codes: str, names: list[str]) -> list[str]:
    return [names[int(c)] for c in codes]


@pytest.fixture(scope="module")
def two() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "cohort": _coded(COHORT, ["routine", "trial"]),
            "sex": _coded(SEX, ["female", "male"]),
            "rare": _coded(RARE, ["no", "yes"]),
            "indication": _coded(INDICATION, ["DLBCL", "FL", "MCL"]),
            "age": AGE,
            "ferritin": np.array(FERRITIN, dtype=float),
            "lines": LINES,
        }
    )


@pytest.fixture(scope="module")
def three(two: pd.DataFrame) -> pd.DataFrame:
    return two.assign(cohort=np.resize(["A", "B", "C"], len(two)))


VARIABLES = ["sex", "rare", "indication", "age", Variable("ferritin", summary="median_iqr")]


def _p(table, name: str) -> tuple[str, float]:
    result = table.result(name)
    return result.test.test, result.test.p_value


def _cells(table, name: str) -> list[str]:
    """Every group's cells as Python tableone prints them: n (pct), mean (SD), median [Q1,Q3], one decimal."""
    out = []
    for row in table.result(name).rows:
        for cell in row.cells[: table.groups.k]:
            v = cell.values
            if cell.kind == "n_pct":
                out.append(f"{int(v[0])} ({v[1]:.1f})")
            elif cell.kind == "mean_sd":
                out.append(f"{v[0]:.1f} ({v[1]:.1f})")
            else:
                out.append(f"{v[0]:.1f} [{v[1]:.1f},{v[2]:.1f}]")
    return out


# --- Python tableone ------------------------------------------------------------------------------------

PY_TWO = {  # .htest_table["P-Value"], "Test" of the TableOne call above, two cohorts
    "sex": ("yates_chi2", 0.61901618017670224),  # Chi-squared (scipy chi2_contingency, Yates on dof 1)
    "rare": ("fisher_exact", 1.0),  # Fisher's exact (2 x 2, an expected count < 5)
    "indication": ("pearson_chi2", 0.47676062866896973),  # Chi-squared (warning: expected count < 5)
    "age": ("welch_t", 0.09472070837060961),  # Welch's T-test
    "ferritin": ("kruskal_wallis", 0.597402266930804),  # Kruskal-Wallis, with two groups too
}
PY_THREE = {  # the same call on three cohorts
    "sex": ("pearson_chi2", 0.80269519510386367),
    "rare": ("pearson_chi2", 0.05863850968568998),  # 3 x 2: no Fisher, "warning: expected count < 5"
    "indication": ("pearson_chi2", 0.5522627265314437),
    "age": ("anova", 0.8253470530957383),  # One-way ANOVA
    "ferritin": ("kruskal_wallis", 0.61429428319921642),
}
PY_TWO_CELLS = {  # .tableone, columns routine and trial, as printed
    "sex": ["14 (38.9)", "7 (29.2)", "22 (61.1)", "17 (70.8)"],
    "rare": ["33 (91.7)", "22 (91.7)", "3 (8.3)", "2 (8.3)"],
    "indication": ["20 (55.6)", "16 (66.7)", "11 (30.6)", "4 (16.7)", "5 (13.9)", "4 (16.7)"],
    "age": ["63.1 (9.5)", "59.4 (7.4)"],
    "ferritin": ["447.0 [164.8,750.0]", "479.0 [326.0,742.5]"],
}
PY_THREE_CELLS = {
    "sex": ["8 (40.0)", "6 (30.0)", "7 (35.0)", "12 (60.0)", "14 (70.0)", "13 (65.0)"],
    "rare": ["16 (80.0)", "19 (95.0)", "20 (100.0)", "4 (20.0)", "1 (5.0)", "0 (0.0)"],
    "age": ["62.6 (11.0)", "61.0 (7.8)", "61.3 (7.6)"],
    "ferritin": ["449.0 [368.8,694.8]", "516.5 [292.0,750.0]", "432.0 [161.8,802.8]"],
}


@pytest.mark.parametrize(
    ("frame", "expected", "cells"), [("two", PY_TWO, PY_TWO_CELLS), ("three", PY_THREE, PY_THREE_CELLS)]
)
def test_python_tableone_table_cell_by_cell(request, frame, expected, cells):
    table = compare(request.getfixturevalue(frame), "cohort", VARIABLES, test_policy="py_tableone").add_p()
    for name, (test, p) in expected.items():
        got_test, got_p = _p(table, name)
        assert got_test == test, name
        assert got_p == pytest.approx(p, abs=1e-12), name
    for name, printed in cells.items():
        assert _cells(table, name) == printed, name


def test_python_tableone_itself_when_installed(two, three):
    tableone = pytest.importorskip("tableone")
    for frame, expected in ((two, PY_TWO), (three, PY_THREE)):
        ours = compare(frame, "cohort", VARIABLES, test_policy="py_tableone").add_p()
        theirs = tableone.TableOne(
            frame,
            columns=["sex", "rare", "indication", "age", "ferritin"],
            categorical=["sex", "rare", "indication"],
            nonnormal=["ferritin"],
            groupby="cohort",
            pval=True,
        ).htest_table["P-Value"]
        for name in expected:
            assert _p(ours, name)[1] == pytest.approx(float(theirs[name]), abs=1e-12), name


# --- R tableone -----------------------------------------------------------------------------------------

R_TABLEONE_TWO = {
    # chisq.test(table(g, d$sex)) -> "with Yates' continuity correction", X-squared 0.24725274725274732
    "sex": ("yates_chi2", 0.61901618017670224),
    # chisq.test(table(g, d$rare)) -> correction min(0.5, |O - E|) = 0: "Pearson's Chi-squared test", p 1
    "rare": ("pearson_chi2", 1.0),
    # chisq.test(table(g, d$indication)) -> 2 x 3, no correction: X-squared 1.4814814814814816
    "indication": ("pearson_chi2", 0.47676062866896979),
    # oneway.test(age ~ g, d, var.equal = TRUE) -> F 2.6205838100775343 (= t^2 of t.test(var.equal = TRUE))
    "age": ("student_t", 0.11091129510797826),
    # kruskal.test(ferritin ~ g, d) -> 0.27893171180518772
    "ferritin": ("kruskal_wallis", 0.59740226693078535),
}
R_TABLEONE_THREE = {
    "sex": ("pearson_chi2", 0.80269519510386367),  # chisq.test(table(g, d$sex))
    "rare": ("pearson_chi2", 0.058638509685689975),  # chisq.test(table(g, d$rare)), 5.672727272727272
    "indication": ("pearson_chi2", 0.55226272653144359),  # chisq.test(table(g, d$indication))
    "age": ("anova", 0.82534705309573808),  # oneway.test(age ~ g, d, var.equal = TRUE), F 0.19259917322040085
    "ferritin": ("kruskal_wallis", 0.61429428319921642),  # kruskal.test(ferritin ~ g, d)
}


@pytest.mark.parametrize(("frame", "expected"), [("two", R_TABLEONE_TWO), ("three", R_TABLEONE_THREE)])
def test_r_tableone_table(request, frame, expected):
    table = compare(request.getfixturevalue(frame), "cohort", VARIABLES, test_policy="r_tableone").add_p()
    for name, (test, p) in expected.items():
        assert _p(table, name) == (test, pytest.approx(p, abs=1e-12)), name
    if frame == "two":
        # quantile(d$ferritin[g == "routine"], c(.25, .5, .75)) -> 164.75 447 750; trial -> 326 479 742.5
        ferritin = table.result("ferritin").rows[1].cells
        assert [c.values for c in ferritin[:2]] == [(447.0, 164.75, 750.0), (479.0, 326.0, 742.5)]
        assert table.result("rare").test.method == "Pearson's Chi-squared test"
        # tapply(d$age, g, mean) -> 63.116666666666667 59.395833333333336; tapply(d$age, g, sd) ->
        # 9.4780196846628844 7.4256593422178110
        age = [c.values for c in table.result("age").rows[1].cells[:2]]
        assert age == [
            pytest.approx((63.116666666666667, 9.4780196846628844), abs=1e-12),
            pytest.approx((59.395833333333336, 7.4256593422178110), abs=1e-12),
        ]
        # prop.table(table(g, d$indication), 1) * 100 -> routine 55.555555555555557 30.555555555555557
        # 13.888888888888889; trial 66.666666666666657 16.666666666666664 16.666666666666664
        shares = [[c.values[1] for c in row.cells[:2]] for row in table.result("indication").rows[1:]]
        expected = [
            [55.555555555555557, 30.555555555555557, 13.888888888888889],
            [66.666666666666657, 16.666666666666664, 16.666666666666664],
        ]
        np.testing.assert_allclose(np.array(shares).T, expected, rtol=0, atol=1e-12)


# --- gtsummary ------------------------------------------------------------------------------------------

GTSUMMARY = [*VARIABLES[:3], "age", "ferritin", "lines"]
GT_TWO = {
    # min expected 8.4 -> chisq.test(tab, correct = FALSE)
    "sex": ("pearson_chi2", 0.43923098452244774),
    "rare": ("fisher_exact", 1.0),  # min expected 2 -> fisher.test(tab)
    "indication": ("fisher_exact", 0.49764611866300712),  # min expected 3.6 -> fisher.test(tab)
    # wilcox.test(age ~ g, d) -> W 595, "with continuity correction" (ties)
    "age": ("mann_whitney", 0.014193978061791923),
    "ferritin": ("mann_whitney", 0.60264892973747486),  # wilcox.test(ferritin ~ g, d) -> W 397
    # lines: 4 distinct values < cat_threshold 10 -> categorical; min expected 4.4 -> fisher.test(tab)
    "lines": ("fisher_exact", 0.69697256754889081),
}
GT_THREE = {
    "sex": ("pearson_chi2", 0.80269519510386367),  # min expected 7
    "rare": ("fisher_exact", 0.11497035985639251),  # min expected 1.67 -> fisher.test(tab)
    "indication": ("fisher_exact", 0.57286628520928373),  # min expected 3
    "age": ("kruskal_wallis", 0.548639306315158),  # kruskal.test(age ~ g, d) -> 1.2006281092798792
    "ferritin": ("kruskal_wallis", 0.61429428319921642),
    "lines": ("fisher_exact", 0.1995317939477172),  # min expected 3.67
}


@pytest.mark.parametrize(("frame", "expected"), [("two", GT_TWO), ("three", GT_THREE)])
def test_gtsummary_table(request, frame, expected):
    table = compare(request.getfixturevalue(frame), "cohort", GTSUMMARY, test_policy="gtsummary").add_p()
    for name, (test, p) in expected.items():
        assert _p(table, name) == (test, pytest.approx(p, abs=1e-12)), name
    assert table.result("lines").kind == "categorical"
    assert table.result("age").rows[1].label == "Median [IQR]"


def test_gtsummary_quartiles_are_type_2(two):
    table = compare(two, "cohort", ["age", "ferritin"], test_policy="gtsummary")
    # quantile(x, c(.25, .5, .75), type = 2) for each cohort, R 4.2.2
    expected = {
        "age": [(64.05, 59.45, 68.9), (57.4, 55.45, 62.75)],
        "ferritin": [(447.0, 164.5, 758.0), (479.0, 320.0, 785.0)],
    }
    for name, cells in expected.items():
        got = [c.values for c in table.result(name).rows[1].cells[:2]]
        for values, want in zip(got, cells, strict=True):
            assert values == pytest.approx(want, abs=1e-12), name


def test_gtsummary_counts_unused_levels_when_choosing_fisher(two):
    frame = two.assign(sex=pd.Categorical(two["sex"], categories=["female", "male", "unknown"]))
    # table(g, sex) with the unused level: min expected 0 < 5 -> fisher.test(tab); R 4.2.2:
    # fisher.test(table(g, factor(d$sex, levels = c("female", "male", "unknown"))))$p.value
    # -> 0.58217713593868192 (fisher.test(table(g, d$sex)) -> 0.58217713593870402: the empty column carries
    # no information)
    table = compare(frame, "cohort", ["sex"], test_policy="gtsummary").add_p()
    assert _p(table, "sex") == ("fisher_exact", pytest.approx(0.58217713593868192, abs=1e-12))
    assert "expected counts below 5 (smallest 0.00)" in table.result("sex").reason
    iectox = compare(frame, "cohort", ["sex"]).add_p()
    assert _p(iectox, "sex")[0] == "pearson_chi2"  # iectox's own policy looks at the levels in use


def test_presets_declare_what_the_tools_do():
    assert PRESETS["gtsummary"].adjustment == "fdr" and PRESETS["gtsummary"].quantile_type == 2
    assert PRESETS["r_tableone"].fisher_below is None and PRESETS["r_tableone"].rank_test == "kruskal_wallis"
    assert PRESETS["py_tableone"].fisher_2x2_only and PRESETS["py_tableone"].continuous == "welch_t"


def test_gtsummary_rounds_half_up_as_cards_round5():
    # cards R/round5.R: round5 <- function(x, digits = 0) trunc(abs(x) * 10^digits + 0.5 +
    #   sqrt(.Machine$double.eps)) / 10^digits * sign(as.numeric(x)); in R 4.2.2:
    # round5(6.25, 1) -> 6.3 (round(6.25, 1) -> 6.2); round5(12.5) -> 13 (round -> 12);
    # round5(2.675, 2) -> 2.68 (round -> 2.67); round5(-0.5) -> -1
    assert (round5(6.25, 1), round5(12.5, 0), round5(2.675, 2), round5(-0.5, 0)) == (6.3, 13.0, 2.68, -1.0)
    frame = pd.DataFrame({"g": ["A"] * 16 + ["B"] * 8, "x": ["yes"] + ["no"] * 15 + ["yes"] + ["no"] * 7})
    gt = comparison_frame(compare(frame, "g", ["x"], test_policy="gtsummary"), Formatter(digits=1))
    own = comparison_frame(compare(frame, "g", ["x"]), Formatter(digits=1))
    assert gt.iloc[2, 1] == "1 (6.3%)" and own.iloc[2, 1] == "1 (6.2%)"  # 1/16 = 6.25%
    whole = comparison_frame(compare(frame, "g", ["x"], test_policy="gtsummary"), Formatter(digits=0))
    assert whole.iloc[2, 2] == "1 (13%)"  # 1/8 = 12.5%: gtsummary prints 13%, Python's format 12%


def test_python_tableone_counts_blanks_as_a_level_none():
    frame = pd.DataFrame(
        {
            "g": list("AAAAABBBBBCCCCCC"),
            "s": [*"mffmffmmfm", None, None, None, None, None, "m"],
            "r": [*"ab", None, *"abababababab", None],
        }
    )
    # Python tableone 0.9.6: TableOne(frame, columns=["s", "r"], categorical=["s", "r"], groupby="g",
    # pval=True, htest_name=True) -> s 0.01112477574527163, r 0.82916895387984813, both
    # "Chi-squared (warning: expected count < 5)"; the blanks are a level "None" (include_null=True)
    table = compare(frame, "g", ["s", "r"], test_policy="py_tableone").add_p()
    assert _p(table, "s") == ("pearson_chi2", pytest.approx(0.01112477574527163, abs=1e-12))
    assert _p(table, "r") == ("pearson_chi2", pytest.approx(0.82916895387984813, abs=1e-12))
    # printed: s None 0 (0.0) 0 (0.0) 5 (83.3); f 3 (60.0) 2 (40.0) 0 (0.0); m 2 (40.0) 3 (60.0) 1 (16.7)
    assert _cells(table, "s") == [
        *("0 (0.0)", "0 (0.0)", "5 (83.3)"),
        *("3 (60.0)", "2 (40.0)", "0 (0.0)"),
        *("2 (40.0)", "3 (60.0)", "1 (16.7)"),
    ]
    assert [row.label for row in table.result("r").rows[1:]] == ["None", "a", "b"]


def test_gtsummary_chooses_with_every_group_even_an_empty_one():
    frame = pd.DataFrame(
        {"g": list("AAABBBCCC"), "s": [*"mfmffm", None, None, None], "x": [1.0, 2, 3, 4, 5, 6, *[np.nan] * 3]}
    )
    # x as tbl_summary(type = x ~ "continuous") (6 distinct values would otherwise be categorical)
    table = compare(frame, "g", ["s", Variable("x", kind="continuous")], test_policy="gtsummary").add_p()
    # R 4.2.2, with d <- data.frame(g, s, x) as above: length(unique(d$g)) -> 3, so kruskal.test(x ~ d$g)
    # -> chi-squared 3.85714285714285765 on 1 df, p 0.04953461343562679 (it drops the empty group)
    assert _p(table, "x") == ("kruskal_wallis", pytest.approx(0.04953461343562679, abs=1e-12))
    # table(d$g, d$s) has a row of zeros for C: min expected 0 -> fisher.test(tab)$p.value -> 1
    assert _p(table, "s") == ("fisher_exact", 1.0)
    assert "tested on 2 of 3 groups: no value in C" in table.result("x").warnings


def test_gtsummary_tests_a_mean_by_ranks_too(two):
    # gtsummary's default test depends on the summary type, not the statistic: a "{mean} ({sd})" is still
    # tested by wilcox.test(age ~ g, d) -> p 0.014193978061791923 (R 4.2.2)
    table = compare(two, "cohort", [Variable("age", summary="mean_sd")], test_policy="gtsummary").add_p()
    assert _p(table, "age") == ("mann_whitney", pytest.approx(0.014193978061791923, abs=1e-12))
