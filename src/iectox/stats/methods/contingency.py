"""Tests on counts tables (groups x levels, or any r x c): Pearson's chi-squared, with and without Yates'
correction, and Fisher's exact test, each as R's `chisq.test` and `fisher.test` compute them."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from iectox.i18n import N_
from iectox.stats.methods import fisher
from iectox.stats.methods.distributions import chi2_sf
from iectox.stats.methods.result import MethodResult, NotComputable, counts_table, drop_empty

SMALL_EXPECTED = N_("Chi-squared approximation may be incorrect")  # R's warning when an expected count < 5


def _expected(table: np.ndarray) -> np.ndarray:
    return np.outer(table.sum(axis=1), table.sum(axis=0)) / table.sum()


def _chi2(table: object, correct: bool) -> MethodResult:
    observed, dropped = drop_empty(counts_table(table))
    expected = _expected(observed)
    deviation = np.abs(observed - expected)
    is_2x2 = observed.shape == (2, 2)
    if correct and is_2x2:
        # R: YATES <- min(0.5, abs(x - E)), one number for the whole table, so a table that already sits
        # on its expected counts is not pushed past them.
        yates = min(0.5, float(deviation.min()))
        deviation = deviation - yates
        test, method = "yates_chi2", "Pearson's Chi-squared test with Yates' continuity correction"
        detail = f"2 x 2 table, continuity correction {yates:g} (R: min(0.5, |O - E|))"
        if yates == 0:  # R: METHOD gains "with Yates' continuity correction" only if (YATES > 0)
            method = "Pearson's Chi-squared test"
            detail += ", so none applied and R names it Pearson's Chi-squared test"
    elif correct:
        raise _not_2x2(observed)
    else:
        test, method = "pearson_chi2", "Pearson's Chi-squared test"
        detail = f"{observed.shape[0]} x {observed.shape[1]} table, no continuity correction"
    statistic = float(np.sum(deviation**2 / expected))
    df = float((observed.shape[0] - 1) * (observed.shape[1] - 1))
    warnings = (SMALL_EXPECTED,) if np.any(expected < 5) else ()
    if warnings:
        detail += f"; smallest expected count {expected.min():.2f} < 5"
    return MethodResult(test, chi2_sf(statistic, df), statistic, df, method, detail + dropped, warnings)


def _not_2x2(observed: np.ndarray) -> NotComputable:
    return NotComputable(
        f"Yates' continuity correction applies to 2 x 2 tables only (R applies none to a "
        f"{observed.shape[0]} x {observed.shape[1]} table); use pearson_chi2"
    )


def pearson_chi2(table: object) -> MethodResult:
    """Pearson's chi-squared test of independence, R `chisq.test(x, correct = FALSE)`."""
    return _chi2(table, correct=False)


def yates_chi2(table: object) -> MethodResult:
    """Chi-squared with Yates' correction, R `chisq.test(x)` on a 2 x 2 table (R's default there)."""
    return _chi2(table, correct=True)


def fisher_exact(
    table: object,
    *,
    mc_tables: int = fisher.MC_TABLES,
    seed: int = fisher.MC_SEED,
    max_enumerated: int = fisher.MAX_ENUMERATED,
    max_arcs: int = fisher.MAX_ARCS,
) -> MethodResult:
    """Fisher's exact test, two-sided, R `fisher.test(x, workspace = 2e8)`: exact for 2 x 2 and r x c tables.

    Every table with the observed margins is weighed, by enumeration or by the network algorithm (see
    `iectox.stats.methods.fisher`). Only a table too large for both (over `max_enumerated` partial tables in
    one half, and over `max_arcs` arcs or `fisher_network.MAX_PAST` past lengths in the network) gets a Monte
    Carlo p-value from `mc_tables` random tables drawn with `seed`, as R's `simulate.p.value = TRUE`: its
    method, detail and warnings say so, with B and the seed.
    """
    observed, dropped = drop_empty(counts_table(table))
    shape = f"{observed.shape[0]} x {observed.shape[1]} table"
    is_2x2 = observed.shape == (2, 2)
    try:
        exact = fisher.exact_p(
            observed, fisher.TOL_2X2 if is_2x2 else fisher.TOL_RXC, max_enumerated, max_arcs
        )
    except fisher.TooLarge:
        simulated = fisher.simulated_result(observed, mc_tables, seed, shape, (max_enumerated, max_arcs))
        return replace(simulated, detail=simulated.detail + dropped)
    rule = "probability <= observed x (1 + 1e-7)" if is_2x2 else "log probability <= observed + 3.45254e-7"
    if exact.tables is None:
        detail = f"{shape}: exact (network algorithm), two-sided sum of {rule}"
    else:
        detail = f"{shape}: exact, {exact.tables:,} tables with the observed margins, two-sided sum of {rule}"
    return MethodResult("fisher_exact", exact.p_value, None, None, "Fisher's exact test", detail + dropped)
