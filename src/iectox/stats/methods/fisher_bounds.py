"""Exact longest and shortest paths of the network algorithm's nodes with two columns left, in closed form.

With two columns left (a + b patients, row margins r), a completion is the first of the two columns, x with
sum x = a and 0 <= x_i <= r_i (the second is r - x), and its length is -sum(log x_i! + log (r_i - x_i)!).

- Longest (the most probable completion): a separable concave function under one sum constraint, whose
  maximum is the point where no transfer of one patient between two rows gains; found from the proportional
  split by greedy steps and transfers, all nodes at once.
- Shortest (the least probable): the minimum of a concave function is at a vertex of the box cut by the sum,
  where every row but one is at 0 or r_i. Every row at a bound contributes -log r_i!; the one partial row k
  holding rem patients adds log C(r_k, rem) to that, rem being a minus the rows filled whole. The subsets of
  rows filled whole are enumerated (2^(rows - 1) per row); beyond `MAX_SUBSET_ROWS` rows the lower bound
  -sum(log r_i!), still valid but not exact, is used.

These replace building the last stage's arcs for every node (FEXACT computes the same two paths with its
f3xact / f4xact): only the nodes that the walk reaches undecided get their arcs built.
"""

from __future__ import annotations

import itertools

import numpy as np

MAX_SUBSET_ROWS = 10
_GAIN = 1e-12  # a transfer must gain more than rounding


def _up(x: np.ndarray, r: np.ndarray) -> np.ndarray:
    """Gain in length of one more patient in each row (-inf where the row is full)."""
    with np.errstate(divide="ignore"):
        return np.where(x < r, np.log(r - x) - np.log(x + 1), -np.inf)


def _down(x: np.ndarray, r: np.ndarray) -> np.ndarray:
    """Gain in length of one patient fewer in each row (-inf where the row is empty)."""
    with np.errstate(divide="ignore"):
        return np.where(x > 0, np.log(np.maximum(x, 1)) - np.log(r - x + 1), -np.inf)


def longest(r: np.ndarray, a: int, lf: np.ndarray) -> np.ndarray:
    """Per node (a row of `r`): the length of its most probable completion."""
    total = r.sum(axis=1, keepdims=True)
    x = np.minimum(r, (r * a) // np.maximum(total, 1))
    rows = np.arange(len(r))
    for _ in range(r.shape[1] * 2 + 1):
        short = a - x.sum(axis=1)
        if not short.any():
            break
        best = np.argmax(_up(x, r), axis=1)
        x[rows, best] += short > 0
    while True:
        up, down = _up(x, r), _down(x, r)
        i, j = np.argmax(up, axis=1), np.argmax(down, axis=1)
        move = (up[rows, i] + down[rows, j] > _GAIN) & (i != j)
        if not move.any():
            break
        x[rows[move], i[move]] += 1
        x[rows[move], j[move]] -= 1
    return -(lf[x] + lf[r - x]).sum(axis=1)


def shortest(r: np.ndarray, a: int, lf: np.ndarray) -> np.ndarray:
    """Per node: the length of its least probable completion (a lower bound beyond `MAX_SUBSET_ROWS` rows)."""
    at_bounds = -lf[r].sum(axis=1)
    m = r.shape[1]
    if m > MAX_SUBSET_ROWS:
        return at_bounds
    subsets = np.array(list(itertools.product((0, 1), repeat=m - 1)), dtype=np.int64)
    loss = np.full(len(r), np.inf)
    for k in range(m):
        rk = r[:, k : k + 1]
        rem = a - np.delete(r, k, axis=1) @ subsets.T
        fits = (rem >= 0) & (rem <= rk)
        rem = np.clip(rem, 0, rk)
        cost = np.where(fits, lf[rk] - lf[rem] - lf[rk - rem], np.inf)
        loss = np.minimum(loss, cost.min(axis=1))
    return at_bounds + loss
