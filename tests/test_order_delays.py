"""The delays of a pharmacy order, step by step, from the toxicity's onset to the patient."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from iectox.management.order_delays import DELAYS, order_delay_summary, order_delays

T = pd.Timestamp


def orders() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "drug": ["tocilizumab", "tocilizumab", "dexamethasone"],
            "onset_at": [T("2024-03-06 10:00"), T("2024-03-07"), pd.NaT],
            "onset_at_time_known": [True, False, None],
            "ordered_at": [T("2024-03-06 10:30"), T("2024-03-07 09:00"), T("2024-03-08 08:00")],
            "validated_at": [T("2024-03-06 10:45"), T("2024-03-07 09:30"), T("2024-03-08 08:10")],
            "prepared_at": [T("2024-03-06 11:15"), T("2024-03-07 10:00"), pd.NaT],
            "dispensed_at": [T("2024-03-06 11:30"), T("2024-03-07 10:06"), pd.NaT],
            "administered_at": [T("2024-03-06 12:00"), T("2024-03-07"), pd.NaT],
            "administered_at_time_known": [True, False, None],
        },
        index=[11, 12, 13],
    )


def test_each_step_in_hours():
    delays = order_delays(orders())
    assert list(delays.index) == [11, 12, 13]
    first = delays.loc[11].to_dict()
    assert first == {
        "hours_onset_to_ordered": 0.5,
        "hours_ordered_to_validated": 0.25,
        "hours_validated_to_prepared": 0.5,
        "hours_prepared_to_dispensed": 0.25,
        "hours_dispensed_to_administered": 0.5,
        "hours_ordered_to_administered": 1.5,
        "hours_onset_to_administered": 2.0,
    }


def test_a_day_only_time_or_a_step_not_reached_gives_no_hours():
    delays = order_delays(orders())
    second = delays.loc[12]
    # onset known to the day only, administration known to the day only: blank, never guessed
    assert second.isna().to_dict() == {
        "hours_onset_to_ordered": True,
        "hours_ordered_to_validated": False,
        "hours_validated_to_prepared": False,
        "hours_prepared_to_dispensed": False,
        "hours_dispensed_to_administered": True,
        "hours_ordered_to_administered": True,
        "hours_onset_to_administered": True,
    }
    assert second["hours_prepared_to_dispensed"] == pytest.approx(0.1)
    third = delays.loc[13]
    assert third["hours_ordered_to_validated"] == pytest.approx(10 / 60)
    assert third.drop("hours_ordered_to_validated").isna().all()


def test_columns_are_required():
    with pytest.raises(ValueError, match="dispensed_at"):
        order_delays(orders().drop(columns="dispensed_at"))


def test_summary_median_and_quartiles_type_7():
    frame = pd.DataFrame(
        {
            "onset_at": [T("2024-01-01 00:00")] * 4,
            **{f"{s}_at": [pd.NaT] * 4 for s in ("validated", "prepared", "dispensed", "administered")},
            "ordered_at": [T("2024-01-01 01:00"), T("2024-01-01 02:00"), T("2024-01-01 04:00"), pd.NaT],
            "drug": ["tocilizumab", "tocilizumab", "dexamethasone", "tocilizumab"],
        }
    )
    delays = order_delays(frame).assign(drug=frame["drug"])
    whole = order_delay_summary(delays).set_index("delay")
    assert list(whole.index) == [f"hours_{a}_to_{b}" for a, b in DELAYS]
    onset = whole.loc["hours_onset_to_ordered"]
    # R: quantile(c(1, 2, 4), c(.25, .5, .75)) -> 1.5 2.0 3.0
    assert (onset["n"], onset["median_h"], onset["q1_h"], onset["q3_h"]) == (3, 2.0, 1.5, 3.0)
    assert whole.loc["hours_ordered_to_validated", "n"] == 0
    assert math.isnan(whole.loc["hours_ordered_to_validated", "median_h"])
    by_drug = order_delay_summary(delays, by=["drug"])
    toci = by_drug[(by_drug["drug"] == "tocilizumab") & (by_drug["delay"] == "hours_onset_to_ordered")]
    assert toci[["n", "median_h"]].to_numpy().tolist() == [[2, 1.5]]
    assert list(by_drug["drug"].unique()) == ["dexamethasone", "tocilizumab"]
