"""R's `uniroot`: Brent's root finder, step for step as R's `R_zeroin2` (stats/src/zeroin.c).

Several R intervals are the roots R's `uniroot` finds, with its default tolerance of about 1.2e-4
(`.Machine$double.eps^0.25`): `fisher.test`'s conditional odds ratio and its exact limits, and the
Hodges-Lehmann estimate and limits of `wilcox.test(conf.int = TRUE)` in its normal approximation. Any other
root finder stops at another point within that tolerance, so the numbers would differ from R's in the fourth
or fifth digit; taking the same steps in the same IEEE double arithmetic gives R's numbers to the last bits.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

EPSILON = float(np.finfo(float).eps)  # C's DBL_EPSILON
R_TOL = EPSILON**0.25  # uniroot's default tol
R_MAXITER = 1000


class RootNotBracketed(ValueError):
    """f(lower) and f(upper) have the same sign: R stops with "f() values at end points not of opposite sign"."""


def uniroot(
    f: Callable[[float], float],
    lower: float,
    upper: float,
    tol: float = R_TOL,
    f_lower: float | None = None,
    f_upper: float | None = None,
    maxiter: int = R_MAXITER,
) -> float:
    """The root of `f` in [lower, upper] that R `uniroot(f, c(lower, upper), tol = tol)$root` returns."""
    fa = f(lower) if f_lower is None else f_lower
    fb = f(upper) if f_upper is None else f_upper
    if np.isnan(fa) or np.isnan(fb):
        raise RootNotBracketed("f() is NA at an end point")
    if not np.sign(fa) * np.sign(fb) <= 0:
        raise RootNotBracketed("f() values at end points not of opposite sign")
    return _zeroin2(f, lower, upper, fa, fb, tol, maxiter)


def _zeroin2(
    f: Callable[[float], float], ax: float, bx: float, fa: float, fb: float, tol: float, maxit: int
) -> float:
    """Brent (1973) as R's zeroin.c: inverse quadratic or linear interpolation, else bisection."""
    a, b = ax, bx
    c, fc = a, fa
    if fa == 0.0:
        return a
    if fb == 0.0:
        return b
    for _ in range(maxit + 1):
        prev_step = b - a
        if abs(fc) < abs(fb):  # b becomes the best approximation
            a, b, c = b, c, b
            fa, fb, fc = fb, fc, fb
        tol_act = 2 * EPSILON * abs(b) + tol / 2
        new_step = (c - b) / 2
        if abs(new_step) <= tol_act or fb == 0.0:
            return b
        if abs(prev_step) >= tol_act and abs(fa) > abs(fb):
            cb = c - b
            if a == c:  # two distinct points: linear interpolation
                t1 = fb / fa
                p = cb * t1
                q = 1.0 - t1
            else:  # inverse quadratic interpolation
                q = fa / fc
                t1 = fb / fc
                t2 = fb / fa
                p = t2 * (cb * q * (q - t1) - (b - a) * (t1 - 1.0))
                q = (q - 1.0) * (t1 - 1.0) * (t2 - 1.0)
            if p > 0.0:
                q = -q
            else:
                p = -p
            if p < (0.75 * cb * q - abs(tol_act * q) / 2) and p < abs(prev_step * q / 2):
                new_step = p / q
        if abs(new_step) < tol_act:
            new_step = tol_act if new_step > 0.0 else -tol_act
        a, fa = b, fb
        b += new_step
        fb = f(b)
        if (fb > 0 and fc > 0) or (fb < 0 and fc < 0):
            c, fc = a, fa
    return b  # R warns "_NOT_ converged" and returns the last approximation
