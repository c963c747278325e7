"""Negative binomial regression as MASS's `glm.nb` fits it (MASS 7.3-58): a Poisson fit, then theta by
`theta.ml` and the coefficients by `glm.fit` with `negative.binomial(theta)` in turn, until the
log-likelihood and theta settle. Standard errors are those of the last `glm.fit` (theta taken as known), as
`summary(glm.nb(...))` prints them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import digamma, gammaln, polygamma

from iectox.stats.methods.result import NotComputable
from iectox.stats.models.families import POISSON, negative_binomial
from iectox.stats.models.glm import EPSILON, MAXIT, GlmFit, fit_glm

THETA_EPS = float(np.finfo(float).eps) ** 0.25  # theta.ml's eps


@dataclass(frozen=True)
class NegBinFit:
    glm: GlmFit
    theta: float
    theta_se: float
    loglik: float


def theta_ml(y: np.ndarray, mu: np.ndarray, w: np.ndarray, limit: int = MAXIT) -> tuple[float, float]:
    """MASS `theta.ml(y, mu, sum(w), w, limit)`: Newton's method on the score of theta; (theta, SE)."""
    n = float(np.sum(w))
    t0 = n / float(np.sum(w * (y / mu - 1) ** 2))
    it, delta, info = 0, 1.0, float("nan")
    while True:
        it += 1
        if not (it < limit and abs(delta) > THETA_EPS):
            break
        t0 = abs(t0)
        score = np.sum(
            w * (digamma(t0 + y) - digamma(t0) + np.log(t0) + 1 - np.log(t0 + mu) - (y + t0) / (mu + t0))
        )
        info = np.sum(
            w
            * (-polygamma(1, t0 + y) + polygamma(1, t0) - 1 / t0 + 2 / (mu + t0) - (y + t0) / (mu + t0) ** 2)
        )
        delta = float(score / info)
        t0 += delta
    if not np.isfinite(t0) or t0 <= 0:
        raise NotComputable("theta of the negative binomial model has no finite estimate (no overdispersion)")
    if it == limit:
        raise NotComputable(
            "theta of the negative binomial model did not converge (MASS: iteration limit reached)"
        )
    return float(t0), float(np.sqrt(1 / info))


def _loglik(theta: float, mu: np.ndarray, y: np.ndarray, w: np.ndarray) -> float:
    return float(
        np.sum(
            w
            * (
                gammaln(theta + y)
                - gammaln(theta)
                - gammaln(y + 1)
                + theta * np.log(theta)
                + y * np.log(mu + (y == 0))
                - (theta + y) * np.log(theta + mu)
            )
        )
    )


def fit_negbin(x: np.ndarray, y: np.ndarray, weights: np.ndarray | None = None) -> NegBinFit:
    """MASS `glm.nb(y ~ x, weights = weights)` with its default `glm.control()`."""
    w = np.ones(y.size) if weights is None else weights
    fit = fit_glm(x, y, POISSON, w)
    mu = x @ fit.coef
    mu = np.maximum(np.exp(mu), np.finfo(float).eps)
    theta, se = theta_ml(y, mu, w)
    d1 = np.sqrt(2 * max(1, fit.df_residual))
    d2 = delta = 1.0
    lm = _loglik(theta, mu, y, w)
    lm0 = lm + 2 * d1
    iteration = 0
    while True:
        iteration += 1
        if not (iteration <= MAXIT and abs(lm0 - lm) / d1 + abs(delta) / d2 > EPSILON):
            break
        fit = fit_glm(x, y, negative_binomial(theta), w, etastart=np.log(mu))
        previous = theta
        theta, se = theta_ml(y, mu, w)
        mu = np.maximum(np.exp(x @ fit.coef), np.finfo(float).eps)
        delta = previous - theta
        lm0, lm = lm, _loglik(theta, mu, y, w)
    if iteration > MAXIT:
        raise NotComputable("the negative binomial model did not converge (MASS: alternation limit reached)")
    return NegBinFit(fit, theta, se, lm)
