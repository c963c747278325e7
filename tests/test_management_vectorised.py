"""The audit's shortcuts at scale give exactly what the row-by-row definitions give.

An audit of a national registry judges hundreds of thousands of doses and courses: the label dose is computed
on the whole column, a regimen once per distinct course description, a delay's words only for the rows a
finding states. Each shortcut is checked here against the definition it replaces.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from iectox.management import corticosteroids, tocilizumab
from iectox.management.audit import audit
from iectox.management.corticosteroids import _reasons, _regimen, _regimens, corticosteroid_courses
from iectox.management.dosing import tocilizumab_dose_mg
from iectox.management.episodes import audit_episodes
from iectox.management.evidence import emit
from iectox.management.findings import Delay, delays
from iectox.management.kpis import kpis_by_quarter
from iectox.management.pathway import default_pathway
from iectox.synth import generate
from iectox.times import delay_bounds

PATHWAY = default_pathway()


@pytest.fixture(scope="module")
def cohort():
    return generate(600, seed=5)


def test_the_label_dose_is_computed_once_for_the_whole_column(cohort, monkeypatch):
    calls = []

    def counted(weight):
        calls.append(np.size(weight))
        return tocilizumab_dose_mg(weight)

    monkeypatch.setattr(tocilizumab, "tocilizumab_dose_mg", counted)
    episodes = audit_episodes(cohort, PATHWAY)
    doses = tocilizumab.tocilizumab_doses(cohort["administrations"], cohort["infusions"], episodes, PATHWAY)
    assert len(calls) == 1 and calls[0] == len(doses) > 100
    weight = doses["weight_kg"].tolist()
    expected = [np.nan if pd.isna(w) else tocilizumab_dose_mg(float(w)) for w in weight]
    assert doses["label_dose_mg"].tolist() == pytest.approx(expected, nan_ok=True)


def test_a_regimen_is_worked_out_once_per_distinct_course(cohort, monkeypatch):
    courses = corticosteroid_courses(cohort["administrations"], cohort["infusions"], PATHWAY)
    weights = courses["infusion_id"].map(cohort["infusions"].set_index("infusion_id")["weight_kg"])
    calls = []
    monkeypatch.setattr(corticosteroids, "_regimen", lambda *a: calls.append(a) or _regimen(*a))
    no_taper = pd.Series(-1, index=courses.index)
    found = _regimens(courses, weights.astype("float64"), no_taper, PATHWAY)
    expected = [
        _regimen(drug, dose, weight, interval, n, -1, PATHWAY)
        for drug, dose, weight, interval, n in zip(
            courses["drug"],
            courses["dose_mg"],
            weights,
            courses["median_interval_h"],
            courses["doses"],
            strict=True,
        )
    ]
    assert found == expected
    methylprednisolone = (courses["drug"] == "methylprednisolone") | (weights < 20)  # a child's dexamethasone
    distinct = {
        (drug, repr(dose), repr(weight if mp else np.nan), repr(interval), min(n, 2))
        for drug, dose, weight, interval, n, mp in zip(
            courses["drug"],
            courses["dose_mg"],
            weights,
            courses["median_interval_h"],
            courses["doses"],
            methylprednisolone,
            strict=True,
        )
    }
    assert len(courses) > 100 and len(calls) == len(distinct) < len(courses)


def test_reasons_of_a_course_are_its_distinct_reasons_in_order():
    doses = pd.DataFrame(
        {
            "course": [1, 1, 1, 2, 3, 3, 4],
            "reason": pd.array(["ICANS", "CRS", "ICANS", None, "prophylaxis", "CRS", "CRS"], dtype="string"),
        }
    )
    assert _reasons(doses).to_dict() == {1: "CRS, ICANS", 3: "CRS, prophylaxis", 4: "CRS"}


def test_delays_are_worded_only_for_the_rows_a_finding_states():
    frame = pd.DataFrame({"infusion_id": ["A", "B", "C"], "episode_id": ["A:1", None, "C:1"]})
    hours = pd.Series([1.5, pd.NA, 30.0], dtype="Float64")
    days = pd.Series([0.0, 2.0, 1.0], dtype="Float64")
    mask = pd.Series([False, True, True])
    found = emit(frame, mask, "info", "{delay}", delay=delays(hours, days), n=7)
    assert [(f.infusion_id, f.episode_id, f.administration_id) for f in found] == [
        ("B", None, None),
        ("C", "C:1", None),
    ]
    assert [f.values["delay"] for f in found] == [Delay(pd.NA, 2.0), Delay(30.0, 1.0)]
    assert [f.sentence() for f in found] == ["2 calendar day(s)", "30.0 h"]
    assert [f.values["n"] for f in found] == [7, 7]


def test_a_finding_is_located_only_by_infusion_episode_or_dose():
    frame = pd.DataFrame({"patient_id": ["P"]})
    with pytest.raises(ValueError, match="not patient_id"):
        emit(frame, pd.Series([True]), "info", "x", at=("patient_id",))


def test_audit_findings_carry_their_rule_and_source(cohort):
    result = audit(cohort)
    assert result.findings and all(f.rule and f.source for f in result.findings)
    assert len({f.rule for f in result.findings}) > 3


def test_kpis_of_every_cohort_and_quarter_are_those_of_their_rows(cohort):
    rows = audit(cohort).adherence
    table = kpis_by_quarter(rows).set_index(["rule", "cohort", "quarter"])
    assert len(table) > 50
    for (rule, group, quarter), kpi in table.iterrows():
        mine = rows[(rows["rule"] == rule) & (rows["cohort"] == group) & (rows["quarter"] == quarter)]
        delays = mine["delay_h"].dropna().astype(float)
        outcomes = mine["outcome"].value_counts()
        assert (kpi["n"], kpi["met"], kpi["n_delay"]) == (len(mine), outcomes.get("met", 0), len(delays))
        assert kpi["share_met"] == pytest.approx(outcomes.get("met", 0) / len(mine))  # met of all eligible
        expected = (
            [delays.median(), delays.quantile(0.25), delays.quantile(0.75)] if len(delays) else [np.nan] * 3
        )
        found = [kpi["median_delay_h"], kpi["q1_delay_h"], kpi["q3_delay_h"]]
        assert found == pytest.approx(expected, rel=1e-12, nan_ok=True)
        targets = sorted(mine["target_h"].dropna().unique())
        assert kpi["target_h"] == " / ".join(f"{t:g}" for t in targets)


def _spacing_by_pairs(doses: pd.DataFrame, window_h: float) -> pd.DataFrame:
    """The definition: every dose paired with the earlier doses of its infusion, counted per dose id."""
    timed = doses.dropna(subset=["given_at"]).sort_values(["infusion_id", "given_at"])
    timed = timed.assign(order=timed.groupby("infusion_id").cumcount())
    pairs = timed.merge(timed, on="infusion_id", suffixes=("", "_before"))
    pairs = pairs[pairs["order_before"] <= pairs["order"]]
    low, high = delay_bounds(
        pairs["given_at_before"],
        pairs["given_at_time_known_before"],
        pairs["given_at"],
        pairs["given_at_time_known"],
    )
    pairs = pairs.assign(low=low, high=high)
    itself = pairs["order_before"] == pairs["order"]
    counts = pairs.assign(
        certain=itself | (pairs["high"] < window_h), possible=itself | (pairs["low"] < window_h)
    )
    counts = counts.groupby("administration_id")
    previous = pairs[pairs["order_before"] == pairs["order"] - 1].set_index("administration_id")
    out = pd.DataFrame(index=timed["administration_id"])
    out["since_previous_low_h"] = previous["low"].reindex(out.index)
    out["since_previous_high_h"] = previous["high"].reindex(out.index)
    out["doses_in_window"] = counts["certain"].sum().reindex(out.index).astype("Int64")
    out["doses_in_window_possible"] = counts["possible"].sum().reindex(out.index).astype("Int64")
    return out


def test_spacing_counts_each_dose_with_those_before_it(cohort):
    doses = cohort["administrations"][cohort["administrations"]["drug"] == "tocilizumab"].copy()
    day_only = doses.index[::7]  # some times known only to the day, so that bounds differ
    doses.loc[day_only, "given_at"] = doses.loc[day_only, "given_at"].dt.normalize()
    doses.loc[day_only, "given_at_time_known"] = False
    found = tocilizumab._spacing(doses, 24.0)
    expected = _spacing_by_pairs(doses, 24.0)
    assert len(found) > 100 and found.index.tolist() == expected.index.tolist()
    pd.testing.assert_frame_equal(found, expected, check_names=False)
    assert (found["doses_in_window_possible"] > found["doses_in_window"]).any()
