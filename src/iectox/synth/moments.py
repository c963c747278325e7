"""Exact moments: values at a fixed precision whose mean is exact and whose SD is as close as integers allow.

Values are handled as integers in units of the stored precision (tenths of a year, tenths of a kilogram), so
a printed mean is matched through an integer sum (361 x 62.7 = 22634.7 years = 226347 tenths) and the SD
through the sum of squares, moved by pair moves (+1 unit on one value, -1 on another) that keep the sum.
"""

from __future__ import annotations

import math
from decimal import Decimal

import numpy as np
from scipy import optimize

from iectox.stats.methods import student_t_from_stats, welch_t_from_stats
from iectox.synth.select import adjust_total

PAIR_SAMPLE = 256


def match_moments(
    raw: np.ndarray,
    total: int,
    sd: float,
    low: np.ndarray,
    high: np.ndarray,
    rng: np.random.Generator,
    fixed: np.ndarray | None = None,
) -> np.ndarray:
    """Integer values shaped like `raw`, summing to `total`, with sample SD (ddof 1) `sd`, within bounds.

    Everything is in units (e.g. tenths). `fixed` (same length, -1 where free) holds values that must not
    move, such as ages bound by a product's label; the free values absorb the moments. The sum is exact
    whenever the bounds allow it; the SD is reached as closely as the values and bounds allow.
    """
    n = len(raw)
    low = np.broadcast_to(np.asarray(low, dtype=np.int64), (n,))
    high = np.broadcast_to(np.asarray(high, dtype=np.int64), (n,))
    values = np.zeros(n, dtype=np.int64)
    free = np.ones(n, dtype=bool) if fixed is None else fixed < 0
    if fixed is not None:
        values[~free] = fixed[~free]
    m = int(free.sum())
    if m == 0:
        return values
    target_ss = (n - 1) * sd**2 + total**2 / n
    free_sum = total - int(values[~free].sum())
    free_ss = target_ss - float(np.square(values[~free].astype(float)).sum())
    mean_f = free_sum / m
    # Tiny groups (a scaled cohort of a few patients) cannot always reach the SD: keep the mean exact then.
    var_f = max(free_ss / m - mean_f**2, 0.25)
    y = np.asarray(raw, dtype=float)[free]
    lo, hi = low[free].astype(float), high[free].astype(float)
    # Clipping to the bounds shrinks the spread; re-standardising restores it; a few rounds converge.
    for _ in range(25):
        spread = y.std()
        z = (y - y.mean()) / spread if spread > 0 else rng.standard_normal(m)
        y = np.clip(mean_f + math.sqrt(var_f) * z, lo, hi)
    values[free] = np.rint(y).astype(np.int64)
    values[free] = adjust_total(values[free], free_sum, low[free], high[free], rng)
    if n > 1:
        tune_sum_of_squares(values, target_ss, free, low, high, rng)
    return values


def tune_sum_of_squares(
    values: np.ndarray,
    target: float,
    free: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
    rng: np.random.Generator,
    max_moves: int = 100_000,
) -> None:
    """Pair moves (+1 on i, -1 on j: the sum is kept) until the sum of squares is within 1 of `target`.

    A move changes the sum of squares by 2 (v_i - v_j) + 2; each step samples candidate pairs and takes the
    one that best closes the gap, so big gaps close in a few large moves and the last ones are fine.
    """
    index = np.flatnonzero(free)
    if len(index) < 2:
        return
    ss = float(np.square(values.astype(float)).sum())
    stalls = 0
    for _ in range(max_moves):
        gap = target - ss
        if abs(gap) <= 1.0 or stalls > 20:
            return
        up = rng.choice(index, min(PAIR_SAMPLE, len(index)), replace=False)
        down = rng.choice(index, min(PAIR_SAMPLE, len(index)), replace=False)
        up = up[values[up] + 1 <= high[up]]
        down = down[values[down] - 1 >= low[down]]
        if len(up) == 0 or len(down) == 0:
            stalls += 1
            continue
        delta = 2.0 * (values[up][:, None] - values[down][None, :]) + 2.0
        delta[up[:, None] == down[None, :]] = np.inf
        err = np.abs(gap - delta)
        best = np.unravel_index(int(np.argmin(err)), err.shape)
        if err[best] >= abs(gap):
            stalls += 1
            continue
        stalls = 0
        values[up[best[0]]] += 1
        values[down[best[1]]] -= 1
        ss += float(delta[best])


def p_window(printed: str | None) -> tuple[float, float] | None:
    """The p-values that print as `printed` ("0.1202" -> [0.12015, 0.12025)); None for "<0.001"."""
    if printed is None:
        return None
    text = printed.strip()
    try:
        value = Decimal(text[1:] if text.startswith(".") else text) if text[0] not in "<>" else None
    except ArithmeticError:
        return None
    if value is None:
        return None
    half = Decimal(1).scaleb(value.as_tuple().exponent) / 2
    return float(value - half), float(value + half)


def t_test_p(m1: float, s1: float, n1: int, m2: float, s2: float, n2: int, equal_var: bool = False) -> float:
    """Two-sided t-test p-value from summary statistics (Welch unless `equal_var`), as the report computes it."""
    test = student_t_from_stats if equal_var else welch_t_from_stats
    return test(m1, s1, n1, m2, s2, n2).p_value


def sds_for_p(
    means: tuple[float, float],
    sds: tuple[float, float],
    sd_decimals: tuple[int, int],
    ns: tuple[int, int],
    printed_p: str,
    equal_var: bool = False,
) -> tuple[float, float] | None:
    """Two SDs, each printing as published, for which the t-test gives the centre of the printed p window.

    A p-value computed from rounded means and SDs can sit at the edge of its rounding window (age: 0.120242
    for a printed 0.1202); aiming at the centre (0.12020) makes the reproduction robust. Among the solutions
    the pair closest to the printed SDs is kept. None when no SDs inside the printed precision reach it.
    """
    window = p_window(printed_p)
    if window is None:
        return None
    target = sum(window) / 2
    halves = [0.45 * 10.0**-d for d in sd_decimals]
    lo1, hi1 = sds[0] - halves[0], sds[0] + halves[0]
    best: tuple[float, tuple[float, float]] | None = None
    for s2 in np.linspace(sds[1] - halves[1], sds[1] + halves[1], 91):

        def gap(s1: float, s2: float = float(s2)) -> float:
            return t_test_p(means[0], s1, ns[0], means[1], s2, ns[1], equal_var) - target

        if gap(lo1) * gap(hi1) > 0:
            continue
        s1 = float(optimize.brentq(gap, lo1, hi1, xtol=1e-12))
        distance = ((s1 - sds[0]) / halves[0]) ** 2 + ((float(s2) - sds[1]) / halves[1]) ** 2
        if best is None or distance < best[0]:
            best = (distance, (s1, float(s2)))
    return None if best is None else best[1]
