"""Separation in a logistic model: when a combination of covariates predicts the outcome perfectly, the maximum
likelihood estimate is infinite; R's `glm` stops after 25 iterations with a large coefficient and an enormous
standard error ("fitted probabilities numerically 0 or 1 occurred"), a number that looks valid. iectox
detects it and shows no estimate.

Two checks: a level of a categorical covariate whose rows all have (or all lack) the event (quasi-complete
separation by that level, named in the note), then, when the fit ran to the boundary or did not converge,
the linear program of Konis (2007), as R's `detectseparation`: separation iff some direction b != 0 has
(2y - 1) x_i'b >= 0 for every row.
"""

from __future__ import annotations

import numpy as np

from iectox.stats.models.design import Design


def separating_level(design: Design, events_only: bool = False) -> tuple[str, str] | None:
    """The first (term, level) whose rows all have the same outcome, reference levels included; for a Cox or
    count model (`events_only`), the first level without an event or count (its ratio would be 0)."""
    for term in design.terms:
        if not term.categorical:
            continue
        for level in term.levels:
            if level == term.reference:
                rows = np.ones(design.y.size, dtype=bool)
                for column, values in zip(design.columns, design.x.T, strict=True):
                    if column.term == term.name:
                        rows &= values == 0
            else:
                index = next(
                    i for i, c in enumerate(design.columns) if c.term == term.name and c.level == level
                )
                rows = design.x[:, index] == 1
            outcomes = design.y[rows]
            if outcomes.size and (np.all(outcomes == 0) or (not events_only and np.all(outcomes == 1))):
                return term.name, level
    return None


def separated(x: np.ndarray, y: np.ndarray) -> bool:
    """Konis's linear program: maximise sum_i s_i x_i'b subject to s_i x_i'b >= 0 and -1 <= b <= 1, with
    s_i = 2 y_i - 1; a positive optimum is a separating direction."""
    from scipy.optimize import linprog  # only when a fit ran to the boundary: 0.2 s of start-up otherwise

    signed = x * (2 * y - 1)[:, None]
    scale = np.maximum(np.abs(signed).max(axis=0), 1e-300)
    a = signed / scale
    result = linprog(
        -a.sum(axis=0), A_ub=-a, b_ub=np.zeros(y.size), bounds=[(-1, 1)] * x.shape[1], method="highs"
    )
    return bool(result.status == 0 and -result.fun > 1e-7 * y.size)
