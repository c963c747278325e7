"""The distribution functions behind the p-values, from `scipy.special`.

These are the functions `scipy.stats` itself calls (`chi2.sf` is `chdtrc`, `t.sf` is `stdtr` of the opposite,
`f.sf` is `fdtrc`, `norm.cdf` is `ndtr`), so the numbers are the same to the last bit; importing
`scipy.stats` for them would cost about half a second of every command's start-up.
"""

from __future__ import annotations

from scipy.special import chdtrc, fdtrc, ndtr, ndtri, stdtr, stdtrit


def chi2_sf(x: float, df: float) -> float:
    """P(X > x) for X ~ chi-squared(df): R `pchisq(x, df, lower.tail = FALSE)`."""
    return float(chdtrc(df, x))


def t_sf(x: float, df: float) -> float:
    """P(T > x) for T ~ Student's t(df): R `pt(x, df, lower.tail = FALSE)`."""
    return float(stdtr(df, -x))


def t_ppf(q: float, df: float) -> float:
    """The q-quantile of Student's t(df): R `qt(q, df)`."""
    return float(stdtrit(df, q))


def f_sf(x: float, df1: float, df2: float) -> float:
    """P(F > x) for F ~ F(df1, df2): R `pf(x, df1, df2, lower.tail = FALSE)`."""
    return float(fdtrc(df1, df2, x))


def norm_cdf(z: float) -> float:
    """P(Z <= z) for Z ~ N(0, 1): R `pnorm(z)`."""
    return float(ndtr(z))


def norm_sf(z: float) -> float:
    """P(Z > z) for Z ~ N(0, 1): R `pnorm(z, lower.tail = FALSE)`."""
    return float(ndtr(-z))


def norm_ppf(q: float) -> float:
    """The q-quantile of N(0, 1): R `qnorm(q)`."""
    return float(ndtri(q))
