"""The Love plot of a propensity-weighted comparison: each covariate's standardised mean difference before
(open) and after (filled) weighting, with the 0.1 line under which balance is usually accepted."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from iectox.i18n import N_, tr
from iectox.render.adjusted import outcome_label, term_label
from iectox.render.figures import OKABE_ITO, Cohorts, FigureSpec, styled

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from iectox.study import StudyResult

THRESHOLD = 0.1
CAPTION = N_("Covariate balance before and after propensity weighting (Love plot)")


def love_plot(
    frame: pd.DataFrame,
    cohorts: Cohorts,
    lang: str = "en",
    balance: tuple[tuple[str, float, float], ...] = (),
    outcome: str = "",
) -> Figure:
    """`balance`: (covariate column, SMD unweighted, SMD weighted), as the balance table shows them; `outcome`
    the column compared."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with styled():
        fig = Figure(figsize=(6.4, 1.6 + 0.45 * max(len(balance), 2)), layout="constrained")
        FigureCanvasAgg(fig)
        ax = fig.subplots()
        y = np.arange(len(balance))[::-1]
        before = np.array([b for _, b, _ in balance], dtype=float)
        after = np.array([a for _, _, a in balance], dtype=float)
        for row, b, a in zip(y, before, after, strict=True):
            ax.plot([b, a], [row, row], color="#999999", linewidth=0.8, zorder=1)
        ax.scatter(
            before,
            y,
            s=36,
            facecolors="white",
            edgecolors=OKABE_ITO[5],
            label=tr("Unweighted", lang),
            zorder=2,
        )
        ax.scatter(after, y, s=36, color=OKABE_ITO[0], label=tr("Weighted", lang), zorder=3)
        ax.axvline(THRESHOLD, color="#555555", linestyle="--", linewidth=0.8)
        ax.set_yticks(y, [term_label(name, lang) for name, _, _ in balance])
        ax.set_xlim(0, max(0.3, float(np.nanmax(np.r_[before, after, 0.0])) * 1.1))
        ax.set_xlabel(tr("Absolute standardised mean difference", lang))
        title = tr("Covariate balance: {outcome}", lang).format(outcome=outcome_label(outcome, lang))
        ax.set_title(title, loc="left", fontsize=10)
        ax.set_ylim(-0.6, len(balance) - 0.4)
        fig.legend(loc="outside lower center", ncol=2, fontsize=8)
    return fig


def _balance(result: StudyResult) -> dict[str, Any]:
    comparison = result.adjusted.weighted[0]  # type: ignore[union-attr]
    rows = tuple((b.term, b.before, b.after) for b in comparison.weighting.balance)
    return {"balance": rows, "outcome": comparison.outcome}


def _has_balance(result: StudyResult) -> bool:
    adjusted = result.adjusted
    return adjusted is not None and bool(adjusted.weighted) and bool(adjusted.weighted[0].weighting.balance)


ADJUSTED_FIGURES = (FigureSpec("love_plot", CAPTION, love_plot, (), _balance, _has_balance),)
