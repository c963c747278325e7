"""Fisher's exact test on r x c tables: against scipy's 2 x 2 test, a brute-force oracle, and the fallback."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import scipy.stats
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from iectox.stats import fisher_exact

cells = st.integers(min_value=0, max_value=60)


@settings(max_examples=200, deadline=None)
@given(a=cells, b=cells, c=cells, d=cells)
def test_rxc_enumeration_equals_scipy_exact_2x2(a, b, c, d):
    table = [[a, b], [c, d]]
    assume(min(a + b, c + d, a + c, b + d) > 0)
    expected = scipy.stats.fisher_exact(table).pvalue  # same rule as R: sum of P <= P(observed) * (1 + 1e-7)
    assert fisher_exact(table).p_value == pytest.approx(expected, rel=1e-9, abs=1e-300)


def _brute_force(table: np.ndarray) -> float:
    """Every table with the observed margins, one by one, from the definition (small tables only)."""
    rows, cols = table.sum(axis=1), table.sum(axis=0)
    n = int(table.sum())

    def log_p(t: np.ndarray) -> float:
        return (
            sum(math.lgamma(r + 1) for r in rows)
            + sum(math.lgamma(c + 1) for c in cols)
            - math.lgamma(n + 1)
            - sum(math.lgamma(x + 1) for x in t.ravel())
        )

    observed = log_p(table)
    free = [range(min(rows[i], cols[j]) + 1) for i in range(len(rows) - 1) for j in range(len(cols) - 1)]
    p = 0.0
    for values in itertools.product(*free):
        inner = np.array(values).reshape(len(rows) - 1, len(cols) - 1)
        last_col = rows[:-1] - inner.sum(axis=1)
        top = np.column_stack([inner, last_col])
        last_row = cols - top.sum(axis=0)
        full = np.vstack([top, last_row])
        if (full < 0).any():
            continue
        lp = log_p(full)
        if lp <= observed + 3.45254e-7:  # R's FEXACT tolerance, in log space
            p += math.exp(lp)
    return p


@settings(max_examples=40, deadline=None)
@given(
    shape=st.sampled_from([(2, 3), (3, 2), (3, 3), (2, 4)]),
    data=st.data(),
)
def test_rxc_enumeration_equals_brute_force(shape, data):
    flat = data.draw(st.lists(st.integers(0, 4), min_size=shape[0] * shape[1], max_size=shape[0] * shape[1]))
    table = np.array(flat).reshape(shape)
    assume((table.sum(axis=0) > 0).all() and (table.sum(axis=1) > 0).all())
    assert fisher_exact(table).p_value == pytest.approx(_brute_force(table), rel=1e-9)


def test_too_large_a_table_falls_back_to_a_seeded_monte_carlo_and_says_so():
    table = [[10, 8, 7, 6, 5, 4], [60, 60, 60, 60, 60, 61]]  # exact p 0.687217954429965 (fisher.test)
    first = fisher_exact(table, max_enumerated=100, max_arcs=100, mc_tables=20_000, seed=3)
    again = fisher_exact(table, max_enumerated=100, max_arcs=100, mc_tables=20_000, seed=3)
    assert first == again  # reproducible
    assert "Monte Carlo, B = 20000, seed 3" in first.detail
    assert "Monte Carlo, B = 20000, seed 3" in first.method
    assert "too large for the exact test" in first.detail
    assert first.warnings == (
        "Monte Carlo p-value (B = 20000 random tables, seed 3): the table is too large for the exact test",
    )
    assert first.p_value == pytest.approx(0.687217954429965, abs=0.02)  # binomial SE about 0.003
