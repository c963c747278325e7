"""The network algorithm of Mehta & Patel (R's FEXACT) for Fisher's exact test on r x c tables.

A table is built one column at a time. After some columns, all that matters for the rest is what the rows
still have to hold, sorted (rows are exchangeable): that vector is a node of the network, at its stage (the
number of columns filled). Every table with the observed margins is a path from the root (the row margins) to
the last stage; its log-probability, up to a constant, is the sum of its arcs' lengths, -sum(log x!) over the
cells of each column (the kernel).

1. The network is built forward up to the nodes with two columns left, every node with every way to fill its
   next column (vectorised per stage).
2. Those last nodes get their exact longest and shortest remaining path (the most and the least probable
   completion) in closed form (`fisher_bounds`; FEXACT computes them with f3xact / f4xact); backward from
   them, every node gets its own as a max / min over its arcs, also exact. The total probability of all
   completions of a node is a closed form: sum over completions of prod 1/x! = M! / (prod r_i! prod c_j!),
   with M the patients still to place.
3. Forward again, each node holds its distinct past path lengths with their frequencies (paths of equal
   length merge). Along each arc, a past length whose every completion is at most as probable as the observed
   table (longest path within the threshold) adds past x total in closed form; one whose every completion is
   more probable (shortest path beyond it) is dropped; only the others go on to the next stage.
4. At the nodes with two columns left, the completions are the ways to fill the first of them: built only
   for the nodes reached, sorted, and summed up to the threshold by binary search.

The threshold is the observed kernel plus R's tolerance (`TOL_RXC` in log space, or log(1 + 1e-7) for a 2 x 2
table), so tables exactly as likely as the observed one count, whatever their rounding. Past lengths merge only
when equal up to rounding (`MERGE_STEP`, 3.7e-9): FEXACT merges within its tolerance 3.45e-7, which could join two
genuinely different lengths; here each keeps its own probability.

Size: the work is the number of arcs (nodes x ways to fill a column), the past lengths kept, and the
completions of the last nodes reached. `NetworkTooLarge` is raised beyond `MAX_ARCS` arcs (held at once),
`MAX_PAST` past lengths at one stage, or `MAX_COMPLETIONS` completions (built a chunk at a time: a bound on
time, several minutes on a loaded machine). R's `fisher.test(workspace = 2e8)` stops at 1.26 million nodes per
stage (FEXACT error 6) or 18.8 million past lengths (error 7).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
from scipy.special import gammaln

from iectox.stats.methods import fisher_bounds

MERGE_STEP = 2.0**-28  # past path lengths in one bin of this width (3.7e-9) are equal up to rounding
MAX_ARCS = 30_000_000  # arcs of the whole network, held at once (about 1 GB at the peak)
MAX_COMPLETIONS = (
    300_000_000  # completions of the last nodes reached, built a chunk at a time (time, not memory)
)
MAX_PAST = 20_000_000  # past path lengths held at one stage
_CHUNK = 400_000  # children carried at once when a stage is expanded (small arrays: no fresh pages)
_FILLS_AT_ONCE = 400_000  # completions built together (small arrays: no fresh pages for each chunk)


class NetworkTooLarge(Exception):
    """The network, or the past path lengths at one of its stages, exceed the allowed size."""


@dataclass(frozen=True)
class NetworkResult:
    p_value: float
    nodes: int  # nodes of the network, all stages
    arcs: int  # arcs built, the completions of the last nodes reached included
    past: int  # past path lengths held, summed over the stages


@dataclass(frozen=True)
class _Stage:
    """The arcs out of one stage's nodes, grouped by parent (`start`, `count`), with their child and length."""

    start: np.ndarray
    count: np.ndarray
    child: np.ndarray
    length: np.ndarray


def integer_ranges(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each i, the integers lo[i]..hi[i]: (index i of each, the integer), flattened, without a loop."""
    counts = np.maximum(hi - lo + 1, 0)
    owner = np.repeat(np.arange(lo.size), counts)
    starts = np.cumsum(counts) - counts
    return owner, lo[owner] + np.arange(counts.sum()) - starts[owner]


def _fills(
    nodes: np.ndarray, total: int, lf: np.ndarray, limit: int, last: bool
) -> tuple[np.ndarray, np.ndarray | None, np.ndarray]:
    """Every way to put `total` patients in one column under each node's remaining row margins.

    Returns (parent node of each fill, the rows left after it sorted, its length -sum(log x!)); fills come
    grouped by parent, in parent order. With `last`, what the rows still hold is the last column: its length
    is added and the rows left are not returned. Each cell gets at least what the rows below it cannot absorb,
    so every fill is feasible and nothing is generated only to be discarded.
    """
    below = np.cumsum(nodes[:, ::-1], axis=1)[:, ::-1]
    owner = np.arange(len(nodes))
    remaining = np.full(len(nodes), total, dtype=np.int64)
    cells: list[np.ndarray] = []
    for i in range(nodes.shape[1] - 1):
        lo = np.maximum(0, remaining - below[owner, i + 1])
        hi = np.minimum(remaining, nodes[owner, i])
        if int(np.maximum(hi - lo + 1, 0).sum()) > limit:
            raise NetworkTooLarge
        pick, x = integer_ranges(lo, hi)
        cells = [c[pick] for c in cells] + [x]
        owner, remaining = owner[pick], remaining[pick] - x
    cells.append(remaining)
    length = np.zeros(len(owner))
    left = np.empty((len(owner), nodes.shape[1]), dtype=np.int64)
    for i, x in enumerate(cells):
        left[:, i] = nodes[owner, i] - x
        length -= lf[x]
        if last:
            length -= lf[left[:, i]]
    if last:
        return owner, None, length
    left.sort(axis=1)
    return owner, left, length


def _network(
    rows: np.ndarray, cols: list[int], lf: np.ndarray, max_arcs: int
) -> tuple[list[np.ndarray], list[_Stage]]:
    """The nodes of every stage up to two columns left (sorted remaining row margins), and the arcs between."""
    radix = np.cumprod(np.concatenate([[1], np.full(len(rows) - 1, int(rows.max()) + 1)]))
    if (int(rows.max()) + 1) ** len(rows) >= 2**62:
        raise NetworkTooLarge  # a node would no longer fit one integer key
    nodes = [np.sort(rows)[None, :].astype(np.int64)]
    stages: list[_Stage] = []
    arcs = 0
    for total in cols[:-2]:
        owner, left, length = _fills(nodes[-1], total, lf, max_arcs - arcs, last=False)
        arcs += len(owner)
        count = np.bincount(owner, minlength=len(nodes[-1]))
        keys, child = np.unique(left @ radix, return_inverse=True)
        first = np.zeros(len(keys), dtype=np.int64)
        first[child] = np.arange(len(child))
        nodes.append(left[first])
        stages.append(_Stage(np.cumsum(count) - count, count, child.ravel(), length))
    return nodes, stages


def _bounds(stages: list[_Stage], longest: np.ndarray, shortest: np.ndarray) -> tuple[list[np.ndarray], ...]:
    """Per node of every stage: the longest and shortest remaining path, backward from the last nodes'."""
    up, down = [longest], [shortest]
    for stage in reversed(stages):
        up.insert(0, np.maximum.reduceat(stage.length + up[0][stage.child], stage.start))
        down.insert(0, np.minimum.reduceat(stage.length + down[0][stage.child], stage.start))
    return up, down


def _merge(node: np.ndarray, past: np.ndarray, freq: np.ndarray) -> tuple[np.ndarray, ...]:
    """Past path lengths of each node, those equal up to rounding merged (their frequencies added).

    Lengths fall in bins of `MERGE_STEP`, one integer key with the node, so that one integer sort groups
    them; only when the key would not fit 63 bits is the slower two-key sort used.
    """
    if not len(node):
        return node, past, freq
    low = float(past.min())
    span = int((float(past.max()) - low) / MERGE_STEP) + 2
    shift = span.bit_length()
    if shift + int(node.max()).bit_length() < 63:
        key = (node << shift) + np.rint((past - low) / MERGE_STEP).astype(np.int64)
        order = np.argsort(key)
        key = key[order]
        new = np.ones(len(key), dtype=bool)
        new[1:] = key[1:] != key[:-1]
    else:
        order = np.lexsort((past, node))
        new = np.ones(len(node), dtype=bool)
        new[1:] = (node[order][1:] != node[order][:-1]) | (np.diff(past[order]) > MERGE_STEP)
    start = np.flatnonzero(new)
    first = order[start]
    return node[first], past[first], np.add.reduceat(freq[order], start)


@dataclass(frozen=True)
class _Arcs:
    """One stage's arcs with, per arc, the longest and shortest length of the paths through it from its
    parent on, and the log of the sum of exp(length) over all of them."""

    stage: _Stage
    longest: np.ndarray
    shortest: np.ndarray
    log_total: np.ndarray

    @classmethod
    def of(cls, stage: _Stage, longest: np.ndarray, shortest: np.ndarray, log_total: np.ndarray) -> _Arcs:
        child, length = stage.child, stage.length
        return cls(stage, length + longest[child], length + shortest[child], length + log_total[child])


def network_p(
    table: np.ndarray, tol: float, max_arcs: int = MAX_ARCS, max_past: int = MAX_PAST
) -> NetworkResult:
    """Exact Freeman-Halton p-value of a table with no empty row or column; `NetworkTooLarge` when too big."""
    if table.shape[0] > table.shape[1]:
        table = table.T  # FEXACT's choice: the nodes have as many entries as the shorter side
    rows = table.sum(axis=1)
    cols = sorted(int(c) for c in table.sum(axis=0))  # FEXACT's order: smallest columns first
    n = int(table.sum())
    lf = gammaln(np.arange(n + 1) + 1.0)
    log_k = float(lf[rows].sum() + lf[cols].sum() - lf[n])
    threshold = float(-lf[table].sum()) + tol
    nodes, stages = _network(rows, cols, lf, max_arcs)
    longest, shortest = _bounds(
        stages,
        fisher_bounds.longest(nodes[-1], cols[-2], lf),
        fisher_bounds.shortest(nodes[-1], cols[-2], lf),
    )
    built = sum(len(x.child) for x in stages)
    if longest[0][0] <= threshold:
        return NetworkResult(1.0, sum(len(x) for x in nodes), built, 0)
    p, past_held = 0.0, 0
    held = (np.zeros(1, dtype=np.int64), np.zeros(1), np.ones(1))
    for s, stage in enumerate(stages):
        # sum over completions of exp(length): M! / (prod r! prod c!) for the columns still to fill
        placed = lf[int(nodes[s + 1][0].sum())] - float(lf[cols[s + 1 :]].sum())
        arcs = _Arcs.of(stage, longest[s + 1], shortest[s + 1], placed - lf[nodes[s + 1]].sum(axis=1))
        found, held = _step(arcs, held, threshold, log_k, max_past)
        p += found
        past_held += len(held[0])
    found, completions = _last_two_columns(nodes[-1], cols[-2], lf, held, (threshold, log_k), MAX_COMPLETIONS)
    return NetworkResult(min(1.0, p + found), sum(len(x) for x in nodes), built + completions, past_held)


def _step(
    arcs: _Arcs, held: tuple[np.ndarray, ...], threshold: float, log_k: float, max_past: int
) -> tuple[float, tuple[np.ndarray, ...]]:
    """Carry each undecided past path length along the arcs out of its node.

    For a past length v, the arcs whose longest path stays within the threshold (all their tables count) are
    a prefix of the node's arcs sorted by longest path: their probability is a prefix sum. The arcs whose
    shortest path exceeds it are a suffix by shortest path, dropped. Only the arcs in between are carried to
    the child, found from whichever of the two sorted lists gives fewer candidates; they merge there.
    Returns the probability decided and the past lengths held at the next stage.
    """
    node, past, freq = held
    stage = arcs.stage
    p, size = 0.0, 0
    kept: list[tuple[np.ndarray, ...]] = []
    merged = 0  # past lengths kept after the last merge of all of them
    carried: list[tuple[np.ndarray, ...]] = []
    cut = np.flatnonzero(np.diff(node)) + 1
    for lo, hi in zip(np.concatenate([[0], cut]), np.concatenate([cut, [len(node)]]), strict=True):
        if lo == hi:
            continue
        first, ways = stage.start[node[lo]], stage.count[node[lo]]
        up = first + np.argsort(arcs.longest[first : first + ways])
        down = first + np.argsort(arcs.shortest[first : first + ways])
        v, f = past[lo:hi], freq[lo:hi]
        room = threshold - v
        every = np.searchsorted(arcs.longest[up], room, side="right")
        some = np.searchsorted(arcs.shortest[down], room, side="right")
        weights = arcs.log_total[up]
        top = weights.max()
        cumulative = np.concatenate([[0.0], np.cumsum(np.exp(weights - top))])
        p += float(np.dot(f * np.exp(log_k + v + top), cumulative[every]))
        undecided = some - every
        if not undecided.any():
            continue
        from_down = some <= ways - every  # fewer candidates among the shortest-first prefix
        for mask, order, lo_i, hi_i in (
            (from_down, down, np.zeros_like(some), some),
            (~from_down, up, every, np.full_like(every, ways)),
        ):
            pick = mask & (undecided > 0)
            if not pick.any():
                continue
            owner, at = integer_ranges(lo_i[pick], hi_i[pick] - 1)
            arc = order[at]
            bound = room[pick][owner]
            live = (arcs.longest[arc] > bound) & (arcs.shortest[arc] <= bound)
            arc, owner = arc[live], owner[live]
            carried.append((stage.child[arc], v[pick][owner] + stage.length[arc], f[pick][owner]))
            size += len(arc)
        if size > _CHUNK:
            kept.append(_merge(*(np.concatenate(x) for x in zip(*carried, strict=True))))
            carried, size = [], 0
            # merged again whenever what is kept has doubled since the last merge (each length is sorted
            # O(log) times, where merging at every chunk sorted the whole of it again: quadratic), and soon
            # after it passes `max_past` (grown by a quarter), so that a network too large is known without
            # sorting twice as much
            total = sum(len(k[0]) for k in kept)
            if total > max(10 * _CHUNK, 2 * merged) or (total > max_past and 4 * total > 5 * merged):
                kept = [_merge(*(np.concatenate(x) for x in zip(*kept, strict=True)))]
                merged = len(kept[0][0])
                if merged > max_past:
                    raise NetworkTooLarge
    if carried:
        kept.append(_merge(*(np.concatenate(x) for x in zip(*carried, strict=True))))
    if not kept:
        return p, (np.zeros(0, dtype=np.int64), np.zeros(0), np.zeros(0))
    held = _merge(*(np.concatenate(x) for x in zip(*kept, strict=True)))
    if len(held[0]) > max_past:
        raise NetworkTooLarge
    return p, held


def _last_two_columns(
    nodes: np.ndarray,
    a: int,
    lf: np.ndarray,
    held: tuple[np.ndarray, ...],
    threshold_and_log_k: tuple[float, float],
    limit: int,
) -> tuple[float, int]:
    """The nodes with two columns left that the walk reached undecided: their completions (every way to fill
    the first of the two) built, sorted, and summed up to each past length's threshold by binary search.
    Returns the probability and the number of completions built."""
    threshold, log_k = threshold_and_log_k
    node, past, freq = held
    p, built = 0.0, 0
    reached, first = np.unique(node, return_index=True)
    ends = np.append(first[1:], len(node))
    if _ways(nodes[reached], a).sum() > limit:
        raise NetworkTooLarge  # known before building any of them
    at_once = max(1, _FILLS_AT_ONCE // math.comb(a + nodes.shape[1] - 1, nodes.shape[1] - 1))
    for lo in range(0, len(reached), at_once):
        part = slice(lo, lo + at_once)
        owner, _, lengths = _fills(nodes[reached[part]], a, lf, limit - built, last=True)
        built += len(owner)
        bounds = np.searchsorted(owner, np.arange(len(reached[part]) + 1))
        for u, (s, e) in enumerate(zip(first[part], ends[part], strict=True)):
            mine = np.sort(lengths[bounds[u] : bounds[u + 1]])
            top = float(mine[-1])
            cumulative = np.concatenate([[0.0], np.cumsum(np.exp(mine - top))])
            upto = np.searchsorted(mine, threshold - past[s:e], side="right")
            p += float(np.dot(freq[s:e] * np.exp(log_k + past[s:e] + top), cumulative[upto]))
    return p, built


def _ways(nodes: np.ndarray, a: int) -> np.ndarray:
    """Per node, the number of ways to put `a` patients in one column under its row margins, by inclusion-
    exclusion over the rows that would overflow (a float: only compared with a limit)."""
    m = nodes.shape[1]
    ways = np.zeros(len(nodes))
    for over in itertools.product((0, 1), repeat=m):
        rest = (a - (nodes + 1) @ np.array(over)).astype(float)
        terms = np.prod([(rest + j) / j for j in range(1, m)], axis=0)  # C(rest + m - 1, m - 1)
        ways += (-1) ** sum(over) * np.where(rest >= 0, terms, 0.0)
    return ways
