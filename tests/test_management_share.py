"""The share within target says "3 met of 8" as 3/8, wherever it is shown (issue 8).

Without graded observations a "within 2 h of grade 2" rule can show a dose met (given within 2 h of the
onset, so within 2 h of grade 2) but never late: a dose 5 h after onset is undetermined. Eight grade 2 CRS,
three treated 1 h after onset and five 5 h after onset, are 3 met of 8. The share used to leave the five
undetermined out of its denominator and read 3/3 (100 %), as if the pathway had always been followed.
"""

from __future__ import annotations

import pytest

from iectox.management.audit import audit
from iectox.management.crs_rules import CRS_TOCILIZUMAB
from iectox.render.audit_figures import kpi_trend
from iectox.render.audit_html import render
from management_factories import dataset, dose, episode, infusion

EIGHT = [f"INF-{i}" for i in range(8)]


@pytest.fixture(scope="module")
def result():
    infusions = [infusion(i, day="2024-01-08") for i in EIGHT]
    episodes = [episode(f"EP-{i}", "CRS", 0, 96, 2, infusion_id=i) for i in EIGHT]
    doses = [
        dose(f"A-{i}", "tocilizumab", 1 if k < 3 else 5, 560, infusion_id=i) for k, i in enumerate(EIGHT)
    ]
    return audit(dataset(episodes, doses, infusions))


def _row(frame, rule=CRS_TOCILIZUMAB.id):
    [row] = frame[frame["rule"] == rule].to_dict("records")
    return row


def test_the_share_is_met_over_every_eligible_episode(result):
    row = _row(result.kpis_by_cohort)
    assert (row["n"], row["met"], row["undetermined"]) == (8, 3, 5)
    assert row["share_met"] == pytest.approx(3 / 8)
    assert _row(result.kpis_by_quarter)["share_met"] == pytest.approx(3 / 8)


def test_the_audit_page_says_3_of_8(result):
    page = render(result, [], {}, "en")
    assert "3/8 (37.5%)" in page and "3/3" not in page


def test_the_trend_point_and_its_label_say_3_of_8(result):
    fig = kpi_trend(result, None, "en", rule=CRS_TOCILIZUMAB.id)
    share_ax = fig.axes[0]
    [line] = share_ax.get_lines()
    assert list(line.get_ydata()) == pytest.approx([37.5])
    assert [t.get_text() for t in share_ax.texts] == ["3/8"]
