"""Generalised linear models fitted as R's `glm.fit` fits them: the same starting values, iteratively
reweighted least squares steps, step-halving and stopping rule (`glm.control()`: epsilon 1e-8, 25 iterations),
so that coefficients, standard errors and deviance agree with R's to rounding (tests/test_stats_models_r.py).

numpy only: a logistic model in the seed report costs no statsmodels import (about a second).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from iectox.stats.methods.result import NotComputable
from iectox.stats.models.families import EPS, Family

EPSILON = 1e-8  # glm.control()$epsilon
MAXIT = 25  # glm.control()$maxit


@dataclass(frozen=True)
class GlmFit:
    """What R's `glm` object holds that the tables and the sandwich estimators need."""

    family: Family
    coef: np.ndarray
    cov_unscaled: np.ndarray  # (X' W X)^-1 with the working weights of the last iteration (summary.glm)
    dispersion: float
    x: np.ndarray  # the model matrix of the rows used (prior weight > 0)
    y: np.ndarray
    prior_weights: np.ndarray
    working_weights: np.ndarray  # fit$weights
    working_residuals: np.ndarray  # fit$residuals: (y - mu) / mu.eta(eta)
    mu: np.ndarray
    deviance: float
    iterations: int
    converged: bool
    boundary_fitted: bool  # R's "fitted probabilities numerically 0 or 1 occurred" (or rates numerically 0)

    @property
    def vcov(self) -> np.ndarray:
        """The model-based covariance matrix: R `vcov(fit)`."""
        return self.cov_unscaled * self.dispersion

    @property
    def df_residual(self) -> int:
        return int(np.sum(self.prior_weights > 0)) - self.coef.size


def _wls(x: np.ndarray, z: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Coefficients and R factor of the weighted least squares of z on x (weights w^2)."""
    q, r = np.linalg.qr(x * w[:, None])
    if r.size and np.min(np.abs(np.diag(r))) <= 1e-11 * np.max(np.abs(np.diag(r))):
        raise NotComputable("the model matrix is not of full rank (a covariate is a combination of others)")
    return np.linalg.solve(r, q.T @ (z * w)), r


def fit_glm(
    x: np.ndarray,
    y: np.ndarray,
    family: Family,
    weights: np.ndarray | None = None,
    offset: np.ndarray | None = None,
    etastart: np.ndarray | None = None,
    epsilon: float = EPSILON,
    maxit: int = MAXIT,
) -> GlmFit:
    """R `glm.fit(x, y, weights, family = family, offset = offset, etastart = etastart)`."""
    n = y.size
    prior = np.ones(n) if weights is None else np.asarray(weights, dtype=float)
    offset = np.zeros(n) if offset is None else offset
    eta = family.linkfun(family.mustart(y, prior)) if etastart is None else etastart
    mu = family.linkinv(eta)
    devold = float(np.sum(family.dev_resids(y, mu, prior)))
    good = prior > 0
    coef = np.zeros(x.shape[1])
    converged, iterations = False, 0
    w = r = None
    for iteration in range(1, maxit + 1):
        iterations = iteration
        mu_eta = family.mu_eta(eta)[good]
        z = (eta - offset)[good] + (y - mu)[good] / mu_eta
        w = np.sqrt(prior[good] * mu_eta**2 / family.variance(mu)[good])
        start, r = _wls(x[good], z, w)
        eta_new = x @ start + offset
        mu_new = family.linkinv(eta_new)
        dev = float(np.sum(family.dev_resids(y, mu_new, prior)))
        halvings = 0
        while not (np.isfinite(dev) and family.valid_mu(mu_new)):
            halvings += 1
            if halvings > maxit:
                raise NotComputable("the model could not be fitted: no valid step (R: 'inner loop 1')")
            start = (start + coef) / 2
            eta_new = x @ start + offset
            mu_new = family.linkinv(eta_new)
            dev = float(np.sum(family.dev_resids(y, mu_new, prior)))
        coef, eta, mu = start, eta_new, mu_new
        if abs(dev - devold) / (abs(dev) + 0.1) < epsilon:
            converged = True
            break
        devold = dev
    assert w is not None and r is not None
    rinv = np.linalg.inv(r)
    cov_unscaled = rinv @ rinv.T
    residuals = (y - mu) / family.mu_eta(eta)
    working = np.zeros(n)
    working[good] = w**2
    df = int(good.sum()) - x.shape[1]
    if family.fixed_dispersion:
        dispersion = 1.0
    elif df > 0:
        dispersion = float(np.sum((working * residuals**2)[good]) / df)
    else:
        dispersion = float("nan")
    threshold = 10 * EPS
    if family.id == "binomial":
        boundary = bool(np.any((mu > 1 - threshold) | (mu < threshold)))
    else:
        boundary = family.id != "gaussian" and bool(np.any(mu < threshold))
    return GlmFit(
        family,
        coef,
        cov_unscaled,
        dispersion,
        x[good],
        y[good],
        prior[good],
        working[good],
        residuals[good],
        mu[good],
        float(np.sum(family.dev_resids(y, mu, prior))),
        iterations,
        converged,
        boundary,
    )
