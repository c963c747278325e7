"""Covariate balance between two groups, weighted or not, as R tableone's `svyCreateTableOne` computes it
(tableone R/modules-smd.R: `svyStdDiff`, `svyStdDiffMulti`), and Kish's effective sample size.

- continuous: |m1 - m0| / sqrt((v1 + v0) / 2), with survey's weighted mean and `svyvar` variance
  (sum w (x - m)^2 / sum w x n / (n - 1), n the group's rows); with weights 1 these are tableone's
  unweighted `StdDiff` (sample mean and variance).
- categorical: Yang & Dalton's (2012) Mahalanobis distance of the weighted level proportions, first level
  dropped, pooled multinomial covariance, generalised inverse (`MASS::ginv`): tableone's `StdDiffFromLstMeans`.
- effective sample size: (sum w)^2 / sum w^2 per group (Kish), as cobalt's `bal.tab` reports it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

GINV_TOL = float(np.sqrt(np.finfo(float).eps))  # MASS::ginv's tol


def kish_ess(weights: np.ndarray) -> float:
    return float(weights.sum() ** 2 / np.sum(weights**2))


def _mean_var(x: np.ndarray, w: np.ndarray) -> tuple[float, float]:
    mean = float(np.sum(w * x) / np.sum(w))
    n = x.size
    var = float(np.sum(w * (x - mean) ** 2) / np.sum(w) * n / (n - 1)) if n > 1 else float("nan")
    return mean, var


def continuous_smd(x: np.ndarray, w: np.ndarray, group: np.ndarray) -> float:
    """tableone `svyStdDiff`: |difference of weighted means| / sqrt(mean of the weighted variances)."""
    m1, v1 = _mean_var(x[group], w[group])
    m0, v0 = _mean_var(x[~group], w[~group])
    difference, pooled = m1 - m0, (v1 + v0) / 2
    if pooled == 0:
        return 0.0 if difference == 0 else float("nan")
    return float(abs(difference) / np.sqrt(pooled))


def _multinomial_cov(p: np.ndarray) -> np.ndarray:
    cov = -np.outer(p, p)
    np.fill_diagonal(cov, p * (1 - p))
    return cov


def categorical_smd(x: np.ndarray, w: np.ndarray, group: np.ndarray) -> float:
    """tableone `svyStdDiffMulti`: Yang & Dalton's SMD of the weighted proportions of the levels present."""
    levels = sorted(set(x.tolist()))
    table = np.array([[w[(x == level) & g].sum() for level in levels] for g in (group, ~group)])
    proportions = table / table.sum(axis=1, keepdims=True)
    if proportions.shape[1] > 1:
        proportions = proportions[:, 1:]
    difference = proportions[0] - proportions[1]
    pooled = (_multinomial_cov(proportions[0]) + _multinomial_cov(proportions[1])) / 2
    if np.all(pooled == 0):
        return 0.0 if np.all(difference == 0) else float("nan")
    return float(np.sqrt(difference @ np.linalg.pinv(pooled, rcond=GINV_TOL) @ difference))


def smd(values: pd.Series, weights: np.ndarray, group: np.ndarray, categorical: bool) -> float:
    """The SMD of one covariate over the rows where it is known (tableone drops missing values)."""
    known = values.notna().to_numpy()
    if categorical:
        return categorical_smd(values[known].astype(str).to_numpy(), weights[known], group[known])
    return continuous_smd(values[known].astype(float).to_numpy(), weights[known], group[known])
