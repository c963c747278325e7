"""iectox.stats.models against R 4.2.2: every expected value is in tests/data/r/models_r.json, written by
tests/data/r/models.R (the R call stored beside each value, MASS 7.3-58.2, sandwich 3.0-2, survey 4.1-1,
survival 3.4-0) on tests/data/r/models_data.csv (synthetic, tests/data/r/make_models_data.py). R never runs here.

Tolerances (absolute, on coefficients, standard errors, CI limits and p-values):
- 1e-10 for glm, glm.nb, vcovHC, vcovCL and svyglm with a Gaussian outcome: iectox takes R's own IRLS steps and
  stopping rule (measured agreement 1e-13);
- 1e-8 for coxph (statsmodels' Newton path, not coxph's; measured 6e-12) and for a weighted logistic svyglm
  (svyglm rescales the weights to mean 1, so its IRLS stops at another iterate; measured 5.5e-10).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from iectox.stats.models import fit_model, propensity_weights, regression_table, weighted_comparison
from iectox.stats.models import notes as N

DATA = Path(__file__).parent / "data" / "r"
R = json.loads((DATA / "models_r.json").read_text())
FRAME = pd.read_csv(DATA / "models_data.csv")
ADJUSTED = ["cohort", "age", "weight_kg", "indication_group", "product_class"]
REFERENCES = {"cohort": "clinical_trial", "indication_group": "lbcl", "product_class": "cd19"}
COVARIATES = ["age", "weight_kg", "indication_group", "product_class"]
EXACT, NEWTON = 1e-10, 1e-8


def _column(term: str, level: str | None) -> str:
    """R's coefficient name of a row: the term, followed by its level for a factor."""
    return term if level is None else f"{term}{level}"


def _check(result, ref, tol=EXACT, se="se", p="p"):
    rows = [row for row in result.estimates if not row.reference]
    terms = [t for t in ref["terms"] if t != "(Intercept)"] if "terms" in ref else None
    offset = 1 if ref.get("terms", [""])[0] == "(Intercept)" else 0
    if terms is not None:
        assert [_column(row.term, row.level) for row in rows] == terms
    for i, row in enumerate(rows):
        assert row.coef == pytest.approx(ref["coef"][i + offset], abs=tol)
        assert row.se == pytest.approx(ref[se][i + offset], abs=tol)
        if p is not None:
            assert row.p_value == pytest.approx(ref[p][i + offset], abs=tol)


@pytest.mark.parametrize("outcome", ["crs_any", "crs_grade2", "icans_any"])
def test_logistic_regression_is_r_glm_with_wald_intervals(outcome):
    ref = R[
        f"logit_{outcome}"
    ]  # glm(outcome ~ cohort + age + weight_kg + indication_group + product_class, binomial)
    result = fit_model(FRAME, outcome, ADJUSTED, "logistic", REFERENCES)
    assert result.variance == "model" and result.ci == "wald"
    _check(result, ref)
    rows = [row for row in result.estimates if not row.reference]
    # confint.default(fit): Wald, exponentiated in the table
    assert [np.log(r.low) for r in rows] == pytest.approx(ref["wald_low"][1:], abs=EXACT)
    assert [np.log(r.high) for r in rows] == pytest.approx(ref["wald_high"][1:], abs=EXACT)
    assert rows[0].estimate == pytest.approx(np.exp(ref["coef"][1]), rel=EXACT)


@pytest.mark.parametrize("outcome", ["crs_any", "crs_grade2"])
def test_robust_and_cluster_robust_errors_are_sandwich_vcovhc_and_vcovcl(outcome):
    ref = R[f"logit_{outcome}"]
    robust = fit_model(FRAME, outcome, ADJUSTED, "logistic", REFERENCES, variance="robust")
    _check(robust, ref, se="hc0_se", p=None)  # sqrt(diag(vcovHC(fit, type = "HC0")))
    clustered = fit_model(FRAME, outcome, ADJUSTED, "logistic", REFERENCES, cluster="patient_id")
    assert clustered.variance == "cluster"
    # sqrt(diag(vcovCL(fit, cluster = ~patient_id))): sandwich 3.0-2's default for a glm is type HC0
    assert ref["cl_se"] == ref["cl_hc0_se"]
    _check(
        clustered, ref, se="cl_se", p="cl_p"
    )  # lmtest::coeftest(fit, vcov. = vcovCL(...)): z, as for a glm
    note = next(n for n in clustered.notes if n.id == N.CLUSTERS)
    assert note.values == {"column": "patient_id", "clusters": 200, "rows": 240}


def test_univariable_and_multivariable_table_as_tbl_uvregression_and_tbl_regression():
    table = regression_table(FRAME, "crs_any", ADJUSTED, "logistic", REFERENCES, unit="infusion")
    for term, model in zip(ADJUSTED, table.univariable, strict=True):
        _check(model, R[f"uv_crs_any_{term}"], se="cl_se", p=None)  # glm(crs_any ~ term) + vcovCL
    _check(table.multivariable, R["logit_crs_any"], se="cl_se", p=None)
    reference = table.multivariable.estimate("indication_group", "lbcl")
    assert reference.reference and reference.estimate is None


def test_per_patient_counting_keeps_each_patients_first_row_and_needs_no_clusters():
    table = regression_table(FRAME, "crs_any", ["cohort"], "logistic", REFERENCES, unit="patient")
    assert table.multivariable.n == 200 and table.multivariable.variance == "model"


def test_poisson_and_negative_binomial_are_glm_and_mass_glm_nb():
    terms = ["cohort", "product_class", "age"]
    _check(fit_model(FRAME, "injections", terms, "poisson", REFERENCES), R["poisson"])
    nb = fit_model(FRAME, "injections", terms, "negative_binomial", REFERENCES)
    _check(nb, R["negbin"])  # glm.nb(injections ~ cohort + product_class + age)
    assert nb.theta == pytest.approx(R["negbin"]["theta"], abs=EXACT)
    assert nb.measure == "IRR"


def test_linear_model_is_glm_gaussian_with_t_p_values():
    _check(fit_model(FRAME, "delay_h", ["cohort", "age"], "linear", REFERENCES), R["gaussian"])


def test_cox_model_is_coxph_with_efron_ties():
    ref = R["cox"]  # coxph(Surv(days, status) ~ cohort + age + indication_group, ties = 'efron')
    result = fit_model(FRAME, "status", ["cohort", "age", "indication_group"], "cox", REFERENCES, time="days")
    _check(result, ref, tol=NEWTON)
    assert result.measure == "HR"


@pytest.mark.parametrize("estimand", ["ate", "att", "overlap"])
def test_propensity_weights_balance_and_effective_sample_size(estimand):
    ref = R[f"weights_{estimand}"]
    weighting = propensity_weights(
        FRAME, "cohort", "standard_of_care", "clinical_trial", COVARIATES, estimand
    )
    assert [g.group for g in weighting.groups] == ["clinical_trial", "standard_of_care"]
    assert [g.weight_sum for g in weighting.groups] == pytest.approx(ref["w_sum"], abs=EXACT)
    assert [g.ess for g in weighting.groups] == pytest.approx(ref["ess"], abs=EXACT)  # sum(w)^2 / sum(w^2)
    for balance in weighting.balance:  # tableone's svyStdDiff / svyStdDiffMulti, written out in models.R
        assert balance.after == pytest.approx(ref["smd"][balance.term], abs=EXACT)


@pytest.mark.parametrize("estimand", ["ate", "att", "overlap"])
def test_weighted_outcome_models_are_svyglm(estimand):
    ref = R[f"weights_{estimand}"]
    weighting = propensity_weights(
        FRAME, "cohort", "standard_of_care", "clinical_trial", COVARIATES, estimand
    )
    delay = weighted_comparison(FRAME, "delay_h", weighting).model.estimates[1]
    svy = ref["svyglm_delay"]  # svyglm(delay_h ~ cohort, design = svydesign(ids = ~1, weights = ~w))
    assert (delay.coef, delay.se, delay.p_value) == pytest.approx(
        (svy["coef"][1], svy["se"][1], svy["p"][1]), abs=EXACT
    )
    assert (delay.low, delay.high) == pytest.approx(
        tuple(svy["ci"]), abs=EXACT
    )  # confint(svyglm): t, residual df
    clustered = weighted_comparison(FRAME, "delay_h", weighting, cluster="patient_id").model.estimates[1]
    svy = ref["svyglm_delay_cluster"]  # svyglm on svydesign(ids = ~patient_id, weights = ~w): t on G - k df
    assert (clustered.se, clustered.p_value) == pytest.approx((svy["se"][1], svy["p"][1]), abs=EXACT)
    assert (clustered.low, clustered.high) == pytest.approx(tuple(svy["ci"]), abs=EXACT)
    crs = weighted_comparison(FRAME, "crs_any", weighting, "logistic").model.estimates[1]
    assert (crs.coef, crs.se) == pytest.approx(
        (ref["svyglm_crs"]["coef"][1], ref["svyglm_crs"]["se"][1]), abs=NEWTON
    )


def test_complete_separation_shows_no_estimate():
    # R: glm(y ~ x, binomial) on x = 1:6, y = c(0,0,0,1,1,1) "converges" to coef 47.2, SE 115264 with a warning
    frame = pd.DataFrame({"y": [0, 0, 0, 1, 1, 1], "x": [1.0, 2, 3, 4, 5, 6]})
    result = fit_model(frame, "y", ["x"], "logistic")
    assert not result.estimable and result.estimates == ()
    assert [n.id for n in result.notes] == [N.FEW_EVENTS, N.SEPARATION]


def test_a_level_where_every_row_has_the_event_is_named_as_separation():
    frame = FRAME.assign(crs_any=np.where(FRAME.indication_group == "other", 1, FRAME.crs_any))
    result = fit_model(frame, "crs_any", ADJUSTED, "logistic", REFERENCES)
    assert not result.estimable
    assert result.notes[-1].values == {"term": "indication_group", "level": "other"}


def test_an_empty_level_is_left_out_and_said_as_r_drops_it():
    frame = FRAME.assign(
        indication_group=pd.Categorical(FRAME.indication_group, ["lbcl", "myeloma", "other", "mcl"])
    )
    result = fit_model(frame, "crs_any", ["cohort", "indication_group"], "logistic", REFERENCES)
    ref = R["empty_level"]  # glm(crs_any ~ cohort + indication_group) with the unused level mcl: R drops it
    assert [r.coef for r in result.estimates if not r.reference] == pytest.approx(ref["coef"][1:], abs=EXACT)
    assert [(n.id, n.values) for n in result.notes] == [
        (N.EMPTY_LEVEL, {"term": "indication_group", "level": "mcl"})
    ]


def test_a_constant_covariate_is_left_out_and_a_constant_exposure_refused():
    frame = FRAME.assign(product_class="cd19")
    result = fit_model(frame, "crs_any", ADJUSTED, "logistic", REFERENCES)
    assert result.estimable and N.CONSTANT_COVARIATE in [n.id for n in result.notes]
    assert "product_class" not in {r.term for r in result.estimates}
    refused = fit_model(FRAME.assign(cohort="clinical_trial"), "crs_any", ADJUSTED, "logistic")
    assert not refused.estimable and refused.notes[-1].id == N.EXPOSURE_CONSTANT


def test_a_weight_that_is_not_positive_refuses_the_model():
    frame = FRAME.assign(w=np.r_[0.0, np.ones(len(FRAME) - 1)])
    result = fit_model(frame, "delay_h", ["cohort"], "linear", weights="w")
    assert not result.estimable and result.notes[-1].values == {"rows": 1, "column": "w"}


def test_too_few_events_per_variable_is_said():
    few = FRAME.head(60)
    result = fit_model(few, "icans_any", ADJUSTED, "logistic", REFERENCES)
    note = next(n for n in result.notes if n.id == N.FEW_EVENTS)
    assert note.values["coefficients"] == 6 and note.values["per_variable"] < 10
    assert result.estimable  # the numbers are R's, read with the note


def test_no_events_refuses():
    result = fit_model(FRAME.assign(crs_any=0), "crs_any", ["cohort"], "logistic")
    assert not result.estimable and result.notes[-1].id == N.NO_EVENTS


def test_cluster_robust_cox_is_coxph_with_cluster():
    ref = R["cox_cluster"]  # coxph(Surv(days, status) ~ cohort + age + indication_group, ties = 'efron',
    #                                 cluster = patient_id): robust se and its p
    result = fit_model(
        FRAME,
        "status",
        ["cohort", "age", "indication_group"],
        "cox",
        REFERENCES,
        time="days",
        cluster="patient_id",
    )
    assert result.variance == "cluster"
    _check(result, {"coef": ref["coef"], "robust_se": ref["robust_se"], "p": ref["p"]}, NEWTON, "robust_se")


@pytest.mark.parametrize(
    ("name", "outcome", "terms", "model"),
    [
        ("logit_crs_any", "crs_any", ADJUSTED, "logistic"),
        ("logit_icans_any", "icans_any", ADJUSTED, "logistic"),
        ("poisson", "injections", ["cohort", "product_class", "age"], "poisson"),
        ("gaussian", "delay_h", ["cohort", "age"], "linear"),
    ],
)
def test_profile_likelihood_intervals_are_r_confint(name, outcome, terms, model):
    # confint(fit): R 4.2.2 with MASS 7.3-58.2 (profile.glm, then spline and approx), step for step
    ref = R[name]
    result = fit_model(FRAME, outcome, terms, model, REFERENCES, ci="profile")
    rows = [row for row in result.estimates if not row.reference]
    assert result.ci == "profile"
    low = [np.log(r.low) if model != "linear" else r.low for r in rows]
    high = [np.log(r.high) if model != "linear" else r.high for r in rows]
    assert low == pytest.approx(ref["profile_low"][1:], abs=EXACT)
    assert high == pytest.approx(ref["profile_high"][1:], abs=EXACT)


def test_wald_intervals_of_a_linear_model_are_confint_lm():
    ref = R["gaussian"]  # confint(lm(delay_h ~ cohort + age)): t on the residual df
    rows = [
        r
        for r in fit_model(FRAME, "delay_h", ["cohort", "age"], "linear", REFERENCES).estimates
        if not r.reference
    ]
    assert [r.low for r in rows] == pytest.approx(ref["lm_low"][1:], abs=EXACT)
    assert [r.high for r in rows] == pytest.approx(ref["lm_high"][1:], abs=EXACT)


def test_profile_intervals_fall_back_to_wald_with_clustered_errors():
    result = fit_model(FRAME, "crs_any", ADJUSTED, "logistic", REFERENCES, cluster="patient_id", ci="profile")
    assert result.ci == "wald" and result.variance == "cluster"


def test_a_negative_binomial_model_without_overdispersion_is_refused():
    # R: glm.nb(y ~ g) on y = rep(c(1,1,2,2,1,2,1,2,1,2), 3), g = rep(c("a","b"), 15) warns "iteration limit
    # reached" and prints theta = 218856.9 with the Poisson model's SEs; iectox says it did not converge
    frame = pd.DataFrame({"y": [1, 1, 2, 2, 1, 2, 1, 2, 1, 2] * 3, "g": ["a", "b"] * 15})
    result = fit_model(frame, "y", ["g"], "negative_binomial")
    assert not result.estimable and result.notes[-1].id == N.NOT_CONVERGED


def test_counts_below_zero_and_an_exposure_never_recorded_are_refused_with_what_was_left_out():
    frame = pd.DataFrame({"y": [0, 1, 2, 3] * 5, "g": ["a", "b"] * 10})
    assert fit_model(frame.assign(y=-1), "y", ["g"], "poisson").notes[-1].id == N.BAD_OUTCOME
    unknown = fit_model(frame.assign(g=None), "y", ["g"], "poisson")
    assert [(n.id, n.values) for n in unknown.notes] == [
        (N.MISSING_ROWS, {"rows": 20}),
        (N.EXPOSURE_CONSTANT, {"term": "g"}),
    ]


def test_a_cox_model_with_an_infinite_coefficient_shows_no_estimate():
    # R: coxph(...) with no event in indication_group "other" warns "Loglik converged before variable 4;
    # coefficient may be infinite" and prints coef -18.37, SE 1671 (statsmodels: -25.4, SE 56706)
    frame = FRAME.assign(status=np.where(FRAME.indication_group == "other", 0, FRAME.status))
    terms = ["cohort", "age", "indication_group"]
    named = fit_model(frame, "status", terms, "cox", REFERENCES, time="days")
    assert not named.estimable and named.notes[-1].values == {"term": "indication_group", "level": "other"}
    frame = frame.assign(other=(frame.indication_group == "other").astype(float))  # as a number: coxph's test
    found = fit_model(frame, "status", ["cohort", "age", "other"], "cox", REFERENCES, time="days")
    assert not found.estimable and [n.id for n in found.notes] == [N.SEPARATION]


def test_a_level_without_counts_shows_no_rate_ratio():
    # R 4.2.2: glm(injections ~ cohort + product_class, poisson) with no injection after a bcma product prints
    # product_classbcma -19.599740, SE 1062.2994746, p 0.985; iectox names the level instead
    frame = FRAME.assign(injections=np.where(FRAME.product_class == "bcma", 0, FRAME.injections))
    for model in ("poisson", "negative_binomial"):
        result = fit_model(frame, "injections", ["cohort", "product_class"], model, REFERENCES)
        assert not result.estimable and result.notes[-1].values == {"term": "product_class", "level": "bcma"}
