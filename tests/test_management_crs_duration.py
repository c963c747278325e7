"""How long a grade 1 CRS lasted, when onset or resolution were recorded as days only (issue 8).

The rule (`crs.grade1_persistent_tocilizumab`), as its pathway settings quote their sources:
- "ASCO guideline 2021 (Santomasso et al., J Clin Oncol 2021;39:3978): tocilizumab considered for grade 1 CRS
  persisting > 3 days" (crs.grade1_persistent_h = 72 h);
- "docs/sources.md, Management pathway: earlier for high-risk products (axi-cel, brexu-cel: > 24 h)"
  (crs.grade1_persistent_high_risk_h = 24 h).

A day-only time stands for its whole day: an onset on day D and a resolution on day D + 2 lasted more than
24 h (the onset was before the end of day D, the resolution at or after the start of day D + 2) and less
than 72 h. The audit used to call such a CRS "of unknown duration"; its duration is known in calendar days.
"""

from __future__ import annotations

import pandas as pd
import pytest

from iectox.management.adherence import adherence
from iectox.management.findings import INFO, WARNING
from iectox.management.pathway import default_pathway
from iectox.times import surely_longer
from management_factories import at, dataset, episode, evidence, infusion

RULE = "crs.grade1_persistent_tocilizumab"
AXI_CEL = [infusion(therapy="axicabtagene_ciloleucel")]  # high-risk: 24 h
TISA_CEL = [infusion(therapy="tisagenlecleucel")]  # 72 h


def _crs(onset_h, resolved_h, onset_day_only=False, resolved_day_only=False):
    """A grade 1 CRS from `onset_h` to `resolved_h` hours after 2024-01-10 08:00; a day-only end is its day."""
    crs = episode("EP-1", "CRS", onset_h, resolved_h, 1, day_only=onset_day_only)
    if resolved_day_only and resolved_h is not None:
        crs.update(resolved_at=at(resolved_h).normalize(), resolved_at_time_known=False)
    return crs


def _judge(crs, infusions):
    rows, findings = adherence(evidence(dataset([crs], [], infusions), default_pathway()))
    rows = rows[rows["rule"] == RULE].set_index("episode_id")
    return rows, [f for f in findings if f.rule == RULE]


def test_day_only_dates_two_days_apart_lasted_more_than_24_h():
    rows, [finding] = _judge(_crs(0, 48, True, True), AXI_CEL)  # 2024-01-10 to 2024-01-12, no hours
    assert rows.loc["EP-1", "outcome"] == "untreated"
    assert finding.severity == WARNING
    assert finding.sentence() == (
        "Grade 1 CRS lasting 2 calendar day(s) (more than 24 h) without tocilizumab; the pathway gives it "
        "when CRS persists."
    )
    assert "durée inconnue" not in finding.sentence("fr") and "2 jour(s) calendaire(s)" in finding.sentence(
        "fr"
    )


def test_day_only_dates_two_days_apart_lasted_less_than_72_h():
    rows, findings = _judge(_crs(0, 48, True, True), TISA_CEL)
    assert rows.empty and findings == []  # brief: at most 72 h, no tocilizumab due


def test_day_only_dates_four_days_apart_lasted_more_than_72_h():
    rows, [finding] = _judge(_crs(0, 96, True, True), TISA_CEL)
    assert rows.loc["EP-1", "outcome"] == "untreated" and finding.severity == WARNING
    assert "lasting 4 calendar day(s) (more than 72 h)" in finding.sentence()


def test_day_only_dates_three_days_apart_are_stated_in_days_when_undecided():
    rows, [finding] = _judge(_crs(0, 72, True, True), TISA_CEL)  # 48 to 96 h: 72 h may or may not be passed
    assert rows.loc["EP-1", "outcome"] == "undetermined" and finding.severity == INFO
    assert finding.sentence() == (
        "Grade 1 CRS lasting 3 calendar day(s) (48 to 96 h, hours not recorded): whether it persisted beyond "
        "72 h, so whether tocilizumab was due, cannot be checked."
    )


def test_an_exact_onset_and_a_day_only_resolution_keep_their_bound():
    # onset 2024-01-10 00:00 exactly, resolved on 2024-01-11: from 24 h (at 00:00) to 48 h, so not surely > 24 h
    crs = _crs(-8, 24, resolved_day_only=True)
    rows, [finding] = _judge(crs, AXI_CEL)
    assert rows.loc["EP-1", "outcome"] == "undetermined"
    assert "1 calendar day(s) (24 to 48 h, hours not recorded)" in finding.sentence()


@pytest.mark.parametrize(("resolved_h", "due"), [(24, False), (25, True)])
def test_timed_onset_and_resolution_decide_to_the_hour(resolved_h, due):
    rows, findings = _judge(_crs(0, resolved_h), AXI_CEL)
    assert ("EP-1" in rows.index) is due
    if due:
        assert "lasting 25.0 h (more than 24 h)" in findings[0].sentence()
    else:
        assert findings == []  # exactly 24 h is not more than 24 h


def test_without_a_resolution_the_duration_is_unknown():
    _, [finding] = _judge(_crs(0, None), AXI_CEL)
    assert finding.sentence().startswith("Grade 1 CRS of unknown duration")


def test_surely_longer_is_strict_after_a_day_only_start():
    day = pd.Series(pd.to_datetime(["2024-01-10"] * 3))  # the third is 00:00, exactly
    end = pd.Series(pd.to_datetime(["2024-01-12", "2024-01-11", "2024-01-11"]))
    start_known = pd.Series([False, False, True], dtype="boolean")
    end_known = pd.Series([False, False, False], dtype="boolean")
    assert surely_longer(day, start_known, end, end_known, 24).tolist() == [True, False, False]
    assert surely_longer(day, start_known, end, end_known, 0).tolist() == [True, True, True]
