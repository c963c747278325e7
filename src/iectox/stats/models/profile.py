"""Profile-likelihood confidence intervals of a GLM coefficient, as R 4.2's `confint()` on a glm computes them
(MASS 7.3-58: `profile.glm`, then `confint.profile.glm`), step for step, so that the limits are R's and not
only close to them.

`profile.glm` refits the model with the coefficient fixed at B0 +- k x del x SE (k = 1, 2, ... while the
signed root of the deviance difference stays below zmax and k < 10; zmax = sqrt(qchisq(1 - alpha, 1)) with
alpha = (1 - level) / 4, del = zmax / 5), each fit started from the previous linear predictor (`glm.fit`
with an offset). `confint.profile.glm` then interpolates the coefficient as a function of that root: an FMM
cubic spline through the profile (R's `spline()`, 3n points) and linear interpolation of it at qnorm(0.025)
and qnorm(0.975) (R's `approx()`). The spline is R's `fmm_spline` (stats/src/splines.c), written out below.
"""

from __future__ import annotations

import numpy as np
from scipy.special import chdtri, fdtri, ndtri

from iectox.stats.methods.result import NotComputable
from iectox.stats.models.glm import GlmFit, fit_glm

MAXSTEPS = 10


def fmm_coefficients(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """R's `fmm_spline`: the cubic spline whose end third derivatives match those of the cubics through the
    first and last four points (Forsythe, Malcolm and Moler); (b, c, d) of y + b dx + c dx^2 + d dx^3."""
    n = x.size
    b, c, d = np.zeros(n), np.zeros(n), np.zeros(n)
    if n < 3:
        b[:] = (y[1] - y[0]) / (x[1] - x[0])
        return b, c, d
    # 1-based in R; here index i of R is i - 1
    d[0] = x[1] - x[0]
    c[1] = (y[1] - y[0]) / d[0]
    for i in range(1, n - 1):
        d[i] = x[i + 1] - x[i]
        b[i] = 2.0 * (d[i - 1] + d[i])
        c[i + 1] = (y[i + 1] - y[i]) / d[i]
        c[i] = c[i + 1] - c[i]
    b[0] = -d[0]
    b[n - 1] = -d[n - 2]
    c[0] = c[n - 1] = 0.0
    if n > 3:
        c[0] = c[2] / (x[3] - x[1]) - c[1] / (x[2] - x[0])
        c[n - 1] = c[n - 2] / (x[n - 1] - x[n - 3]) - c[n - 3] / (x[n - 2] - x[n - 4])
        c[0] = c[0] * d[0] * d[0] / (x[3] - x[0])
        c[n - 1] = -c[n - 1] * d[n - 2] * d[n - 2] / (x[n - 1] - x[n - 4])
    for i in range(1, n):
        t = d[i - 1] / b[i - 1]
        b[i] = b[i] - t * d[i - 1]
        c[i] = c[i] - t * c[i - 1]
    c[n - 1] = c[n - 1] / b[n - 1]
    for i in range(n - 2, -1, -1):
        c[i] = (c[i] - d[i] * c[i + 1]) / b[i]
    b[n - 1] = (y[n - 1] - y[n - 2]) / d[n - 2] + d[n - 2] * (c[n - 2] + 2.0 * c[n - 1])
    for i in range(n - 1):
        b[i] = (y[i + 1] - y[i]) / d[i] - d[i] * (c[i + 1] + 2.0 * c[i])
        d[i] = (c[i + 1] - c[i]) / d[i]
        c[i] = 3.0 * c[i]
    c[n - 1] = 3.0 * c[n - 1]
    d[n - 1] = d[n - 2]
    return b, c, d


def spline(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """R `spline(x, y)` (method "fmm", n = 3 length(x), from min(x) to max(x)); x sorted, ties averaged."""
    order = np.argsort(x, kind="stable")
    x, y = x[order], y[order]
    unique, inverse = np.unique(x, return_inverse=True)
    if unique.size < x.size:
        y = np.bincount(inverse, weights=y) / np.bincount(inverse)
        x = unique
    b, c, d = fmm_coefficients(x, y)
    grid = np.linspace(x[0], x[-1], 3 * x.size)
    i = np.clip(np.searchsorted(x, grid, side="right") - 1, 0, x.size - 1)
    dx = grid - x[i]
    return grid, y[i] + dx * (b[i] + dx * (c[i] + dx * d[i]))


def _approx(x: np.ndarray, y: np.ndarray, at: np.ndarray) -> np.ndarray:
    """R `approx(x, y, xout = at)`: x sorted, ties averaged, linear, NA outside the range."""
    order = np.argsort(x, kind="stable")
    x, y = x[order], y[order]
    unique, inverse = np.unique(x, return_inverse=True)
    if unique.size < x.size:
        y = np.bincount(inverse, weights=y) / np.bincount(inverse)
        x = unique
    out = np.interp(at, x, y)
    return np.where((at < x[0]) | (at > x[-1]), np.nan, out)


def profile_interval(fit: GlmFit, index: int, level: float = 0.95) -> tuple[float, float]:
    """R `confint(fit)[index, ]` (MASS's profile likelihood interval) of coefficient `index` of `fit`."""
    x, y, w = fit.x, fit.y, fit.prior_weights
    n, p = x.shape
    alpha = (1 - level) / 4
    if fit.family.fixed_dispersion:
        zmax = float(np.sqrt(chdtri(1, alpha)))
    else:
        zmax = float(np.sqrt(fdtri(1, n - p, 1 - alpha)))
    delta = zmax / 5
    se = float(np.sqrt(fit.vcov[index, index]))
    others = np.delete(np.arange(p), index)
    xi = x[:, others]
    b0 = fit.coef[index]
    values, roots = [b0], [0.0]
    for sign in (-1, 1):
        step, z = 0, 0.0
        eta = x @ fit.coef
        while True:
            step += 1
            if not (step < MAXSTEPS and abs(z) < zmax):
                break
            bi = b0 + sign * step * delta * se
            offset = x[:, index] * bi
            refit = fit_glm(xi, y, fit.family, w, offset=offset, etastart=eta)
            eta = xi @ refit.coef + offset
            zz = (refit.deviance - fit.deviance) / fit.dispersion
            if zz <= -0.001:
                raise NotComputable("profiling found a better fit: the model had not converged")
            z = sign * np.sqrt(max(zz, 0.0))
            values.append(bi)
            roots.append(z)
    order = np.argsort(roots, kind="stable")
    grid, curve = spline(np.asarray(values)[order], np.asarray(roots)[order])
    low, high = _approx(curve, grid, ndtri(np.array([(1 - level) / 2, (1 + level) / 2])))
    return float(low), float(high)
