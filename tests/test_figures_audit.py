"""The audit's figures say what its tables say: asserted on the plotted data, never on pixels (issue 8)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from iectox.management.kpis import COLUMNS
from iectox.render.audit_figures import kpi_trend

RULE = "crs.onset_to_tocilizumab"


def _quarters(cells: list[tuple[str, str, int, int, float]]) -> pd.DataFrame:
    """A `kpis_by_quarter` table from (cohort, quarter, n, met, median delay h)."""
    rows = []
    for cohort, quarter, n, met, median in cells:
        row = dict.fromkeys(COLUMNS, 0)
        row.update(rule=RULE, cohort=cohort, quarter=quarter, n=n, met=met, share_met=met / n)
        row.update(n_delay=n, median_delay_h=median, q1_delay_h=median, q3_delay_h=median, target_h="24")
        rows.append(row)
    return pd.DataFrame(rows)


def test_the_trend_breaks_at_a_quarter_without_an_eligible_episode():
    table = _quarters([("a", "2023-Q1", 4, 2, 10.0), ("a", "2023-Q3", 2, 2, 20.0)])  # nothing in 2023-Q2
    fig = kpi_trend(table, None, "en")
    share_ax, delay_ax = fig.axes
    assert [t.get_text() for t in delay_ax.get_xticklabels()] == ["2023-Q1", "2023-Q2", "2023-Q3"]
    for ax, expected in ((share_ax, [50.0, None, 100.0]), (delay_ax, [10.0, None, 20.0])):
        [line] = ax.get_lines()
        assert list(line.get_xdata()) == [0, 1, 2]
        y = list(line.get_ydata())
        assert math.isnan(y[1]) and [y[0], y[2]] == pytest.approx([expected[0], expected[2]])
    assert [t.get_text() for t in share_ax.texts] == ["2/4", "2/2"]  # no label on the empty quarter


def test_a_quarter_empty_for_one_cohort_only_breaks_that_cohorts_line():
    table = _quarters(
        [("a", "2023-Q1", 1, 1, 5.0), ("b", "2023-Q2", 1, 0, 30.0), ("a", "2023-Q3", 1, 0, 40.0)]
    )
    share_ax = kpi_trend(table, None, "en").axes[0]
    a, b = share_ax.get_lines()
    assert [math.isnan(v) for v in a.get_ydata()] == [False, True, False]
    assert [math.isnan(v) for v in b.get_ydata()] == [True, False, True]
