"""Multiple-comparison adjustment of p-values, identical to R `p.adjust(p, "holm")` and
`p.adjust(p, "BH")`: a comparison table with many rows should say which differences survive."""

from __future__ import annotations

import numpy as np


def _prepare(p: object) -> tuple[np.ndarray, np.ndarray]:
    values = np.asarray(p, dtype=float).ravel()
    if np.any((values < 0) | (values > 1)):
        raise ValueError("p-values must lie in [0, 1]")
    return values, ~np.isnan(values)


def holm(p: object) -> np.ndarray:
    """Holm's step-down adjustment (controls the family-wise error rate, never less powerful than Bonferroni).

    Missing values stay missing and do not count in the number of tests, as in R.
    """
    values, ok = _prepare(p)
    out = np.full(values.shape, np.nan)
    q = values[ok]
    m = q.size
    if m:
        order = np.argsort(q, kind="stable")
        adjusted = np.minimum(1.0, np.maximum.accumulate((m - np.arange(m)) * q[order]))
        result = np.empty(m)
        result[order] = adjusted
        out[ok] = result
    return out


def benjamini_hochberg(p: object) -> np.ndarray:
    """Benjamini-Hochberg false discovery rate adjustment (q-values, as gtsummary's `add_q()` default)."""
    values, ok = _prepare(p)
    out = np.full(values.shape, np.nan)
    q = values[ok]
    m = q.size
    if m:
        order = np.argsort(-q, kind="stable")  # R: order(p, decreasing = TRUE)
        rank = m - np.arange(m)
        adjusted = np.minimum(1.0, np.minimum.accumulate(m / rank * q[order]))
        result = np.empty(m)
        result[order] = adjusted
        out[ok] = result
    return out
