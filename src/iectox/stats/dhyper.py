"""R's `dhyper` and `phyper` as R 4.2's nmath computes them (Loader's saddle-point `dbinom_raw`,
with `stirlerr` and `bd0`), so that `fisher.test`'s conditional odds ratio, a root of sums of these
densities, is found by the same `uniroot` steps as in R: densities that differ from R's in the last bits
(e.g. from `gammaln`) can tip one of Brent's step choices and move the root within its tolerance (1e-4).
"""

from __future__ import annotations

import math

import numpy as np

M_LN_2PI = 1.837877066409345483560659472811  # log(2 pi)
M_LN_SQRT_2PI = 0.918938533204672741780329736406  # log(sqrt(2 pi))
DBL_MIN = 2.2250738585072014e-308
EPSILON = 2.220446049250313e-16

S0, S1, S2, S3, S4 = 1 / 12, 1 / 360, 1 / 1260, 1 / 1680, 1 / 1188
SFERR_HALVES = (  # stirlerr(n) for n = 0, 0.5, 1, ..., 15 (R's table)
    0.0, 0.1534264097200273452913848, 0.0810614667953272582196702, 0.0548141210519176538961390,
    0.0413406959554092940938221, 0.03316287351993628748511048, 0.02767792568499833914878929,
    0.02374616365629749597132920, 0.02079067210376509311152277, 0.01848845053267318523077934,
    0.01664469118982119216319487, 0.01513497322191737887351255, 0.01387612882307074799874573,
    0.01281046524292022692424986, 0.01189670994589177009505572, 0.01110455975820691732662991,
    0.010411265261972096497478567, 0.009799416126158803298389475, 0.009255462182712732917728637,
    0.008768700134139385462952823, 0.008330563433362871256469318, 0.007934114564314020547248100,
    0.007573675487951840794972024, 0.007244554301320383179543912, 0.006942840107209529865664152,
    0.006665247032707682442354394, 0.006408994188004207068439631, 0.006171712263039457647532867,
    0.005951370112758847735624416, 0.005746216513010115682023589, 0.005554733551962801371038690,
)  # fmt: skip


def stirlerr(n: float) -> float:
    """log(n!) - log(sqrt(2 pi n) (n/e)^n): R's table up to 15, its series beyond."""
    if n <= 15.0:
        nn = n + n
        if nn == int(nn):
            return SFERR_HALVES[int(nn)]
        return math.lgamma(n + 1.0) - (n + 0.5) * math.log(n) + n - M_LN_SQRT_2PI
    nn = n * n
    if n > 500:
        return (S0 - S1 / nn) / n
    if n > 80:
        return (S0 - (S1 - S2 / nn) / nn) / n
    if n > 35:
        return (S0 - (S1 - (S2 - S3 / nn) / nn) / nn) / n
    return (S0 - (S1 - (S2 - (S3 - S4 / nn) / nn) / nn) / nn) / n


def bd0(x: float, np_: float) -> float:
    """x log(x / np) + np - x, by R's Taylor series when x is near np."""
    if abs(x - np_) < 0.1 * (x + np_):
        v = (x - np_) / (x + np_)
        s = (x - np_) * v
        if abs(s) < DBL_MIN:
            return s
        ej = 2 * x * v
        v = v * v
        for j in range(1, 1000):
            ej *= v
            s1 = s + ej / ((j << 1) + 1)
            if s1 == s:
                return s1
            s = s1
    return x * math.log(x / np_) + np_ - x


def dbinom_raw_log(x: float, n: float, p: float, q: float) -> float:
    """log dbinom(x, n, p), q = 1 - p, as R's `dbinom_raw(..., give_log = TRUE)`."""
    if p == 0:
        return 0.0 if x == 0 else -math.inf
    if q == 0:
        return 0.0 if x == n else -math.inf
    if x == 0:
        if n == 0:
            return 0.0
        return -bd0(n, n * q) - n * p if p < 0.1 else n * math.log(q)
    if x == n:
        return -bd0(n, n * p) - n * q if q < 0.1 else n * math.log(p)
    if x < 0 or x > n:
        return -math.inf
    lc = stirlerr(n) - stirlerr(x) - stirlerr(n - x) - bd0(x, n * p) - bd0(n - x, n * q)
    lf = M_LN_2PI + math.log(x) + math.log1p(-x / n)
    return lc - 0.5 * lf


def dhyper_log(x: int, m: int, n: int, k: int) -> float:
    """R `dhyper(x, m, n, k, log = TRUE)`: x white balls in k draws from m white and n black."""
    if k < x or m < x or k - x > n:
        return -math.inf
    if k == 0:
        return 0.0 if x == 0 else -math.inf
    p = k / (m + n)
    q = (m + n - k) / (m + n)
    p1 = dbinom_raw_log(x, m, p, q)
    p2 = dbinom_raw_log(k - x, n, p, q)
    p3 = dbinom_raw_log(k, m + n, p, q)
    return p1 + p2 - p3


def dhyper(x: float, m: float, n: float, k: float) -> float:
    """R `dhyper(x, m, n, k)`: the product of the three binomial densities, not the exponential of the log."""
    if k < x or m < x or k - x > n:
        return 0.0
    if k == 0:
        return 1.0 if x == 0 else 0.0
    p = k / (m + n)
    q = (m + n - k) / (m + n)
    p1 = math.exp(dbinom_raw_log(x, m, p, q))
    p2 = math.exp(dbinom_raw_log(k - x, n, p, q))
    p3 = math.exp(dbinom_raw_log(k, m + n, p, q))
    return p1 * p2 / p3


def _pdhyper(x: float, m: float, n: float, k: float) -> float:
    """R's `pdhyper`: 1 + the sum of the density ratios below x, accumulated in long double as R."""
    total = np.longdouble(0)
    term = np.longdouble(1)
    while x > 0 and term >= EPSILON * total:
        term *= x * (n - k + x) / (k + 1 - x) / (m + 1 - x)
        total += term
        x -= 1
    return 1 + float(total)


def phyper(x: float, m: float, n: float, k: float, lower_tail: bool = True) -> float:
    """R `phyper(x, m, n, k, lower.tail)`, by the smaller tail as R."""
    x = math.floor(x + 1e-7)
    if x * (m + n) > k * m:  # R swaps the tails
        m, n = n, m
        x = k - x - 1
        lower_tail = not lower_tail
    if x < 0:
        return 0.0 if lower_tail else 1.0
    if x >= m or x >= k:
        return 1.0 if lower_tail else 0.0
    d = dhyper(x, m, n, k)
    if d == 0.0:
        return 0.0 if lower_tail else 1.0
    p = d * _pdhyper(x, m, n, k)
    return p if lower_tail else 0.5 - p + 0.5
