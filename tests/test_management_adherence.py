"""Pathway adherence on hand-made episodes (docs/sources.md, "Management pathway"; every threshold a setting).

- CRS grade >= 2 -> tocilizumab within N h of reaching grade 2 (N: local target, default 2 h);
- grade 1 CRS persisting > 3 days (ASCO 2021), > 24 h for axi-cel / brexu-cel -> tocilizumab;
- CRS grade >= 3 -> corticosteroids; ICANS grade >= 2 -> corticosteroids within N h;
- ICANS without CRS -> corticosteroids, not tocilizumab.
Times known only to the day give calendar-day delays, never hour delays (dataset contract).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from iectox.management.adherence import adherence
from iectox.management.delays import infusion_timings
from iectox.management.findings import DEVIATION, INFO, WARNING
from iectox.management.pathway import default_pathway
from management_factories import dataset, dose, episode, evidence, graded, infusion, timed

PATHWAY = default_pathway()
SOURCES = (Path(__file__).parents[1] / "docs" / "sources.md").read_text(encoding="utf-8")


def _judge(episodes, doses, observed=None, infusions=None, pathway=PATHWAY):
    data = dataset(episodes, doses, infusions)
    rows, findings = adherence(evidence(data, pathway, observed))
    return rows.set_index(["rule", "episode_id"]), findings


def _severities(findings, rule):
    return [f.severity for f in findings if f.rule == rule]


def test_grade_2_crs_treated_1_h_after_grade_2_meets_a_2_h_target_5_h_does_not():
    crs = [episode("EP-1", "CRS", 0, 96, 2)]
    observed = graded([("INF-1", "CRS", 2, 10)])  # grade 2 first observed 10 h after onset
    rows, findings = _judge(crs, [dose("A1", "tocilizumab", 11, 560)], observed)
    assert rows.loc[("crs.tocilizumab", "EP-1"), "outcome"] == "met"
    assert rows.loc[("crs.tocilizumab", "EP-1"), "delay_h"] == 1
    assert _severities(findings, "crs.tocilizumab") == []
    rows, findings = _judge(crs, [dose("A1", "tocilizumab", 15, 560)], observed)
    assert rows.loc[("crs.tocilizumab", "EP-1"), "outcome"] == "late"
    assert rows.loc[("crs.tocilizumab", "EP-1"), "delay_h"] == 5
    [late] = [f for f in findings if f.rule == "crs.tocilizumab"]
    assert late.severity == DEVIATION and "5.0 h" in late.sentence() and "target 2 h" in late.sentence()


def test_the_target_is_a_setting():
    crs = [episode("EP-1", "CRS", 0, 96, 2)]
    observed = graded([("INF-1", "CRS", 2, 10)])
    rows, _ = _judge(
        crs,
        [dose("A1", "tocilizumab", 15, 560)],
        observed,
        pathway=PATHWAY.replace(crs__tocilizumab_within_h=6),
    )
    assert rows.loc[("crs.tocilizumab", "EP-1"), "outcome"] == "met"


def test_without_observations_the_onset_only_bounds_the_delay_from_grade_2():
    crs = [episode("EP-1", "CRS", 0, 96, 2)]
    rows, _ = _judge(crs, [dose("A1", "tocilizumab", 1, 560)])
    assert rows.loc[("crs.tocilizumab", "EP-1"), "outcome"] == "met"  # within 2 h of onset, so of grade 2
    rows, findings = _judge(crs, [dose("A1", "tocilizumab", 5, 560)])
    assert rows.loc[("crs.tocilizumab", "EP-1"), "outcome"] == "undetermined"  # never "late" on a guess
    assert pd.isna(rows.loc[("crs.tocilizumab", "EP-1"), "delay_h"])
    assert _severities(findings, "crs.tocilizumab") == [INFO]


def test_untreated_grade_2_crs_is_a_deviation():
    rows, findings = _judge([episode("EP-1", "CRS", 0, 96, 2)], [])
    assert rows.loc[("crs.tocilizumab", "EP-1"), "outcome"] == "untreated"
    assert _severities(findings, "crs.tocilizumab") == [DEVIATION]


CONSIDER = [
    # the rule, the episode, the quoted wording (docs/sources.md), the pathway's severity, the finding's
    (
        "crs.grade1_persistent_tocilizumab",
        ("CRS", 1),
        "tocilizumab considered when persistent",
        None,
        WARNING,
    ),
    (
        "crs.grade1_persistent_tocilizumab",
        ("CRS", 1),
        "tocilizumab considered when persistent",
        "deviation",
        DEVIATION,
    ),
    ("icans.corticosteroids", ("ICANS", 2), 'are worded "consider"', None, WARNING),
    ("icans.corticosteroids", ("ICANS", 2), 'are worded "consider"', "deviation", DEVIATION),
    ("icans.corticosteroids", ("ICANS", 3), "grade 3: dexamethasone 10 mg q6h", None, DEVIATION),
]


@pytest.mark.parametrize(("rule", "case", "quote", "severity", "expected"), CONSIDER)
def test_what_asco_says_to_consider_is_a_warning_unless_the_pathway_says_otherwise(
    rule, case, quote, severity, expected
):
    assert quote in " ".join(SOURCES.split())
    syndrome, grade = case
    setting = (
        "crs__grade1_persistent_severity" if syndrome == "CRS" else "icans__grade2_corticosteroid_severity"
    )
    pathway = PATHWAY if severity is None else PATHWAY.replace(**{setting: severity})
    observed = graded([("INF-1", syndrome, grade, 4)])
    rows, findings = _judge([episode("EP-1", syndrome, 0, 96, grade)], [], observed, pathway=pathway)
    assert rows.loc[(rule, "EP-1"), "outcome"] == "untreated"
    assert _severities(findings, rule) == [expected]


def test_grade_1_crs_lasting_4_days_untreated_is_reported():
    rows, findings = _judge([episode("EP-1", "CRS", 0, 96, 1)], [])
    assert rows.loc[("crs.grade1_persistent_tocilizumab", "EP-1"), "outcome"] == "untreated"
    [warning] = findings
    assert warning.severity == WARNING and "96.0 h (more than 72 h)" in warning.sentence()


def test_grade_1_crs_lasting_2_days_needs_no_tocilizumab_unless_the_product_is_high_risk():
    rows, findings = _judge([episode("EP-1", "CRS", 0, 48, 1)], [])
    assert ("crs.grade1_persistent_tocilizumab", "EP-1") not in rows.index and findings == []
    axi_cel = [infusion(therapy="axicabtagene_ciloleucel")]
    rows, findings = _judge([episode("EP-1", "CRS", 0, 48, 1)], [], infusions=axi_cel)
    assert rows.loc[("crs.grade1_persistent_tocilizumab", "EP-1"), "outcome"] == "untreated"
    assert "more than 24 h" in findings[0].sentence()


def test_persistent_grade_1_crs_treated_by_the_deadline_or_late():
    crs = [episode("EP-1", "CRS", 0, 120, 1)]  # due after 72 h, within 24 h more (settings)
    rows, _ = _judge(crs, [dose("A1", "tocilizumab", 90, 560)])
    assert rows.loc[("crs.grade1_persistent_tocilizumab", "EP-1"), "outcome"] == "met"
    rows, _ = _judge(crs, [dose("A1", "tocilizumab", 100, 560)])
    assert rows.loc[("crs.grade1_persistent_tocilizumab", "EP-1"), "outcome"] == "late"


def test_early_tocilizumab_for_a_brief_grade_1_crs_is_information_only():
    _, findings = _judge([episode("EP-1", "CRS", 0, 30, 1)], [dose("A1", "tocilizumab", 5, 560)])
    assert [(f.rule, f.severity) for f in findings] == [("crs.grade1_persistent_tocilizumab", INFO)]


def test_grade_3_crs_without_corticosteroids():
    crs = [episode("EP-1", "CRS", 0, 96, 3)]
    observed = graded([("INF-1", "CRS", 3, 2)])
    rows, findings = _judge(crs, [dose("A1", "tocilizumab", 3, 560)], observed)
    assert rows.loc[("crs.corticosteroids", "EP-1"), "outcome"] == "untreated"
    assert _severities(findings, "crs.corticosteroids") == [DEVIATION]
    rows, _ = _judge(crs, [dose("A1", "tocilizumab", 3, 560), dose("D1", "dexamethasone", 4, 10)], observed)
    assert rows.loc[("crs.corticosteroids", "EP-1"), "outcome"] == "met"


def test_grade_2_icans_needs_corticosteroids_within_the_target():
    icans = [episode("EP-2", "ICANS", 0, 72, 2)]
    observed = graded([("INF-1", "ICANS", 2, 4)])
    rows, _ = _judge(icans, [dose("D1", "dexamethasone", 5, 10, "ICANS")], observed)
    assert rows.loc[("icans.corticosteroids", "EP-2"), "outcome"] == "met"
    rows, findings = _judge(icans, [], observed)
    assert rows.loc[("icans.corticosteroids", "EP-2"), "outcome"] == "untreated"
    assert _severities(findings, "icans.corticosteroids") == [WARNING]  # ASCO: "consider" at grade 2


def test_icans_without_crs_gets_corticosteroids_not_tocilizumab():
    icans = [episode("EP-2", "ICANS", 0, 72, 2)]
    doses = [dose("D1", "dexamethasone", 1, 10, "ICANS"), dose("A1", "tocilizumab", 2, 560, "ICANS")]
    rows, findings = _judge(icans, doses)
    assert rows.loc[("icans.without_crs", "EP-2"), "outcome"] == "not_followed"
    assert _severities(findings, "icans.without_crs") == [DEVIATION]
    named = [(f.episode_id, f.administration_id) for f in findings if f.rule == "icans.without_crs"]
    assert named == [(None, "A1")]  # one event, one finding: on the dose, not again on the episode
    rows, _ = _judge(icans, doses[:1])
    assert rows.loc[("icans.without_crs", "EP-2"), "outcome"] == "met"
    with_crs = [episode("EP-1", "CRS", 0, 48, 2), *icans]
    rows, _ = _judge(with_crs, doses)
    assert ("icans.without_crs", "EP-2") not in rows.index  # CRS present: tocilizumab allowed


def test_icans_treated_with_tocilizumab_is_named_on_the_episode_when_no_dose_can_be():
    """CRS stated but not recorded: a dose cannot be said to be outside CRS, the ICANS episode still is."""
    icans = [episode("EP-2", "ICANS", 0, 72, 2)]
    doses = [dose("A1", "tocilizumab", 2, 560, "ICANS")]
    _, findings = _judge(icans, doses, infusions=[{**infusion(), "crs_status": "yes"}])
    named = [(f.episode_id, f.administration_id) for f in findings if f.rule == "icans.without_crs"]
    assert named == [("EP-2", None)]
    assert "(1 dose(s))" in next(f for f in findings if f.rule == "icans.without_crs").sentence()


def test_grades_on_another_scale_are_not_used_by_the_rules():
    rows, findings = _judge([episode("EP-1", "CRS", 0, 96, 3, scale="Lee2014")], [])
    assert ("crs.tocilizumab", "EP-1") not in rows.index
    assert [(f.rule, f.severity) for f in findings] == [("episode.grade_scale", INFO)]


def test_day_only_times_give_calendar_days_and_never_hour_delays():
    crs = [episode("EP-1", "CRS", 0, 96, 2, day_only=True)]
    doses = [dose("A1", "tocilizumab", 50, 560, day_only=True)]
    data = dataset(crs, doses)
    table = timed(data)
    assert pd.isna(table.loc[0, "hours_onset_to_tocilizumab"])
    assert table.loc[0, "calendar_days_onset_to_tocilizumab"] == 2
    per_infusion = infusion_timings(data, table)
    assert pd.isna(per_infusion.loc[0, "hours_crs_onset_to_tocilizumab"])
    assert per_infusion.loc[0, "calendar_days_crs_onset_to_tocilizumab"] == 2
    rows, findings = adherence(evidence(data))
    assert rows["delay_h"].isna().all()
    for found in findings:
        assert " h after" not in found.sentence()


def test_day_only_times_decide_a_target_only_when_every_possible_hour_agrees():
    crs = [episode("EP-1", "CRS", 0, 120, 2, day_only=True)]
    observed = graded([("INF-1", "CRS", 2, 0)])
    observed["first_grade2_at"] = observed["first_grade2_at"].dt.normalize()
    observed["first_grade2_at_time_known"] = False
    rows, findings = _judge(crs, [dose("A1", "tocilizumab", 72, 560, day_only=True)], observed)
    assert rows.loc[("crs.tocilizumab", "EP-1"), "outcome"] == "late"  # 2 to 4 days later: surely > 2 h
    assert "3 calendar day(s)" in next(f for f in findings if f.rule == "crs.tocilizumab").sentence()
    rows, _ = _judge(crs, [dose("A1", "tocilizumab", 1, 560, day_only=True)], observed)
    assert rows.loc[("crs.tocilizumab", "EP-1"), "outcome"] == "undetermined"  # same day: 0 to 24 h


def test_observations_outside_the_episode_say_nothing_about_it():
    crs = [episode("EP-1", "CRS", 0, 96, 2)]
    elsewhere = graded([("INF-1", "CRS", 2, 300)])  # grade 2 observed long after this episode resolved
    table = timed(dataset(crs, []), PATHWAY, elsewhere)
    assert pd.isna(table.loc[0, "first_grade2_at"]) and pd.isna(table.loc[0, "observed_grade"])
    never = graded([("INF-1", "CRS", 0, None)])  # observed, never at grade 1: no episode to compare
    _, findings = _judge(crs, [dose("A1", "tocilizumab", 1, 560)], never)
    assert [f.rule for f in findings] == []


def test_a_recorded_grade_the_observations_contradict_is_a_warning():
    crs = [episode("EP-1", "CRS", 0, 96, 1)]
    _, findings = _judge(crs, [], graded([("INF-1", "CRS", 2, 10)]))
    assert ("episode.grade_observed", "warning") in [(f.rule, f.severity) for f in findings]
