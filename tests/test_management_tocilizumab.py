"""Tocilizumab doses against the label (RoActemra SmPC 4.2 / Actemra USPI, CRS) and the pathway's spacing.

Label: 8 mg/kg IV for patients >= 30 kg, 12 mg/kg for < 30 kg, at most 800 mg per dose; repeat no sooner
than 8 h apart; at most 4 in total (tocilizumab label: "up to 3 additional doses"); at most 3 doses in 24 h (CAR-T
product information and ASCO 2021) (docs/sources.md, "Tocilizumab for CRS").
"""

from __future__ import annotations

import pandas as pd
import pytest

from iectox.management.adherence import adherence
from iectox.management.evidence import Evidence
from iectox.management.findings import DEVIATION, INFO, WARNING
from iectox.management.icans_rules import ICANS_WITHOUT_CRS
from iectox.management.pathway import default_pathway
from iectox.management.tocilizumab import (
    TOCILIZUMAB_DOSE,
    TOCILIZUMAB_DOSES_IN_WINDOW,
    TOCILIZUMAB_INTERVAL,
    TOCILIZUMAB_MAX_DOSE,
    TOCILIZUMAB_RULES,
    tocilizumab_doses,
)
from iectox.rules import Registry
from management_factories import dataset, dose, episode, infusion, timed

DOSE_RULES = Registry("tocilizumab", [*TOCILIZUMAB_RULES, ICANS_WITHOUT_CRS])
TOLERANCE = 0.10


# (weight kg, dose given mg, expected verdict of the dose check): the label dose is 12 mg/kg below 30 kg,
# 8 mg/kg from 30 kg, capped at 800 mg; +/-10 % tolerance (pathway setting).
DOSE_CASES = [
    (29.9, 358.8, None),  # 12 mg/kg x 29.9 kg
    (29.9, 239.2, DEVIATION),  # 8 mg/kg is an underdose below 30 kg
    (30.0, 240.0, None),  # 30 kg itself takes 8 mg/kg
    (30.0, 360.0, DEVIATION),  # 12 mg/kg is 150 % of the label dose at 30 kg
    (100.0, 800.0, None),  # 8 mg/kg reaches the cap exactly
    (120.0, 800.0, None),  # capped: 800 mg, not 960 mg
    (120.0, 960.0, DEVIATION),  # uncapped 8 mg/kg is 120 % of the capped dose
    (70.0, 616.0, None),  # +10 %: on the tolerance edge, within
    (70.0, 504.0, None),  # -10 %: on the edge, within
    (70.0, 616.5, DEVIATION),  # just beyond +10 %
    (70.0, 503.5, DEVIATION),  # just beyond -10 %
]


def _check(rule, pathway=None, **columns):
    """What one rule says about one dose, from a one-row doses table with only the columns it reads."""
    row = {"infusion_id": "INF-1", "episode_id": None, "administration_id": "ADM-1", **columns}
    evidence = Evidence(pathway or default_pathway(), pd.DataFrame(), pd.DataFrame([row]), pd.DataFrame())
    findings = rule.evaluate(evidence).findings
    assert len(findings) <= 1
    return findings[0] if findings else None


def _dose_check(dose_mg, weight_kg, pathway=None):
    """The dose rule on one dose as the audit computes it (label dose from the weight)."""
    _, findings = _doses([1], weight=weight_kg, dose_mg=dose_mg, pathway=pathway)
    found = [f for f in findings if f.rule == TOCILIZUMAB_DOSE.id]
    assert len(found) <= 1
    return found[0] if found else None


@pytest.mark.parametrize(("weight", "given", "verdict"), DOSE_CASES)
def test_dose_against_the_label_dose_at_this_weight(weight, given, verdict):
    found = _dose_check(given, weight)
    assert (found.severity if found else None) == verdict


def test_tolerance_is_a_setting():
    assert _dose_check(588.0, 70.0) is None  # 105 %
    strict = default_pathway().replace(tocilizumab__dose_tolerance=0.04)
    assert _dose_check(588.0, 70.0, strict).severity == DEVIATION


def test_the_800_mg_cap_is_checked_apart_from_the_tolerance():
    # 840 mg at 120 kg is within +10 % of the capped 800 mg, but above the label maximum per dose
    assert _dose_check(840.0, 120.0) is None
    assert _check(TOCILIZUMAB_MAX_DOSE, dose_mg=840.0).severity == DEVIATION
    assert _check(TOCILIZUMAB_MAX_DOSE, dose_mg=800.0) is None


def test_missing_weight_or_dose_is_said_not_guessed():
    assert _dose_check(560.0, None).severity == INFO
    assert "weight" in _dose_check(560.0, None).sentence()
    assert _dose_check(None, 70.0).severity == INFO


def _interval(low, high):
    return _check(TOCILIZUMAB_INTERVAL, since_previous_low_h=low, since_previous_high_h=high, given_at=1)


@pytest.mark.parametrize(
    ("low", "high", "verdict"), [(7.9, 7.9, DEVIATION), (8.0, 8.0, None), (12, 12, None)]
)
def test_repeat_no_sooner_than_8_hours(low, high, verdict):
    found = _interval(low, high)
    assert (found.severity if found else None) == verdict


def test_spacing_between_day_only_times_is_undetermined_not_guessed():
    assert _interval(-24.0, 24.0).severity == INFO
    assert _interval(24.0, 72.0) is None  # two days apart: surely more than 8 h


def test_window_count_check():
    def window(certain, possible):
        return _check(TOCILIZUMAB_DOSES_IN_WINDOW, doses_in_window=certain, doses_in_window_possible=possible)

    assert window(3, 3) is None
    assert window(4, 4).severity == DEVIATION
    assert window(3, 4).severity == INFO


def _audit_doses(data, pathway=None):
    """The doses table and the findings of every dose rule, as the audit runs them."""
    pathway = pathway or default_pathway()
    episodes = timed(data, pathway)
    table = tocilizumab_doses(data["administrations"], data["infusions"], episodes, pathway)
    _, findings = adherence(Evidence(pathway, episodes, table, pd.DataFrame()), DOSE_RULES)
    return table, findings


def _doses(
    hours: list[float],
    weight: float | None = 70.0,
    episodes=None,
    reason: str = "CRS",
    dose_mg: float | None = 560.0,
    pathway=None,
):
    data = dataset(
        episodes or [episode("EP-1", "CRS", 0, 200, 2)],
        [dose(f"ADM-{i}", "tocilizumab", h, dose_mg, reason) for i, h in enumerate(hours, 1)],
        [infusion(weight_kg=weight)],
    )
    return _audit_doses(data, pathway)


def _rules(findings, severity=DEVIATION):
    return {(f.administration_id, f.rule) for f in findings if f.severity == severity}


def test_spacing_7_9_h_is_a_deviation_8_h_is_not():
    _, findings = _doses([1, 8.9])
    assert ("ADM-2", "tocilizumab.interval") in _rules(findings)
    _, findings = _doses([1, 9])
    assert _rules(findings) == set()


def test_a_4th_dose_within_24_h_is_flagged_on_that_dose():
    table, findings = _doses([1, 9, 17, 24])  # the 4th comes 23 h after the first
    assert ("ADM-4", "tocilizumab.doses_in_window") in _rules(findings)
    assert table.set_index("administration_id").loc["ADM-4", "doses_in_window"] == 4
    _, findings = _doses([1, 9, 17, 25])  # q8h: the 4th opens the next 24 h
    assert _rules(findings) == set()


def test_a_5th_dose_in_one_episode_is_flagged():
    table, findings = _doses([1, 13, 25, 37, 49])
    assert _rules(findings) == {("ADM-5", "tocilizumab.doses_per_episode")}
    assert table["dose_number_in_episode"].tolist() == [1, 2, 3, 4, 5]


def test_tocilizumab_for_icans_without_concurrent_crs_is_flagged():
    icans_only = [episode("EP-2", "ICANS", 0, 72, 2)]
    _, findings = _doses([5], episodes=icans_only, reason="ICANS")
    assert _rules(findings) == {("ADM-1", ICANS_WITHOUT_CRS.id)}  # once, on the dose, not again on EP-2
    with_crs = [episode("EP-1", "CRS", 0, 48, 1), episode("EP-2", "ICANS", 2, 72, 2)]
    _, findings = _doses([5], episodes=with_crs, reason="ICANS")
    assert _rules(findings) == set()


def test_tocilizumab_for_crs_outside_any_crs_episode_is_a_warning():
    _, findings = _doses([100], episodes=[episode("EP-1", "CRS", 0, 48, 1)])
    assert _rules(findings, WARNING) == {("ADM-1", "tocilizumab.no_crs_episode")}


def test_each_finding_names_its_dose_infusion_and_episode():
    _, findings = _doses([1, 8.9])
    spacing = next(f for f in findings if f.rule == "tocilizumab.interval")
    assert (spacing.infusion_id, spacing.episode_id, spacing.administration_id) == ("INF-1", "EP-1", "ADM-2")
    assert "7.9 h" in spacing.sentence() and "8 h" in spacing.sentence()


def test_a_dose_without_a_time_is_not_judged_on_spacing_or_indication():
    data = dataset([episode("EP-1", "CRS", 0, 48, 2)], [dose("ADM-1", "tocilizumab", None, 560.0)])
    _, findings = _audit_doses(data)
    assert [(f.rule, f.severity) for f in findings] == [("tocilizumab.interval", INFO)]
