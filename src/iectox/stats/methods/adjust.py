"""Multiple-comparison adjustment of p-values, identical to R `p.adjust(p, method)` for "holm", "BH",
"bonferroni", "hochberg" and "BY": a comparison table with many rows should say which differences survive.

`ADJUSTMENTS` maps the ids `compare().add_q(method)` accepts to the functions; `P_ADJUST` to R's names."""

from __future__ import annotations

from collections.abc import Callable

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


def _step_up(p: object, factor: Callable[[int, np.ndarray], np.ndarray]) -> np.ndarray:
    """R's step-up adjustments: p in decreasing order times `factor(m, i)` (i = m..1), running minimum."""
    values, ok = _prepare(p)
    out = np.full(values.shape, np.nan)
    q = values[ok]
    m = q.size
    if m:
        order = np.argsort(-q, kind="stable")  # R: order(p, decreasing = TRUE)
        rank = m - np.arange(m)
        adjusted = np.minimum(1.0, np.minimum.accumulate(factor(m, rank) * q[order]))
        result = np.empty(m)
        result[order] = adjusted
        out[ok] = result
    return out


def benjamini_hochberg(p: object) -> np.ndarray:
    """Benjamini-Hochberg false discovery rate adjustment (q-values, as gtsummary's `add_q()` default)."""
    return _step_up(p, lambda m, rank: m / rank)


def bonferroni(p: object) -> np.ndarray:
    """Bonferroni: each p times the number of tests, at most 1; R `p.adjust(p, "bonferroni")`."""
    values, ok = _prepare(p)
    return np.where(ok, np.minimum(1.0, int(ok.sum()) * values), np.nan)


def hochberg(p: object) -> np.ndarray:
    """Hochberg's step-up family-wise adjustment (valid under independence or positive dependence);
    R `p.adjust(p, "hochberg")`."""
    return _step_up(p, lambda m, rank: (m + 1 - rank).astype(float))


def benjamini_yekutieli(p: object) -> np.ndarray:
    """Benjamini-Yekutieli false discovery rate under any dependence; R `p.adjust(p, "BY")`."""
    return _step_up(p, lambda m, rank: float(np.sum(1.0 / np.arange(1, m + 1))) * m / rank)


ADJUSTMENTS: dict[str, Callable[[object], np.ndarray]] = {
    "holm": holm,
    "bh": benjamini_hochberg,
    "bonferroni": bonferroni,
    "hochberg": hochberg,
    "by": benjamini_yekutieli,
}
P_ADJUST = {"holm": "holm", "bh": "BH", "bonferroni": "bonferroni", "hochberg": "hochberg", "by": "BY"}
