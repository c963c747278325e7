"""Fisher's exact test on any r x c table: exact (enumeration or network algorithm), or a seeded Monte Carlo
when too large for both.

The exact p-value is the Freeman-Halton sum: the probability, under independence with all margins fixed, of
every table no more likely than the observed one. R's `fisher.test` computes it with FEXACT (Mehta & Patel's
network algorithm). Here a table small enough is enumerated whole (below); a larger one goes to the network
algorithm (`iectox.stats.methods.fisher_network`), which adds whole subtrees in closed form. Both compute the
same sum (the tests hold them to 1e-12 of each other and of R); a table too large for both is simulated.

Enumeration is by meet-in-the-middle so that it stays fast:
the columns are split in two halves, each half's partial tables are enumerated (vectorised with numpy) and
grouped by their partial row sums, and two halves combine when their row sums add up to the margins. For a
fixed left half, the right halves that keep the table at most as likely as the observed one are a prefix of
the right halves sorted by probability, found with `searchsorted`; a cumulative sum gives their total. With
four columns or more the work grows roughly with the square root of the number of tables; with three, one
half holds every table (the last column follows from the margins), which still takes under a second for
3 x 3 tables of a few hundred patients.

Ties: R sums the tables whose probability is within a relative 1e-7 of the observed one or below for a 2 x 2
table (`relErr <- 1 + 10^(-7)`), and within 3.45254e-7 in log space for larger tables (FEXACT's `tol`);
both rules are kept, so tables exactly as likely as the observed one (e.g. its mirror image) count.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.special import gammaln

from iectox.i18n import N_
from iectox.message import Message
from iectox.stats.methods.fisher_network import MAX_ARCS, MAX_PAST, NetworkTooLarge, integer_ranges, network_p
from iectox.stats.methods.result import MethodResult

TOL_2X2 = math.log1p(1e-7)  # fisher.test: d <= d[observed] * (1 + 10^-7)
TOL_RXC = 3.45254e-7  # FEXACT: observed path length + tol, in log space
ALMOST_1 = 1 + 64 * np.finfo(float).eps  # fisher.test(simulate.p.value = TRUE)
MAX_ENUMERATED = 4_000_000  # partial tables one half may hold (about 250 MB at the peak); then the network
_CHUNK = 20_000
MC_TABLES = 100_000  # B, when a table is too large for the exact test
MC_SEED = 1
MONTE_CARLO = N_(
    "Monte Carlo p-value (B = {b} random tables, seed {seed}): the table is too large for the exact test"
)
AT_FLOOR = N_(
    "p < 1/(B + 1) = {floor}: none of the {b} random tables was as extreme as the observed one; the p-value "
    "shown is that bound"
)


class TooLarge(Exception):
    """The enumeration would hold more than the allowed number of partial tables."""


@dataclass(frozen=True)
class ExactFisher:
    p_value: float
    tables: (
        int | None
    )  # tables with the observed margins, all weighed (enumeration only: None for the network)
    algorithm: str = "enumeration"  # or "network"


def _add_column(
    sums: np.ndarray, kernel: np.ndarray, total: int, rows: np.ndarray, lf: np.ndarray, limit: int
) -> tuple[np.ndarray, np.ndarray]:
    """Extend every partial table by one column of `total`, in every way the row margins still allow.

    Rows are filled one at a time; each cell gets at least what the rows below it cannot absorb, so every
    extension is feasible and nothing is generated only to be discarded.
    """
    room = rows - sums
    below = np.cumsum(room[:, ::-1], axis=1)[:, ::-1]  # below[:, i]: room left in rows i, i+1, ...
    owner = np.arange(len(sums))
    remaining = np.full(len(sums), total, dtype=sums.dtype)
    cells: list[np.ndarray] = []
    for i in range(len(rows) - 1):
        lo = np.maximum(0, remaining - below[owner, i + 1])
        hi = np.minimum(remaining, room[owner, i])
        if int(np.maximum(hi - lo + 1, 0).sum()) > limit:
            raise TooLarge
        pick, x = integer_ranges(lo, hi)
        cells = [c[pick] for c in cells] + [x]
        owner, remaining = owner[pick], remaining[pick] - x
    cells.append(remaining)
    new_sums, new_kernel = sums[owner], kernel[owner]
    for i, x in enumerate(cells):  # cell by cell: no (tables x rows) temporaries at the peak
        new_sums[:, i] += x
        new_kernel -= lf[x]
    return new_sums, new_kernel


def _half(totals: list[int], lf: np.ndarray, rows: np.ndarray, limit: int) -> tuple[np.ndarray, np.ndarray]:
    """Partial tables of some columns: their row sums and their sum of -log(x!) (the probability kernel)."""
    sums = np.zeros((1, len(rows)), dtype=np.int32)  # margins are patients: int32 halves the memory
    kernel = np.zeros(1)
    for total in totals:
        sums, kernel = _add_column(sums, kernel, total, rows, lf, limit)
    return sums, kernel


def _ways(total: int, rows: np.ndarray) -> float:
    """Roughly how many ways one column can be filled (to balance the halves); exact for two rows."""
    if len(rows) == 2:
        return max(1, min(total, rows[0]) - max(0, total - rows[1]) + 1)
    return math.comb(total + len(rows) - 1, len(rows) - 1)


def _split(sizes: list[float]) -> tuple[list[int], list[int]]:
    """Column indices in two halves of balanced enumeration size (largest columns placed first)."""
    left: list[int] = []
    right: list[int] = []
    log_left = log_right = 0.0
    for j in sorted(range(len(sizes)), key=lambda j: -sizes[j]):
        if log_left <= log_right:
            left.append(j)
            log_left += math.log(sizes[j])
        else:
            right.append(j)
            log_right += math.log(sizes[j])
    return left, right


def exact_p(
    table: np.ndarray, tol: float, max_enumerated: int = MAX_ENUMERATED, max_arcs: int = MAX_ARCS
) -> ExactFisher:
    """Freeman-Halton exact p-value of an r x c table with no empty row or column: enumerated when one half
    holds at most `max_enumerated` partial tables, else by the network algorithm; TooLarge when too big for
    both."""
    try:
        return enumerated_p(table, tol, max_enumerated)
    except TooLarge:
        pass
    try:
        network = network_p(table, tol, max_arcs)
    except NetworkTooLarge:
        raise TooLarge from None
    return ExactFisher(network.p_value, None, "network")


def enumerated_p(table: np.ndarray, tol: float, max_enumerated: int = MAX_ENUMERATED) -> ExactFisher:
    """Freeman-Halton exact p-value by meet-in-the-middle enumeration; TooLarge when a half is too big."""
    if table.shape[0] > table.shape[1]:
        table = table.T  # same p-value; fewer rows means fewer ways to fill a column
    rows, cols = table.sum(axis=1), table.sum(axis=0)
    n = int(table.sum())
    lf = gammaln(np.arange(n + 1) + 1.0)
    log_k = lf[rows].sum() + lf[cols].sum() - lf[n]
    threshold = -lf[table].sum() + tol
    left_idx, right_idx = _split([_ways(int(c), rows) for c in cols])
    sums_a, kern_a = _half([int(cols[j]) for j in left_idx], lf, rows, max_enumerated)
    sums_b, kern_b = _half([int(cols[j]) for j in right_idx], lf, rows, max_enumerated)

    if math.prod(int(r) + 1 for r in rows) >= 2**62:
        raise TooLarge  # partial row sums would no longer fit one integer key
    radix = np.cumprod(np.concatenate([[1], rows[:-1] + 1]))
    key_a, key_b = sums_a @ radix, sums_b @ radix
    key_full = int(rows @ radix)
    order_b = np.lexsort((kern_b, key_b))
    key_b, kern_b = key_b[order_b], kern_b[order_b]
    order_a = np.argsort(key_a, kind="stable")
    key_a, kern_a = key_a[order_a], kern_a[order_a]
    uniq_a, start_a = np.unique(key_a, return_index=True)
    end_a = np.append(start_a[1:], len(key_a))
    lo_b = np.searchsorted(key_b, key_full - uniq_a, side="left")
    hi_b = np.searchsorted(key_b, key_full - uniq_a, side="right")

    extreme = total = 0.0
    tables = 0
    for sa, ea, sb, eb in zip(start_a, end_a, lo_b, hi_b, strict=True):
        if sb == eb:
            continue
        right = kern_b[sb:eb]
        top = right[-1]
        cumulative = np.cumsum(np.exp(right - top))
        left = kern_a[sa:ea]
        scale = np.exp(log_k + left + top)
        upto = np.searchsorted(right, threshold - left, side="right")
        hit = upto > 0
        extreme += float(np.dot(scale[hit], cumulative[upto[hit] - 1]))
        total += float(scale.sum() * cumulative[-1])
        tables += (ea - sa) * (eb - sb)
    # Dividing by the total (1 up to rounding) mirrors R's d / sum(d) for 2 x 2 tables.
    return ExactFisher(min(1.0, extreme / total), tables)


def monte_carlo_p(table: np.ndarray, replicates: int, seed: int) -> float:
    """R's simulated p-value: (1 + #{random tables no more likely than observed}) / (B + 1).

    Random tables with the observed margins (scipy's `random_table`, Patefield's or Boyett's algorithm, as
    R's `r2dtable`), from a seeded numpy generator: reproducible from run to run, not the same draws as R's.
    """
    # imported here: scipy.stats costs half a second of start-up, and a table too large to enumerate is rare
    from scipy.stats import random_table

    lf_max = int(table.sum())
    lf = gammaln(np.arange(lf_max + 1) + 1.0)
    observed = -lf[table].sum()
    rng = np.random.default_rng(seed)
    sampler = random_table(table.sum(axis=1), table.sum(axis=0), seed=rng)
    as_extreme = 0
    done = 0
    while done < replicates:
        size = min(_CHUNK, replicates - done)
        draws = sampler.rvs(size=size)
        stats = -lf[draws.reshape(size, -1)].sum(axis=1)
        as_extreme += int(np.sum(stats <= observed / ALMOST_1))
        done += size
    return (1 + as_extreme) / (replicates + 1)


def simulated_result(
    table: np.ndarray, b: int, seed: int, shape: str, limits: tuple[int, int]
) -> MethodResult:
    """The Monte Carlo test as a result that says so everywhere it is shown: R's method line with B, the
    detail, and a warning (a footnote of the table, translated) naming B and the seed; a p-value at its floor
    1/(B + 1) is flagged as the bound it is."""
    p = monte_carlo_p(table, b, seed)
    method = f"Fisher's exact test with simulated p-value (Monte Carlo, B = {b}, seed {seed})"
    detail = (
        f"{shape}: Monte Carlo, B = {b}, seed {seed}: too large for the exact test (over {limits[0]:,} "
        f"partial tables to enumerate, and over {limits[1]:,} arcs or {MAX_PAST:,} past path lengths in the "
        f"network algorithm)"
    )
    warnings = [Message(MONTE_CARLO, b=b, seed=seed)]
    if at_floor(p, b):
        floor = f"{p:.3g}"
        detail += f"; p < 1/(B + 1) = {floor}: no random table was as extreme as the observed one"
        warnings.append(Message(AT_FLOOR, floor=floor, b=b))
    return MethodResult("fisher_exact", p, None, None, method, detail, tuple(warnings))


def at_floor(p: float, b: int) -> bool:
    """Whether a Monte Carlo p-value is its smallest possible value 1/(B + 1): then only a bound."""
    return p * (b + 1) < 1.5


def is_simulated(result: MethodResult) -> bool:
    """Whether a Fisher result is a Monte Carlo p-value rather than the exact one."""
    return any(getattr(w, "template", None) == MONTE_CARLO for w in result.warnings)


def is_floor(result: MethodResult) -> bool:
    """Whether a Monte Carlo result's p-value is at its floor (a bound, not a value)."""
    return any(getattr(w, "template", None) == AT_FLOOR for w in result.warnings)
