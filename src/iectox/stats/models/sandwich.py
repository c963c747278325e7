"""Robust covariance matrices of a GLM, as R's sandwich package (3.0) computes them for a `glm` object.

- `vcov_hc(fit, "HC0")`: `sandwich::vcovHC(fit, type = "HC0")` (= `sandwich(fit)`); "HC1" multiplies by
  n / (n - k).
- `vcov_cl(fit, cluster)`: `sandwich::vcovCL(fit, cluster = ~ patient)`. Its default type is "HC1" for an
  `lm` only: for a `glm` it is "HC0" (sandwich 3.0-2's `meatCL`, read and checked against R), with the cluster
  adjustment G / (G - 1); "HC1" adds (n - 1) / (n - k). Several infusions of one patient are then one
  cluster, as they are not independent.

The estimating functions are sandwich's `estfun.glm`: working residual x working weight x model matrix (over
the dispersion for a Gaussian model); the bread is `summary.glm`'s unscaled covariance x n x dispersion.
"""

from __future__ import annotations

import numpy as np

from iectox.stats.methods.result import NotComputable
from iectox.stats.models.glm import GlmFit


def _dispersion(fit: GlmFit) -> float:
    """sandwich's dispersion: 1, or the weighted residual sum of squares over the sum of working weights
    (over n, not over the residual df as `summary.glm`)."""
    if fit.family.fixed_dispersion:
        return 1.0
    wres = fit.working_residuals * fit.working_weights
    return float(np.sum(wres**2) / np.sum(fit.working_weights))


def estfun(fit: GlmFit) -> np.ndarray:
    """sandwich `estfun(fit)`: one row of score contributions per observation."""
    wres = fit.working_residuals * fit.working_weights
    return wres[:, None] * fit.x / _dispersion(fit)


def _bread(fit: GlmFit) -> np.ndarray:
    return fit.cov_unscaled * fit.y.size * _dispersion(fit)


def _sandwich(fit: GlmFit, meat: np.ndarray) -> np.ndarray:
    bread = _bread(fit)
    return bread @ meat @ bread / fit.y.size


def vcov_hc(fit: GlmFit, kind: str = "HC0") -> np.ndarray:
    """sandwich `vcovHC(fit, type = kind)` for "HC0" and "HC1"."""
    scores = estfun(fit)
    n, k = fit.x.shape
    meat = scores.T @ scores / n
    if kind == "HC1":
        meat = meat * n / (n - k)
    elif kind != "HC0":
        raise ValueError(f"robust covariance {kind!r} is not one of HC0, HC1")
    return _sandwich(fit, meat)


def vcov_cl(fit: GlmFit, cluster: np.ndarray, kind: str = "HC0") -> np.ndarray:
    """sandwich `vcovCL(fit, cluster = cluster, type = kind)` (cadjust = TRUE): clusters' summed scores."""
    scores = estfun(fit)
    n, k = fit.x.shape
    codes, index = np.unique(np.asarray(cluster), return_inverse=True)
    groups = codes.size
    if groups < 2:
        raise NotComputable("cluster-robust standard errors need at least 2 clusters (patients)")
    summed = np.zeros((groups, k))
    np.add.at(summed, index, scores)
    meat = summed.T @ summed / n * groups / (groups - 1)
    if kind == "HC1":
        meat = meat * (n - 1) / (n - k)
    elif kind != "HC0":
        raise ValueError(f"robust covariance {kind!r} is not one of HC0, HC1")
    return _sandwich(fit, meat)
