"""Reading `summary-table/1` files and checking a published table's own arithmetic, on the seed study."""

from __future__ import annotations

import copy
import json
import re
from importlib import resources

import pytest

from iectox.errors import SpecError
from iectox.published import consistency_findings, parse_summary_table, read_summary_table
from iectox.published.consistency import LEVELS_VS_N, PERCENT_VS_COUNT, SUBPOPULATION, YES_VS_GRADES

SEED = resources.files("iectox").joinpath("data", "seed", "published_tables.json")


@pytest.fixture(scope="module")
def seed_json() -> dict:
    return json.loads(SEED.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def seed():
    return read_summary_table(str(SEED))


def test_groups_keep_their_order_label_and_n(seed):
    assert [(g.id, g.label, g.n) for g in seed.groups] == [
        ("real_life", "Real-life population", 361),
        ("trial", "Clinical trials population", 40),
    ]


def test_variables_in_order_with_types_and_reported_p_as_printed(seed):
    assert [v.name for v in seed.variables] == [
        "sex",
        "age",
        "weight",
        "crs_outcome",
        "indication",
        "crs_grade",
        "icans_grade",
        "tocilizumab",
        "tocilizumab_dose_mg",
        "days_crs_onset_to_tocilizumab",
        "tocilizumab_injections",
        "corticosteroids_with_tocilizumab",
    ]
    crs = seed.variable("crs_grade")
    assert crs.type == "ordinal"
    assert list(crs.counts["real_life"].items()) == [
        ("No", 57),
        ("Grade 1", 255),
        ("Grade 2", 45),
        ("Grade 3", 3),
    ]
    assert crs.reported_p == "0.0270"  # the trailing zero is part of the printed precision
    assert seed.variable("indication").reported_p is None
    assert "Median" in seed.variable("age").note


def test_continuous_summaries_keep_printed_precision(seed):
    days = seed.variable("days_crs_onset_to_tocilizumab").summary["real_life"]
    assert (days.mean, days.n, days.printed["mean"], days.decimals("mean")) == (2.0, 200, "2.0", 1)
    age = seed.variable("age").summary["trial"]
    assert (age.mean, age.sd, age.n) == (59.1, 13.6, None)
    assert seed.n(seed.variable("age"), "trial") == 40  # falls back to the group size


def test_the_seed_findings_are_exactly_the_two_contradictions_and_two_subpopulations(seed):
    findings = consistency_findings(seed)
    contradictions = [f for f in findings if f.contradiction]
    assert [f.message for f in contradictions] == [
        "crs_grade, real_life: levels add up to 360 of 361",
        "icans_grade, trial: levels add up to 48 of 40",
    ]
    assert [(f.variable, f.group, f.kind, f.expected, f.found) for f in contradictions] == [
        ("crs_grade", "real_life", LEVELS_VS_N, 361, 360),
        ("icans_grade", "trial", LEVELS_VS_N, 40, 48),
    ]
    subpopulations = {(f.variable, f.group) for f in findings if f.kind == SUBPOPULATION}
    assert subpopulations == {
        (v, g) for v in ("crs_outcome", "corticosteroids_with_tocilizumab") for g in ("real_life", "trial")
    }
    outcome = next(f for f in findings if f.variable == "crs_outcome" and f.group == "real_life")
    assert outcome.message == (
        "crs_outcome, real_life: levels add up to 200 of 361, the count of tocilizumab = Yes; "
        "read as that sub-population"
    )


def test_a_yes_total_is_checked_against_its_grades_and_not_double_counted(seed_json):
    data = copy.deepcopy(seed_json)
    icans = next(v for v in data["variables"] if v["name"] == "icans_grade")
    icans["counts"]["trial"] = {"Yes": 17, "Grade 1": 8, "Grade 2": 4, "Grade 3": 2, "Grade 4": 2, "No": 24}
    findings = [f for f in consistency_findings(parse_summary_table(data)) if f.variable == "icans_grade"]
    assert [(f.group, f.kind, f.message) for f in findings] == [
        ("trial", YES_VS_GRADES, "icans_grade, trial: 'Yes' is 17 but its grades add up to 16"),
    ]  # the levels (Yes left out) add up to 40: no levels-vs-n finding


def test_percentages_are_checked_against_counts_over_the_subpopulation(seed_json):
    data = copy.deepcopy(seed_json)
    steroids = next(v for v in data["variables"] if v["name"] == "corticosteroids_with_tocilizumab")
    steroids["percentages"] = {"real_life": {"Yes": 53.5}, "trial": {"Yes": 60.0}}
    findings = [f for f in consistency_findings(parse_summary_table(data)) if f.kind == PERCENT_VS_COUNT]
    assert [f.message for f in findings] == [
        "corticosteroids_with_tocilizumab, trial: Yes printed as 60.0% but 13/20 is 65.0%"
    ]


def _broken(seed_json: dict, edit) -> dict:
    data = copy.deepcopy(seed_json)
    edit(data)
    return data


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d.update(format="summary-table/2"), "format: must be 'summary-table/1'"),
        (
            lambda d: d["variables"][0]["counts"]["trial"].update(Male=-1),
            "variables[0] (sex).counts.trial.Male: must be a whole number >= 0, got -1",
        ),
        (lambda d: d["variables"][0].update(reported_p=0.6356), "must be the p-value as printed, in quotes"),
        (
            lambda d: d["variables"][0]["counts"].update(other={"Male": 1}),
            "group 'other' is not declared in groups",
        ),
        (
            lambda d: d["variables"][1]["summary"]["trial"].update(median_age=50),
            "unknown field(s) median_age",
        ),
        (lambda d: d["variables"][1].update(type="numeric"), "type: must be one of categorical, ordinal"),
        (lambda d: d["variables"].append(copy.deepcopy(d["variables"][0])), "variable 'sex' appears twice"),
        (lambda d: d["variables"][1].update(stated_test="t_test"), "stated_test: must be one of"),
        (lambda d: d["groups"]["trial"].update(n="forty"), "groups.trial.n: must be a whole number"),
        (lambda d: d.update(groups={}), "groups: must name at least one group"),
    ],
)
def test_malformed_tables_raise_spec_error_saying_where(seed_json, edit, message):
    with pytest.raises(SpecError, match=re.escape(message)):
        parse_summary_table(_broken(seed_json, edit), source="t.json")


def test_unreadable_files_raise_spec_error(tmp_path):
    with pytest.raises(SpecError, match="cannot be read"):
        read_summary_table(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "summary-table/1",', encoding="utf-8")
    with pytest.raises(SpecError, match=r"bad.json: not valid JSON"):
        read_summary_table(bad)
