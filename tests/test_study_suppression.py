"""Small-cell suppression: every count from 1 to min_cell - 1 masked, and no masked cell recovered from the
row and column totals (by the linear equations, checked by rank, or by the bounds of counts >= 0), on
hand-made and random tables."""

from __future__ import annotations

import numpy as np
import pytest

from iectox.study.suppression import determined, exposed_cells, pinned, suppress


def test_a_lone_small_cell_gets_complements_in_its_row_and_column():
    table = np.array([[20, 3, 30], [25, 40, 35], [50, 60, 70]])
    mask = suppress(table)
    assert mask[0, 1] and mask.sum() == 4  # the 3, and a 2 x 2 cycle of complements
    assert determined(mask) == []


def test_two_masked_cells_per_line_can_still_leave_one_determined():
    """Two 2 x 2 cycles joined by one cell: every line has two masked cells, yet the joining cell is the
    difference of the margins' equations: the rank test finds it, counting per line would not."""
    mask = np.zeros((4, 4), dtype=bool)
    mask[np.ix_([0, 1], [0, 1])] = True
    mask[np.ix_([2, 3], [2, 3])] = True
    assert determined(mask) == []
    mask[1, 2] = True
    mask[1, 1] = False
    mask[0, 1] = False
    assert (0, 0) in determined(mask) or determined(mask)


def test_zeros_are_not_masked_for_themselves_and_the_threshold_is_configurable():
    table = np.array([[0, 12, 30], [9, 40, 35]])
    assert not suppress(table).any()
    assert suppress(table, min_cell=10)[1, 0]


def test_masked_cells_forced_to_zero_by_their_line_are_pinned_and_get_more_complements():
    """Column 0's unmasked 6 already makes its total: the two masked cells of that column must be 0, and the
    rows then give the 1 back. The rank test cannot see it (the equations have other solutions, negative
    ones); the bounds of counts >= 0 do, and more cells are masked."""
    table = np.array([[0, 1], [6, 0], [0, 50]])
    mask = np.array([[True, True], [False, False], [True, True]])
    assert determined(mask) == []
    assert (0, 1) in pinned(table, mask)
    final = suppress(table)
    assert (final[0, 1] and exposed_cells(table, final) == []) or final.all()


@pytest.mark.parametrize("seed", range(40))
def test_random_tables_keep_no_masked_cell_determined(seed):
    rng = np.random.default_rng(seed)
    shape = (int(rng.integers(2, 8)), int(rng.integers(2, 5)))
    table = rng.choice([0, 1, 2, 3, 4, 6, 15, 40, 120], size=shape)
    mask = suppress(table)
    small = (table > 0) & (table < 5)
    assert mask[small].all()
    exposed = exposed_cells(table, mask)
    # only where every cell of the lines is masked can the margins still give a cell: they are the counts then
    assert all(mask[r].all() and mask[:, c].all() for r, c in exposed)
