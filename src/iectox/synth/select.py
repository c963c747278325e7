"""Choosing subsets: exact-size weighted draws and swaps that bring a subset's sum onto a target.

Counts are calibrated, so every "who" question (who has CRS, who is treated) is an exact-size draw, weighted
by plausibility; the weights never change how many.
"""

from __future__ import annotations

import numpy as np

SWAP_SAMPLE = 4096


def largest_remainder(weights: np.ndarray | list[float], total: int) -> np.ndarray:
    """Integers proportional to `weights` that add up to `total` exactly (Hamilton's method)."""
    w = np.asarray(weights, dtype=float)
    if total <= 0 or w.sum() <= 0:
        return np.zeros(len(w), dtype=np.int64)
    quota = w / w.sum() * total
    out = np.floor(quota).astype(np.int64)
    short = int(total - out.sum())
    if short:
        order = np.argsort(-(quota - out), kind="stable")
        out[order[:short]] += 1
    return out


def weighted_pick(
    candidates: np.ndarray, weights: np.ndarray, k: int, rng: np.random.Generator
) -> np.ndarray:
    """`k` of the `candidates` (indices) without replacement, each drawn with probability ~ its weight.

    Gumbel-top-k: one vectorised draw, exact size, deterministic for a seed.
    """
    candidates = np.asarray(candidates)
    if k <= 0 or len(candidates) == 0:
        return candidates[:0]
    if k >= len(candidates):
        return candidates.copy()
    w = np.maximum(np.asarray(weights, dtype=float), 1e-12)
    keys = np.log(w) + rng.gumbel(size=len(candidates))
    return candidates[np.argpartition(-keys, k - 1)[:k]]


def swap_to_sum(
    values: np.ndarray,
    chosen: np.ndarray,
    pool: np.ndarray,
    locked: np.ndarray,
    target: float,
    tol: float,
    rng: np.random.Generator,
    max_swaps: int = 400,
) -> np.ndarray:
    """Swap members of `chosen` (a mask) with non-members in `pool` until the chosen values sum to `target`.

    `locked` members never leave. Each swap takes the single pair that best closes the gap (members are
    sampled in large groups, so a swap stays cheap; the sum may then still be off, and callers absorb the
    rest). Returns the new mask.
    """
    chosen = chosen.copy()
    gap = target - float(values[chosen].sum())
    outs = np.flatnonzero(chosen & ~locked)
    ins = np.flatnonzero(pool & ~chosen)
    if len(outs) == 0 or len(ins) < 2:
        return chosen
    order = np.argsort(values[ins], kind="stable")
    ins, v_in = ins[order], values[ins][order]
    taken = np.zeros(len(ins), dtype=bool)
    for _ in range(max_swaps):
        if abs(gap) <= tol:
            break
        sample = np.arange(len(outs)) if len(outs) <= SWAP_SAMPLE else rng.integers(0, len(outs), SWAP_SAMPLE)
        want = values[outs[sample]] + gap
        right = np.clip(np.searchsorted(v_in, want), 1, len(v_in) - 1)
        left = right - 1
        residual = np.stack([np.abs(v_in[left] - want), np.abs(v_in[right] - want)])
        residual[0, taken[left]] = np.inf
        residual[1, taken[right]] = np.inf
        side, k = np.unravel_index(int(np.argmin(residual)), residual.shape)
        if residual[side, k] >= abs(gap):
            break
        pick = (left if side == 0 else right)[k]
        out_i, in_i = outs[sample[k]], ins[pick]
        chosen[out_i], chosen[in_i] = False, True
        taken[pick] = True
        outs[sample[k]] = in_i
        gap -= float(values[in_i] - values[out_i])
    return chosen


def adjust_total(counts: np.ndarray, total: int, low: int, high: int, rng: np.random.Generator) -> np.ndarray:
    """Add or remove 1 on random entries (kept within [low, high]) until `counts` add up to `total`."""
    counts = counts.copy()
    gap = int(total - counts.sum())
    while gap:
        step = 1 if gap > 0 else -1
        room = np.flatnonzero(counts < high) if step > 0 else np.flatnonzero(counts > low)
        if len(room) == 0:
            break
        take = rng.choice(room, min(abs(gap), len(room)), replace=False)
        counts[take] += step
        gap -= step * len(take)
    return counts
