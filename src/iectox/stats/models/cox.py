"""The Cox model with Efron's ties, as `survival::coxph(..., ties = "efron")` (3.4-0).

Coefficients and the model-based covariance come from statsmodels' `PHReg` (the same partial likelihood;
coxph's values to about 1e-11), imported here only: it costs about 2 s of start-up. With several infusions per
patient, the covariance is coxph's robust one with `cluster = patient_id`: the dfbeta residuals (score
residuals x the model covariance) summed per patient, D'D, without a small-sample factor. The score residuals
are coxph's for Efron's ties (`residuals(fit, "score")`, equal to 1e-13 in tests): at a time with d tied
deaths, d sub-steps k = 0..d-1 in which each death counts 1/d and stays at risk with weight 1 - k/d.
"""

from __future__ import annotations

import warnings

import numpy as np

from iectox.stats.models.notes import SEPARATION, Note, Refused

EPS = 1e-9  # coxph.control()$eps
TOLER_INF = EPS**0.5  # coxph.control()$toler.inf


def efron_score_residuals(x: np.ndarray, time: np.ndarray, event: np.ndarray, beta: np.ndarray) -> np.ndarray:
    """`residuals(coxph(...), type = "score")` with Efron's ties (unit weights): one row per observation."""
    risk = np.exp(x @ beta)
    scores = np.zeros_like(x)
    for moment in np.unique(time[event == 1]):
        at_risk = time >= moment
        dead = (time == moment) & (event == 1)
        deaths = int(dead.sum())
        s0, s1 = risk[at_risk].sum(), risk[at_risk] @ x[at_risk]
        s0_dead, s1_dead = risk[dead].sum(), risk[dead] @ x[dead]
        for k in range(deaths):
            share = k / deaths
            denom = s0 - share * s0_dead
            mean = (s1 - share * s1_dead) / denom
            weight = np.where(dead, 1 - share, 1.0) * at_risk
            scores -= (weight * risk / denom)[:, None] * (x - mean)
            scores[dead] += (x[dead] - mean) / deaths
    return scores


def fit_cox(
    x: np.ndarray, time: np.ndarray, event: np.ndarray, clusters: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray]:
    """Coefficients and covariance of `coxph(Surv(time, event) ~ x, ties = "efron")`, robust by cluster
    (`cluster = clusters`) when clusters are given. `Refused` (separation) where coxph warns "Loglik converged
    before variable ...; coefficient may be infinite" (its test: |u V| > eps and > toler.inf |b|, u the score
    at the estimate), or where the fit did not converge: the likelihood is monotone, no number is valid."""
    from statsmodels.duration.hazard_regression import PHReg

    model = PHReg(time, x, status=event, ties="efron")
    with warnings.catch_warnings(record=True) as caught:  # said in the note, not printed
        warnings.simplefilter("always")
        fit = model.fit()
        coef, cov = np.asarray(fit.params), np.asarray(fit.cov_params())
        drift = np.abs(model.score(coef) @ cov)
    diverged = any(w.category.__name__ == "ConvergenceWarning" for w in caught)
    infinite = (drift > EPS) & (drift > TOLER_INF * np.abs(coef))
    if infinite.any() or diverged or not np.all(np.isfinite(cov)):
        raise Refused(Note(SEPARATION, {}))
    if clusters is None:
        return coef, cov
    dfbeta = efron_score_residuals(x, time, event, coef) @ cov
    codes, index = np.unique(clusters, return_inverse=True)
    summed = np.zeros((codes.size, x.shape[1]))
    np.add.at(summed, index, dfbeta)
    return coef, summed.T @ summed
