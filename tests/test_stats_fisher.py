"""Fisher's exact test on r x c tables: against R 4.2.2, scipy's 2 x 2 test, a brute-force oracle, between its two
exact algorithms, and the labelled Monte Carlo beyond them (result, footnote, JSON, recheck)."""

from __future__ import annotations

import csv
import itertools
import math
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import scipy.stats
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy.special import gammaln

from iectox.published import parse_summary_table
from iectox.published.recheck import recheck
from iectox.render import Formatter, footnotes
from iectox.stats import fisher_exact
from iectox.stats.compare import compare
from iectox.stats.methods import fisher, fisher_bounds, fisher_network
from iectox.stats.methods.fisher_network import NetworkTooLarge, network_p
from iectox.stats.table import variable_record
from iectox.stats.variables import Variable

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


@settings(max_examples=25, deadline=None)
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


# R 4.2.2, fisher.test(x, workspace = 2e8)$p.value for each table of tests/data/r/fisher_rxc.tsv, made by
# `Rscript tests/data/r/fisher_rxc.R` (the script holds the tables and the exact call; the values are printed
# with sprintf("%.17g")). The network-algorithm tables that take R (and iectox) over 3 seconds run only with
# IECTOX_SLOW_TESTS=1.
R_TABLES = Path(__file__).parent / "data" / "r" / "fisher_rxc.tsv"
SLOW = {
    "3x3_n300_0",
    "3x3_n300_1",
    "3x3_n1000_0",
    "4x4_n150_0",
    "4x5_n85_0",
    "4x5_n85_2",
    "4x5_n85_5",
    "4x5_n85_6",
    "4x5_n85_7",
}
# 4x5_n85_6 runs in test_4x5_tables_of_85_patients_too_large_to_enumerate_are_exact_by_the_network_algorithm


def _r_cases() -> list[tuple[str, np.ndarray, float]]:
    with R_TABLES.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return [
        (
            r["id"],
            np.array(r["cells"].split(), dtype=int).reshape(int(r["rows"]), int(r["cols"])),
            float(r["p_value"]),
        )
        for r in rows
    ]


R_CASES = _r_cases()


def test_the_r_reference_file_covers_the_shapes_and_edge_cases():
    ids = {case[0] for case in R_CASES}
    assert len(R_CASES) >= 30
    assert {"zero_row_col", "tiny_p", "p_one_uniform", "mirror_3x3"} <= ids
    assert sum(i.startswith("4x5_n85") for i in ids) == 8


@pytest.mark.parametrize(("case", "table", "expected"), R_CASES, ids=[c[0] for c in R_CASES])
def test_fisher_rxc_equals_r(case, table, expected):
    if case in SLOW and not os.environ.get("IECTOX_SLOW_TESTS"):
        pytest.skip("over 3 seconds: set IECTOX_SLOW_TESTS=1")
    result = fisher_exact(table)
    assert result.method == "Fisher's exact test"
    assert result.warnings == ()
    assert result.p_value == pytest.approx(expected, rel=1e-10, abs=0)


def test_4x5_tables_of_85_patients_too_large_to_enumerate_are_exact_by_the_network_algorithm():
    # R 4.2.2: fisher.test(x, workspace = 2e8)$p.value = 0.073942520940721762 (4x5_n85_6 in fisher_rxc.tsv);
    # the enumeration alone would hold over 4 million partial tables: before the network algorithm, this
    # table got a Monte Carlo p-value.
    table = dict((c[0], c[1]) for c in R_CASES)["4x5_n85_6"]
    with pytest.raises(fisher.TooLarge):
        fisher.enumerated_p(table, fisher.TOL_RXC)
    result = fisher_exact(table)
    assert "exact (network algorithm)" in result.detail
    assert result.p_value == pytest.approx(0.073942520940721762, rel=1e-10)


@settings(max_examples=25, deadline=None)
@given(
    shape=st.sampled_from([(2, 2), (2, 3), (3, 3), (2, 5), (3, 4), (4, 4), (5, 3)]),
    data=st.data(),
)
def test_network_and_enumeration_give_one_exact_answer(shape, data):
    flat = data.draw(st.lists(st.integers(0, 9), min_size=shape[0] * shape[1], max_size=shape[0] * shape[1]))
    table = np.array(flat).reshape(shape)
    assume((table.sum(axis=0) > 0).all() and (table.sum(axis=1) > 0).all())
    tol = fisher.TOL_2X2 if shape == (2, 2) else fisher.TOL_RXC
    try:
        enumerated = fisher.enumerated_p(table, tol)
    except fisher.TooLarge:  # a 4 x 4 of ~140 patients: no enumeration to compare with (the R cases cover it)
        assume(False)
    network = network_p(table, tol)
    assert network.p_value == pytest.approx(enumerated.p_value, rel=1e-12)


def test_a_monte_carlo_p_at_its_floor_is_reported_as_a_bound():
    table = [[30, 0, 0], [0, 30, 0], [0, 0, 30]]  # exact p 1.6e-40: no random table is as extreme
    result = fisher_exact(table, max_enumerated=10, max_arcs=10, mc_tables=2_000, seed=3)
    assert result.p_value == 1 / 2_001
    assert fisher.is_simulated(result) and fisher.is_floor(result)
    assert "p < 1/(B + 1) = 0.0005" in result.detail
    assert result.warnings[1] == (
        "p < 1/(B + 1) = 0.0005: none of the 2000 random tables was as extreme as the observed one; the p-value "
        "shown is that bound"
    )
    assert result.warnings[0].text("fr").startswith("p par simulation de Monte Carlo (B = 2000 tableaux")


def test_beyond_the_network_limits_it_refuses_the_exact_test():
    table = np.array([[43, 24, 65], [36, 28, 10], [40, 29, 25]])  # 3x3_n300_0: 4,900 arcs out of the root
    with pytest.raises(NetworkTooLarge):
        network_p(table, fisher.TOL_RXC, max_arcs=1_000)


# R 4.2.2: fisher.test(matrix(c(1084, 236, 323, 208, 0, 462, 0, 388, 70, 37, 10, 7, 94, 51, 18, 12), nrow = 2,
# byrow = TRUE), workspace = 2e8) stops after 30 s: "FEXACT error 7(location). LDSTP=18716370 is too small for
# this problem"; a 3,000-infusion synthetic cohort's product table
_PAST_TOO_MANY = np.array([[1084, 236, 323, 208, 0, 462, 0, 388], [70, 37, 10, 7, 94, 51, 18, 12]])


def test_too_many_past_lengths_are_known_after_sorting_a_few_times_the_limit(monkeypatch):
    """The lengths kept were merged again at every chunk once over ten chunks (quadratic: 70 s before giving up
    on the table R gives up on after 30 s); now when they have doubled, and once just past the limit. Small
    chunks and limit here, so that the table shows it in a second."""
    sorted_lengths = []
    merge = fisher_network._merge

    def counted(node, past, freq):
        sorted_lengths.append(len(node))
        return merge(node, past, freq)

    monkeypatch.setattr(fisher_network, "_merge", counted)
    monkeypatch.setattr(fisher_network, "_CHUNK", 2_000)
    with pytest.raises(NetworkTooLarge):
        network_p(_PAST_TOO_MANY, fisher.TOL_RXC, max_past=150_000)
    assert sum(sorted_lengths) < 6 * 150_000


def _published(counts: list[list[int]], reported_p: str) -> dict:
    groups = {f"g{i}": {"label": f"Cohort {i}", "n": int(sum(row))} for i, row in enumerate(counts, 1)}
    levels = [f"level {j}" for j in range(1, len(counts[0]) + 1)]
    variable = {
        "name": "indication",
        "type": "categorical",
        "counts": {g: dict(zip(levels, row, strict=True)) for g, row in zip(groups, counts, strict=True)},
        "reported_p": reported_p,
        "stated_test": "fisher_exact",
    }
    return {"format": "summary-table/1", "groups": groups, "variables": [variable]}


def test_recheck_reproduces_a_published_exact_rxc_fisher_p_that_used_to_be_monte_carlo():
    # 4 cohorts x 5 levels, 85 patients (4x5_n85_4 of fisher_rxc.tsv). R 4.2.2:
    # fisher.test(matrix(c(28,0,0,2,1, 10,4,6,3,4, 0,5,0,0,0, 2,5,7,3,5), 4, byrow = TRUE),
    #             workspace = 2e8)$p.value = 1.8530824318687766e-10, printed "1.85E-10".
    # Too large to enumerate, it used to get a Monte Carlo p at its floor 1/(B + 1) = 1e-5: not reproduced.
    counts = [[28, 0, 0, 2, 1], [10, 4, 6, 3, 4], [0, 5, 0, 0, 0], [2, 5, 7, 3, 5]]
    (row,) = recheck(parse_summary_table(_published(counts, "1.85E-10")))
    fisher_row = next(t for t in row.tests if t.test == "fisher_exact")
    assert fisher_row.p_value == pytest.approx(1.8530824318687766e-10, rel=1e-10)
    assert row.status == "reproduced"
    assert row.reproduced_by == ("fisher_exact",)


def test_recheck_says_monte_carlo_and_reads_a_p_at_the_floor_as_a_bound(monkeypatch):
    def too_large(*args):
        raise fisher.TooLarge

    monkeypatch.setattr(fisher, "exact_p", too_large)  # as if beyond both exact algorithms
    counts = [[30, 0, 0], [0, 30, 0], [0, 0, 30]]  # exact p 1.6e-40
    (bound,) = recheck(parse_summary_table(_published(counts, "<0.001")))
    (number,) = recheck(parse_summary_table(_published(counts, "0.00001")))
    assert "fisher_exact" in bound.reproduced_by
    assert "fisher_exact" not in number.reproduced_by  # 1/100001 prints 0.00001 but is only a bound
    assert any("Monte Carlo, B = 100000, seed 1" in note for note in bound.notes)


def test_a_monte_carlo_p_in_a_comparison_table_says_so_in_its_footnote_and_json(monkeypatch):
    def too_large(*args):
        raise fisher.TooLarge

    monkeypatch.setattr(fisher, "exact_p", too_large)  # as if beyond both exact algorithms
    rows = [("A", "x")] * 30 + [("B", "y")] * 30 + [("C", "z")] * 30
    frame = pd.DataFrame(rows, columns=["group", "level"])
    table = compare(frame, "group", [Variable("level", test="fisher_exact")]).add_p()
    result = table.result("level")
    assert "Monte Carlo, B = 100000, seed 1" in result.test.method
    english, french = footnotes(table), footnotes(table, Formatter(lang="fr"))
    assert any("Monte Carlo p-value (B = 100000 random tables, seed 1)" in note for note in english)
    assert any("p < 1/(B + 1) = 1e-05" in note for note in english)
    assert any(
        "p par simulation de Monte Carlo (B = 100000 tableaux aléatoires, graine 1)" in n for n in french
    )
    record = variable_record(result)
    assert "Monte Carlo, B = 100000, seed 1" in record["method"]
    assert record["warning_messages"][0]["template"] == fisher.MONTE_CARLO


def test_closed_form_paths_of_the_last_two_columns_equal_brute_force():
    rng = np.random.default_rng(7)
    lf = gammaln(np.arange(60) + 1.0)
    for _ in range(150):
        rows = rng.integers(0, 10, size=(1, int(rng.integers(2, 6))))
        first = int(rng.integers(0, rows.sum() + 1))
        lengths = [
            -(lf[np.array(x)] + lf[rows[0] - np.array(x)]).sum()
            for x in itertools.product(*(range(int(r) + 1) for r in rows[0]))
            if sum(x) == first
        ]
        assert fisher_bounds.longest(rows, first, lf)[0] == pytest.approx(max(lengths), abs=1e-9)
        assert fisher_bounds.shortest(rows, first, lf)[0] == pytest.approx(min(lengths), abs=1e-9)


def test_the_completions_are_counted_before_any_is_built():
    rng = np.random.default_rng(3)
    for _ in range(100):
        rows = rng.integers(0, 8, size=(1, int(rng.integers(2, 6))))
        first = int(rng.integers(0, rows.sum() + 1))
        brute = sum(1 for x in itertools.product(*(range(int(r) + 1) for r in rows[0])) if sum(x) == first)
        assert fisher_network._ways(rows, first)[0] == pytest.approx(brute, rel=1e-9)
