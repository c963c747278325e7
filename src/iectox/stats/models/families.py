"""The GLM families iectox fits, written as R's `stats` package computes them (its C code for the logit link),
so that the iteratively reweighted least squares of `glm.py` takes R's steps and stops where R stops.

Each family gives R's `linkfun`, `linkinv`, `mu.eta`, `variance`, `dev.resids` and `mustart` (R's `initialize`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

EPS = float(np.finfo(float).eps)
THRESH = 30.0  # R's logit link clamps eta at +-30 (src/library/stats/src/family.c)
INVEPS = 1.0 / EPS

Array = np.ndarray


def _logit_linkinv(eta: Array) -> Array:
    tmp = np.where(eta < -THRESH, EPS, np.where(eta > THRESH, INVEPS, np.exp(np.clip(eta, -THRESH, THRESH))))
    return tmp / (1.0 + tmp)


def _logit_mu_eta(eta: Array) -> Array:
    e = np.exp(np.clip(eta, -THRESH, THRESH))
    return np.where(np.abs(eta) > THRESH, EPS, e / (1.0 + e) ** 2)


def _ylogy(y: Array, mu: Array) -> Array:
    """y log(y / mu), 0 where y is 0 (R's y_log_y)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(y > 0, y * np.log(np.where(y > 0, y, 1.0) / mu), 0.0)


def _binomial_dev(y: Array, mu: Array, wt: Array) -> Array:
    return 2.0 * wt * (_ylogy(y, mu) + _ylogy(1.0 - y, 1.0 - mu))


def _poisson_dev(y: Array, mu: Array, wt: Array) -> Array:
    r = mu * wt
    positive = y > 0
    r = np.where(positive, wt * (y * np.log(np.where(positive, y, 1.0) / mu) - (y - mu)), r)
    return 2.0 * r


def _gaussian_dev(y: Array, mu: Array, wt: Array) -> Array:
    return wt * (y - mu) ** 2


@dataclass(frozen=True)
class Family:
    """One GLM family and its link, as R's family object (`binomial()`, `poisson()`, `negative.binomial(theta)`)."""

    id: str
    link: str
    linkfun: Callable[[Array], Array]
    linkinv: Callable[[Array], Array]
    mu_eta: Callable[[Array], Array]
    variance: Callable[[Array], Array]
    dev_resids: Callable[[Array, Array, Array], Array]
    mustart: Callable[[Array, Array], Array]
    fixed_dispersion: bool = True  # dispersion 1 (binomial, Poisson, negative binomial), else estimated
    theta: float | None = None

    def valid_mu(self, mu: Array) -> bool:
        if self.id == "binomial":
            return bool(np.all(np.isfinite(mu)) and np.all((mu > 0) & (mu < 1)))
        if self.id in ("poisson", "negative_binomial"):
            return bool(np.all(np.isfinite(mu)) and np.all(mu > 0))
        return True


def _log_inv(eta: Array) -> Array:
    return np.maximum(np.exp(eta), EPS)


BINOMIAL = Family(
    "binomial",
    "logit",
    lambda mu: np.log(mu / (1.0 - mu)),
    _logit_linkinv,
    _logit_mu_eta,
    lambda mu: mu * (1.0 - mu),
    _binomial_dev,
    lambda y, w: (w * y + 0.5) / (w + 1.0),
)

POISSON = Family(
    "poisson", "log", np.log, _log_inv, _log_inv, lambda mu: mu, _poisson_dev, lambda y, w: y + 0.1
)

GAUSSIAN = Family(
    "gaussian",
    "identity",
    lambda mu: mu,
    lambda eta: eta,
    lambda eta: np.ones_like(eta),
    lambda mu: np.ones_like(mu),
    _gaussian_dev,
    lambda y, w: y,
    fixed_dispersion=False,
)


def negative_binomial(theta: float) -> Family:
    """MASS's `negative.binomial(theta)` with the log link: variance mu + mu^2 / theta."""

    def dev(y: Array, mu: Array, wt: Array) -> Array:
        return (
            2.0
            * wt
            * (y * np.log(np.maximum(1.0, y) / mu) - (y + theta) * np.log((y + theta) / (mu + theta)))
        )

    return Family(
        "negative_binomial",
        "log",
        np.log,
        _log_inv,
        _log_inv,
        lambda mu: mu + mu**2 / theta,
        dev,
        lambda y, w: y + (y == 0) / 6.0,
        theta=theta,
    )
