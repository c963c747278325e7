"""Small-cell suppression of a centre's count tables, with complementary suppression.

A count from 1 to `min_cell - 1` could identify a patient: it is masked (primary suppression). A masked cell
alone in its row or column would be given back by the margin (the group's size, the level's total), so more
cells are masked (complementary suppression) until no masked cell is determined by the margins: a cell is
determined when its unit vector lies in the row space of the equations "masked cells of this row (column) sum
to the known rest", which is checked by rank, not only by counting masked cells per line (two masked cells in
each line can still leave one determined, when the masked cells form a chain rather than a cycle); and, since
counts cannot be negative, until no masked cell is pinned to one value by its bounds either (two linear
programmes per cell: a line whose unmasked cells already make its total forces its masked cells to 0, and
through them may give others).

Zeros are not masked for their own sake (a level nobody has identifies no one). A complementary cell is chosen
in a line of an exposed cell, the one that leaves the fewest cells exposed (one step of look-ahead), then the
smallest positive count, so that little is hidden; a zero last.
Protection is against exact recomputation from the margins; bounds (a masked cell is at most its margin)
remain, as with every cell-suppression method. When the margins themselves are small enough to give the cells
(every cell of their lines masked), nothing more can be masked and the mask is returned as it is.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import linprog

DEFAULT_MIN_CELL = 5


def _constraints(mask: np.ndarray, row_totals: bool) -> np.ndarray:
    """The margin equations restricted to the masked cells: one per table column, and one per table row when
    the rows' totals are known too."""
    cells = np.flatnonzero(mask.ravel())
    rows, columns = mask.shape
    equations = np.zeros((rows + columns, cells.size))
    for j, cell in enumerate(cells):
        r, c = divmod(int(cell), columns)
        equations[r, j] = 1.0 if row_totals else 0.0
        equations[rows + c, j] = 1.0
    return equations


def determined(mask: np.ndarray, row_totals: bool = True) -> list[tuple[int, int]]:
    """The masked cells that the column margins (and the row margins, when known) give back exactly."""
    cells = np.flatnonzero(mask.ravel())
    if not cells.size:
        return []
    equations = _constraints(mask, row_totals)
    rank = np.linalg.matrix_rank(equations)
    found = []
    for j, cell in enumerate(cells):
        unit = np.zeros(cells.size)
        unit[j] = 1.0
        if np.linalg.matrix_rank(np.vstack([equations, unit])) == rank:
            found.append(divmod(int(cell), mask.shape[1]))
    return found


def pinned(table: np.ndarray, mask: np.ndarray, row_totals: bool = True) -> list[tuple[int, int]]:
    """The masked cells whose value the margins fix once counts are known to be >= 0: the smallest and the
    largest value a cell can take (two linear programmes) are equal. The margins' equations of a two-way
    table are totally unimodular, so these bounds are whole numbers and exact. Catches what the rank test
    cannot: masked cells of a line that must all be 0 because the rest of the line already makes its total."""
    cells = [(int(r), int(c)) for r, c in zip(*np.nonzero(mask), strict=True)]
    if not cells:
        return []
    counts = np.asarray(table, dtype=float)
    known = np.where(mask, 0.0, counts)
    equations, totals = [], []
    lines = [(r, None) for r in range(counts.shape[0])] if row_totals else []
    lines += [(None, c) for c in range(counts.shape[1])]
    for r, c in lines:
        equations.append(
            [1.0 if (r is None or cr == r) and (c is None or cc == c) else 0.0 for cr, cc in cells]
        )
        line = counts[r] if r is not None else counts[:, c]
        rest = known[r] if r is not None else known[:, c]
        totals.append(float(line.sum() - rest.sum()))
    found = []
    for i, cell in enumerate(cells):
        objective = np.zeros(len(cells))
        objective[i] = 1.0
        low = linprog(objective, A_eq=equations, b_eq=totals, bounds=(0, None), method="highs").fun
        high = -linprog(-objective, A_eq=equations, b_eq=totals, bounds=(0, None), method="highs").fun
        if high - low < 0.5:
            found.append(cell)
    return found


def exposed_cells(table: np.ndarray, mask: np.ndarray, row_totals: bool = True) -> list[tuple[int, int]]:
    """The masked cells an attacker knowing the margins recovers: by the linear equations, or by the bounds
    of counts that cannot be negative."""
    linear = determined(mask, row_totals)
    return linear or pinned(table, mask, row_totals)


def _complement(
    table: np.ndarray, mask: np.ndarray, exposed: list[tuple[int, int]], row_totals: bool
) -> tuple[int, int] | None:
    """The unmasked cell, in a line of an exposed cell, to mask next: the one that leaves the fewest cells
    exposed, then the smallest positive count (a zero last: a masked 1 beside a masked 0 adds up to 1)."""
    candidates = set()
    for row, column in exposed:
        if row_totals:
            candidates.update((row, c) for c in range(table.shape[1]) if not mask[row, c])
        candidates.update((r, column) for r in range(table.shape[0]) if not mask[r, column])
    if not candidates:
        return None

    def cost(cell: tuple[int, int]) -> tuple[int, bool, float, tuple[int, int]]:
        trial = mask.copy()
        trial[cell] = True
        return (len(determined(trial, row_totals)), bool(table[cell] == 0), float(table[cell]), cell)

    return min(candidates, key=cost)


def suppress(table: np.ndarray, min_cell: int = DEFAULT_MIN_CELL, row_totals: bool = True) -> np.ndarray:
    """The mask (True = masked) of a rows x columns count table whose column totals are known (and its row
    totals, unless `row_totals` is False: a single list of counts under one known total)."""
    counts = np.asarray(table, dtype=float)
    mask = (counts > 0) & (counts < min_cell)
    while True:
        exposed = exposed_cells(counts, mask, row_totals)
        if not exposed:
            return mask
        chosen = _complement(counts, mask, exposed, row_totals)
        if chosen is None:  # every cell of those lines is masked: the margins themselves are the counts
            return mask
        mask[chosen] = True
