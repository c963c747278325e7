"""Time to event against R 4.2.2 (survival 3.5-3, cmprsk 2.2-11), to 1e-8.

The inputs are tests/data/r/survival_inputs.json (heavy day-only ties, tied event and censoring times,
survival flat at 0.5, a group without events, all censored, four groups, R's `aml`, and the seed study's
cohorts); the values are what tests/data/r/survival.R printed into survival_values.json, each with its R call
beside it (`km_call`, `survdiff_call`, `cuminc_call`, `follow_up_call`). R is never run by the tests."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from iectox.stats.methods.result import NotComputable
from iectox.stats.survival import (
    cumulative_incidence,
    gray_test,
    kaplan_meier,
    log_rank,
    median_follow_up,
)

DATA = Path(__file__).parent / "data" / "r"
TOLERANCE = 1e-8
INPUTS = json.loads((DATA / "survival_inputs.json").read_text())
R = json.loads((DATA / "survival_values.json").read_text())
TIMES = R["times"]
LARGEST = [0.0]  # the largest difference from R seen (printed by `pytest -s -k largest`)
SPECIAL = {"NA": np.nan, "NaN": np.nan, "Inf": np.inf, "-Inf": -np.inf}


def numbers(values) -> np.ndarray:
    return np.array([SPECIAL.get(v, v) if isinstance(v, str) else v for v in listed(values)], dtype=float)


def listed(values) -> list:
    """R's vectors of length 1 come unboxed (jsonlite's auto_unbox)."""
    return values if isinstance(values, list) else [values]


def close(ours, theirs) -> None:
    ours, theirs = np.asarray(ours, dtype=float).ravel(), numbers(theirs)
    assert ours.shape == theirs.shape
    assert np.array_equal(np.isnan(ours), np.isnan(theirs)), (ours, theirs)
    assert np.array_equal(np.isinf(ours), np.isinf(theirs)), (ours, theirs)
    finite = np.isfinite(ours)
    np.testing.assert_allclose(ours[finite], theirs[finite], rtol=0, atol=TOLERANCE)
    LARGEST[0] = max(LARGEST[0], float(np.abs(ours[finite] - theirs[finite]).max(initial=0)))


def optional(value: float | None) -> float:
    return np.nan if value is None else value


def check_km(time, event, r) -> None:
    fit = kaplan_meier(time, event)
    for ours, field in (
        (fit.time, "time"), (fit.n_risk, "n_risk"), (fit.n_event, "n_event"), (fit.n_censor, "n_censor"),
        (fit.surv, "surv"), (fit.std_err, "std_err"), (fit.lower, "lower"), (fit.upper, "upper"),
    ):  # fmt: skip
        close(ours, r[field])
    quantiles = [fit.quantile(p) for p in (0.25, 0.5, 0.75)]
    close([optional(q.estimate) for q in quantiles], r["quantile"])
    close([optional(q.low) for q in quantiles], r["quantile_lower"])
    close([optional(q.high) for q in quantiles], r["quantile_upper"])
    wanted = numbers(r["at_times"])
    close(fit.at(wanted), r["at_surv"])
    close(fit.n_at_risk(wanted), r["at_n_risk"])


@pytest.mark.parametrize("name", list(INPUTS))
def test_kaplan_meier_is_survfit(name):
    case, r = INPUTS[name], R["cases"][name]
    event = (np.array(case["status"]) == 1).astype(int)
    check_km(case["time"], event, r["km"])
    groups = np.array(case["group"])
    for group, values in r["km_groups"].items():
        rows = groups == group
        check_km(np.array(case["time"])[rows], event[rows], values)


@pytest.mark.parametrize("name", list(INPUTS))
def test_median_follow_up_is_reverse_kaplan_meier(name):
    case, r = INPUTS[name], R["cases"][name]
    event = (np.array(case["status"]) != 0).astype(int)
    follow_up = median_follow_up(case["time"], event)
    close([optional(follow_up.estimate), optional(follow_up.low), optional(follow_up.high)], r["follow_up"])


@pytest.mark.parametrize("name", [n for n in INPUTS if "survdiff" in R["cases"][n]])
def test_log_rank_is_survdiff(name):
    case, r = INPUTS[name], R["cases"][name]["survdiff"]
    event = (np.array(case["status"]) == 1).astype(int)
    test = log_rank(case["time"], event, case["group"], order=listed(r["groups"]))
    assert list(test.groups) == listed(r["groups"])
    assert test.df == r["df"]
    close(test.statistic, r["chisq"])
    close(test.p_value, r["p"])
    close(test.n, r["n"])
    close(test.observed, r["obs"])
    close(test.expected, r["exp"])


@pytest.mark.parametrize("name", [n for n in INPUTS if "cuminc" in R["cases"][n]])
def test_cumulative_incidence_is_cuminc(name):
    case, r = INPUTS[name], R["cases"][name]
    causes = sorted({s for s in case["status"] if s})
    checked = 0
    for cause in causes:
        for curve in cumulative_incidence(case["time"], case["status"], cause, case["group"]):
            expected = r["cuminc"][f"{curve.group} {cause}"]
            x, f, v = curve.steps()
            close(x, expected["time"])
            close(f, expected["est"])
            close(v, expected["var"])
            row = listed(r["timepoints"]["names"]).index(f"{curve.group} {cause}")
            estimate, low, high = curve.interval(TIMES)
            close(estimate, r["timepoints"]["est"][row])
            close(curve.at(TIMES)[1], r["timepoints"]["var"][row])
            close(low, r["timepoints"]["low"][row])
            close(high, r["timepoints"]["high"][row])
            checked += 1
    assert checked == len(r["cuminc"])


@pytest.mark.parametrize("name", [n for n in INPUTS if "tests" in R["cases"][n]])
def test_gray_test_is_cuminc_tests(name):
    case, r = INPUTS[name], R["cases"][name]["tests"]
    for cause, statistic, p, df in zip(*(listed(r[k]) for k in ("causes", "stat", "pv", "df")), strict=True):
        if statistic == -1:  # cuminc's mark of a singular variance
            with pytest.raises(NotComputable, match="singular"):
                gray_test(case["time"], case["status"], case["group"], int(cause))
            continue
        test = gray_test(case["time"], case["status"], case["group"], int(cause))
        assert test.df == df
        close(test.statistic, statistic)
        close(test.p_value, p)


def test_every_case_was_checked_by_r():
    assert R["R"].startswith("R version 4.2.2")
    assert set(R["cases"]) == set(INPUTS)
    assert sum("tests" in case for case in R["cases"].values()) >= 7


def test_what_cannot_run_says_why():
    with pytest.raises(NotComputable, match="no events"):
        log_rank([1, 2, 3], [0, 0, 0], ["a", "a", "b"])
    with pytest.raises(NotComputable, match="only one group"):
        gray_test([1, 2, 3], [1, 0, 2], ["a", "a", "a"])
    with pytest.raises(NotComputable, match="no event of the cause studied"):
        gray_test([1, 2, 3], [2, 0, 2], ["a", "a", "b"])
    with pytest.raises(NotComputable, match="negative"):
        kaplan_meier([1, -2], [1, 0])
    with pytest.raises(NotComputable, match="no observations"):
        kaplan_meier([], [])
    median = kaplan_meier([1, 2, 3], [1, 0, 0]).median
    assert median.estimate is None and "not reached" in median.reason


def test_day_only_ties_are_never_jittered():
    """Seven events on day 1 make one step of 7/n, not seven small steps."""
    (curve,) = cumulative_incidence([1] * 7 + [2] * 3, [1] * 7 + [0] * 3)
    assert curve.time.tolist() == [1.0]
    assert curve.estimate.tolist() == [0.7]


def test_largest_difference_from_r():
    """Runs last: every comparison above was within 1e-8; prints the largest difference seen."""
    print(f"largest difference from R: {LARGEST[0]:.3g}")
    assert LARGEST[0] < TOLERANCE
