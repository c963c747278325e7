"""The time-to-event figures: cumulative incidence curves by cohort (step functions, death competing) and
Kaplan-Meier curves, each with the number at risk under the curves, in the report's language.

Drawn like every figure of the report (`iectox.render.figures`: the cohorts' colours, the legend under the
title, matplotlib imported by the functions that draw)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from iectox.i18n import N_, p_value, percent, tr
from iectox.render.figures import Cohorts, FigureSpec, _frame, styled, wrapped
from iectox.stats.survival import CumulativeIncidence, KaplanMeier

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from iectox.study import StudyResult
    from iectox.study.time_to_event import Incidence, Survival

INCIDENCE_DAYS = 30  # the cumulative incidence is drawn over the first month, the report's days within it
INCIDENCE_TICKS = (0, 7, 14, 21, 28)
COHORT_CHARACTERS = 20  # a cohort's name beside its numbers at risk, wrapped: the curves keep their width
CAPTIONS = {
    "crs": N_("CRS: cumulative incidence by cohort"),
    "icans": N_("ICANS: cumulative incidence by cohort"),
}
SURVIVAL_CAPTION = N_("Overall survival by cohort")


def _axes() -> tuple[Figure, Axes, Axes]:
    """A figure with the curves above and the number-at-risk table below, sharing the time axis."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6.4, 4.8), layout="constrained")
    FigureCanvasAgg(fig)
    curves, table = fig.subplots(2, 1, sharex=True, height_ratios=(4, 1.3))
    return fig, curves, table


def _at_risk(
    table: Axes, cohorts: Cohorts, rows: list[tuple[str, np.ndarray]], ticks: Sequence[float], lang: str
):
    """Each cohort's number at risk at each tick, one line per cohort in its colour."""
    table.set_ylim(len(rows) - 0.5, -0.5)
    names = [wrapped(cohorts.label(key, lang), COHORT_CHARACTERS) for key, _ in rows]
    table.set_yticks(range(len(rows)), names, fontsize=8, linespacing=0.95)
    for label, (key, _) in zip(table.get_yticklabels(), rows, strict=True):
        label.set_color(cohorts.colour(key))
    for y, (key, counts) in enumerate(rows):
        for x, count in zip(ticks, counts, strict=True):
            table.text(x, y, str(int(count)), ha="center", va="center", fontsize=8, color=cohorts.colour(key))
    table.tick_params(axis="y", length=0)
    for side in ("left", "bottom"):
        table.spines[side].set_visible(False)
    table.set_title(tr("Number at risk", lang), loc="left", fontsize=8.5, color="#555555")


def _steps(ax: Axes, x: np.ndarray, y: np.ndarray, end: float, colour: str) -> None:
    """A right-continuous step function from (0, y0) to `end`."""
    ax.step(np.append(x, end), np.append(y, y[-1]), where="post", color=colour, linewidth=1.8)


def _censorings(ax: Axes, x: np.ndarray, y: np.ndarray, colour: str) -> None:
    """Each censoring as a short vertical tick on the curve, all of them one path: as markers, each would cost
    a transform of its own when drawn (a third of the figure's time for the seed's 250 censorings)."""
    xs = np.repeat(x.astype(float), 3)
    xs[2::3] = np.nan
    ys = np.column_stack([y - 1.6, y + 1.6, np.full(len(y), np.nan)]).ravel()
    ax.plot(xs, ys, color=colour, linewidth=1.0, solid_capstyle="butt")


def incidence_figure(
    incidence: Incidence, cohorts: Cohorts, lang: str = "en", days: int = INCIDENCE_DAYS
) -> Figure:
    """One syndrome's cumulative incidence by cohort over the first `days` days, death competing."""
    from matplotlib.ticker import FuncFormatter

    by_key = {curve.group: curve for curve in incidence.curves}
    shown = [key for key in cohorts.keys if key in by_key]
    with styled():
        fig, ax, table = _axes()
        for key in shown:
            curve: CumulativeIncidence = by_key[key]
            end = min(days, curve.last_time)
            inside = curve.time <= end
            x = np.concatenate(([0.0], curve.time[inside]))
            y = np.concatenate(([0.0], curve.estimate[inside])) * 100
            _steps(ax, x, y, end, cohorts.colour(key))
        ax.set_ylim(0, 100)
        ax.set_xlim(-0.03 * days, days)  # room between the at-risk numbers at day 0 and the cohorts' names
        ax.set_ylabel(tr("Cumulative incidence (%)", lang))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: percent(v, 0, lang)))
        table.set_xticks(INCIDENCE_TICKS)
        table.set_xlabel(tr("Days from infusion", lang))
        rows = [(key, by_key[key].n_at_risk(INCIDENCE_TICKS)) for key in shown]
        _at_risk(table, cohorts, rows, INCIDENCE_TICKS, lang)
        sizes = {key: by_key[key].n if key in by_key else 0 for key in cohorts.keys}
        note = tr("Death before onset is a competing risk; p (Gray's test): {p}", lang).format(
            p="-" if incidence.test is None else p_value(incidence.test.p_value, 3, lang)
        )
        _frame(ax, tr(CAPTIONS[incidence.endpoint], lang), cohorts, sizes, lang, note)
    return fig


def survival_figure(survival: Survival, cohorts: Cohorts, lang: str = "en") -> Figure:
    """Overall survival by Kaplan-Meier, by cohort, with the number at risk every 6 months."""
    from matplotlib.ticker import FuncFormatter

    by_key: dict[str, KaplanMeier] = dict(zip(survival.cohorts, survival.curves, strict=True))
    shown = [key for key in cohorts.keys if key in by_key]
    last = max(float(curve.time[-1]) for curve in survival.curves)
    ticks = np.arange(0, last + 1, 180.0)
    with styled():
        fig, ax, table = _axes()
        for key in shown:
            curve = by_key[key]
            x = np.concatenate(([0.0], curve.time))
            y = np.concatenate(([1.0], curve.surv)) * 100
            _steps(ax, x, y, float(curve.time[-1]), cohorts.colour(key))
            censored = curve.n_censor > 0
            _censorings(ax, curve.time[censored], curve.surv[censored] * 100, cohorts.colour(key))
        ax.set_ylim(0, 102)
        ax.set_xlim(-0.03 * last, last)
        ax.set_ylabel(tr("Overall survival (%)", lang))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: percent(v, 0, lang)))
        table.set_xticks(ticks)
        table.set_xlabel(tr("Days from infusion", lang))
        _at_risk(table, cohorts, [(key, by_key[key].n_at_risk(ticks)) for key in shown], ticks, lang)
        sizes = {key: by_key[key].n if key in by_key else 0 for key in cohorts.keys}
        p = "-" if survival.test is None else p_value(survival.test.p_value, 3, lang)
        note = tr("Kaplan-Meier; |: censored; p (log-rank): {p}", lang).format(p=p)
        _frame(ax, tr(SURVIVAL_CAPTION, lang), cohorts, sizes, lang, note)
    return fig


def _incidence(endpoint: str):
    def draw(frame: pd.DataFrame, cohorts: Cohorts, lang: str = "en", incidence: Any = None) -> Figure:
        return incidence_figure(incidence, cohorts, lang)

    def options(result: StudyResult) -> dict[str, Any]:
        tte = result.time_to_event
        return {"incidence": None if tte is None else tte.endpoint(endpoint)}

    return draw, options


def _survival(frame: pd.DataFrame, cohorts: Cohorts, lang: str = "en", survival: Any = None) -> Figure:
    return survival_figure(survival, cohorts, lang)


def _survival_options(result: StudyResult) -> dict[str, Any]:
    tte = result.time_to_event
    return {"survival": None if tte is None else tte.survival}


def incidence_figures(result: StudyResult) -> tuple[FigureSpec, ...]:
    """The report's time-to-event figures: the cumulative incidence of the syndromes with a curve, then
    overall survival when the study computed it."""
    tte = result.time_to_event
    if tte is None:
        return ()
    specs = []
    for item in tte.incidence:
        if item.curves:
            draw, options = _incidence(item.endpoint)
            caption = CAPTIONS[item.endpoint]
            specs.append(FigureSpec(f"{item.endpoint}_incidence", caption, draw, (), options))
    if tte.survival is not None:
        specs.append(FigureSpec("overall_survival", SURVIVAL_CAPTION, _survival, (), _survival_options))
    return tuple(specs)


__all__ = ["incidence_figure", "incidence_figures", "survival_figure"]
