"""`recheck`: which test reproduces each printed p-value, at the printed precision, on the seed and beyond."""

from __future__ import annotations

import json
from importlib import resources

import pytest
from typer.testing import CliRunner

from iectox.cli.commands import app
from iectox.errors import SpecError
from iectox.published import parse_summary_table, read_summary_table
from iectox.published.recheck import printed_p, recheck

SEED = resources.files("iectox").joinpath("data", "seed", "published_tables.json")


@pytest.fixture(scope="module")
def seed_rows():
    return {row.name: row for row in recheck(read_summary_table(str(SEED)))}


@pytest.mark.parametrize(
    ("text", "matching", "not_matching"),
    [
        ("0.0270", 0.02704, 0.02706),  # four decimals: round(p, 4) == 0.0270
        ("0.6356", 0.6356168, 0.63565001),
        (".02", 0.0249, 0.0251),  # two decimals, no leading zero
        ("0.0001", 0.00014, 0.00016),  # small but not a bound
        ("<0.001", 0.00099, 0.001),  # a bound: p < 0.001
        ("< .05", 0.049, 0.05),
        ("≤0.001", 0.001, 0.0011),
        (">0.999", 0.9995, 0.999),  # a bound: p > 0.999
        ("1.17E-04", 1.1749e-4, 1.1751e-4),  # three significant digits
        ("2.5e-10", 2.54e-10, 2.56e-10),
        ("0.999", 1.0, 0.9984),  # a run of nines is the usual cap: any larger p prints so
        (".99", 0.9999, 0.9849),
        ("1.000", 0.99996, 0.9994),
        ("p = 0.03", 0.031, 0.036),
    ],
)
def test_printed_precision_decides_what_reproduces(text, matching, not_matching):
    printed = printed_p(text)
    assert printed.matches(matching)
    assert not printed.matches(not_matching)


@pytest.mark.parametrize("text", ["n.s.", "0.05*", "1.5", ""])
def test_a_p_value_that_is_not_one_is_a_spec_error(text):
    with pytest.raises(SpecError):
        printed_p(text)


def test_seed_sex_age_and_weight_reproduce(seed_rows):
    assert seed_rows["sex"].status == "reproduced"
    assert seed_rows["sex"].reproduced_by == ("pearson_chi2",)
    for name in ("age", "weight"):
        assert seed_rows[name].status == "reproduced"
        assert seed_rows[name].reproduced_by == ("welch_t",)
        # From printed means and SDs: the methods with an aggregate form that compare two groups, no ANOVA.
        assert [t.test for t in seed_rows[name].tests] == ["welch_t", "student_t"]


def test_seed_means_without_sds_are_not_recomputable(seed_rows):
    for name in ("tocilizumab_dose_mg", "days_crs_onset_to_tocilizumab", "tocilizumab_injections"):
        row = seed_rows[name]
        assert row.status == "not_recomputable"
        assert row.tests == ()
        assert any("means without SDs" in note for note in row.notes)


def test_seed_indication_has_no_reported_p_but_is_still_computed(seed_rows):
    row = seed_rows["indication"]
    assert row.status == "no_reported_p"
    assert [t.test for t in row.tests] == ["pearson_chi2", "fisher_exact"]


def test_seed_count_contradictions_are_reported_with_the_variable(seed_rows):
    assert "crs_grade, real_life: levels add up to 360 of 361" in seed_rows["crs_grade"].consistency
    assert "icans_grade, trial: levels add up to 48 of 40" in seed_rows["icans_grade"].consistency


def test_seed_rows_no_standard_test_reproduces(seed_rows):
    # What the printed counts give (values checked against R in test_stats_methods): none rounds to the print.
    for name in ("crs_grade", "icans_grade", "tocilizumab", "corticosteroids_with_tocilizumab"):
        assert seed_rows[name].status == "not_reproduced", name
    ordinal = {t.test for t in seed_rows["crs_grade"].tests}
    # ordinal counts are rank data too: wilcox.test and coin's wilcox_test (exact and asymptotic) rank them
    assert ordinal == {
        "pearson_chi2",
        "fisher_exact",
        "mann_whitney",
        "wilcoxon_exact",
        "wilcoxon_asymptotic",
    }
    # 195/5 vs 20/0: Yates and Fisher give p = 1, which prints as the capped "0.999"
    assert seed_rows["crs_outcome"].reproduced_by == ("yates_chi2", "fisher_exact")


def _table(variables: list[dict]) -> dict:
    return {
        "format": "summary-table/1",
        "groups": {"a": {"label": "A", "n": 6}, "b": {"label": "B", "n": 5}, "c": {"label": "C", "n": 5}},
        "variables": variables,
    }


def test_raw_values_get_every_applicable_test_including_rank_tests():
    a, b = [5.1, 4.9, 6.2, 5.8, 6.0, 5.5], [6.5, 6.0, 7.1, 6.8, 5.9]
    variable = {
        "name": "x",
        "type": "continuous",
        "summary": {"a": {"values": a}, "b": {"values": b}},
        "reported_p": "0.0441",  # wilcox.test(a, b)$p.value: 0.0441255695495927 (6.0 is tied: normal approx.)
    }
    (row,) = recheck(parse_summary_table(_table([variable])))
    # coin: pvalue(wilcox_test(y ~ g, distribution = "exact")) = 0.0346320346320346, pvalue(wilcox_test(y ~ g))
    # = 0.0353443284075279 (R 4.2.2, coin 1.4-2): neither prints as 0.0441
    assert [t.test for t in row.tests] == [
        "welch_t",
        "student_t",
        "mann_whitney",
        "wilcoxon_exact",
        "wilcoxon_asymptotic",
    ]
    assert [t.p_value for t in row.tests[3:]] == pytest.approx(
        [0.0346320346320346, 0.0353443284075279], rel=1e-10
    )
    assert row.reproduced_by == (
        "mann_whitney",
    )  # t.test(a, b): 0.02066; t.test(a, b, var.equal=TRUE): 0.01982


def test_three_groups_from_means_and_sds_use_anova_with_the_group_n():
    variable = {
        "name": "x",
        "type": "continuous",
        "summary": {
            "a": {"mean": 5.5, "sd": 0.5},
            "b": {"mean": 6.5, "sd": 0.6},
            "c": {"mean": 6.0, "sd": 0.5, "n": 4},
        },
        "reported_p": "0.04",
    }
    (row,) = recheck(parse_summary_table(_table([variable])))
    assert [t.test for t in row.tests] == ["anova", "welch_anova"]
    assert "F on 2 and 12" in row.tests[0].detail  # n = 6 + 5 from the groups, 4 from the variable
    # Welch's F from the printed moments (R 4.2.2, oneway.test's formula on m, s, n): 4.12366862475799 on 2 and
    # 7.32509762644727 df, p = 0.0631476779410561
    assert row.tests[1].p_value == pytest.approx(0.0631476779410561, rel=1e-10)


def test_three_groups_of_ordinal_counts_are_also_ranked_by_kruskal_wallis():
    variable = {
        "name": "grade",
        "type": "ordinal",
        "counts": {
            "a": {"0": 4, "1": 2, "2": 0},
            "b": {"0": 1, "1": 2, "2": 2},
            "c": {"0": 0, "1": 1, "2": 4},
        },
        "reported_p": "0.0160",
    }
    (row,) = recheck(parse_summary_table(_table([variable])))
    assert [t.test for t in row.tests] == ["pearson_chi2", "fisher_exact", "kruskal_wallis"]
    ranked = row.tests[-1]
    assert ranked.detail.endswith("; levels ranked in their written order")
    # H with the tie correction, as scipy.stats.kruskal on the same grades: 8.26446280991735, p 0.0160470
    assert (ranked.statistic, ranked.p_value) == pytest.approx((8.26446280991735, 0.0160470314169), rel=1e-9)
    assert row.reproduced_by == ("kruskal_wallis",)


def test_medians_only_and_a_stated_test_that_does_not_reproduce_are_findings():
    medians = {
        "name": "m",
        "type": "continuous",
        "summary": {"a": {"median": 3, "q1": 2, "q3": 4}, "b": {"median": 5, "q1": 4, "q3": 6}},
        "reported_p": "0.01",
    }
    stated = {
        "name": "s",
        "type": "categorical",
        "counts": {"a": {"Yes": 1, "No": 5}, "b": {"Yes": 4, "No": 1}},
        "reported_p": "0.01",
        "stated_test": "fisher_exact",
    }
    rows = recheck(parse_summary_table(_table([medians, stated])))
    assert rows[0].status == "not_recomputable"
    assert "median and quartiles only" in rows[0].notes[0]
    assert rows[1].status == "not_reproduced"
    assert any("stated test fisher_exact" in note for note in rows[1].notes)


def test_cli_prints_a_table_and_writes_one_json_object_per_variable(tmp_path):
    out = tmp_path / "recheck.json"
    result = CliRunner().invoke(app, ["recheck", str(SEED), "--json", str(out)], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "pearson_chi2" in result.output and "not_recomputable" in result.output
    rows = json.loads(out.read_text(encoding="utf-8"))
    assert len(rows) == 12
    sex = rows[0]
    assert {"name", "status", "reproduced_by", "tests", "consistency"} <= set(sex)
    assert sex["reproduced_by"] == ["pearson_chi2"]
    assert sex["tests"][0]["test"] == "pearson_chi2"
    assert sex["tests"][0]["p"] == pytest.approx(
        0.635616817978311, rel=1e-9
    )  # chisq.test(sex, correct=FALSE)


def test_cli_reports_a_malformed_file_and_exits_2(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "summary-table/1", "groups": {}}', encoding="utf-8")
    result = CliRunner().invoke(app, ["recheck", str(bad)])
    assert result.exit_code == 2
