"""Forest plots of the pooled effects: one figure per variable, each centre's estimate and 95% CI, then the
fixed-effect (inverse variance) and REML random-effects estimates as diamonds, on the scale a reader uses
(odds ratios on a log axis). Drawn and saved as the report's figures (`iectox.render.figures`)."""

from __future__ import annotations

from math import sqrt
from pathlib import Path

from iectox.i18n import N_
from iectox.render.figures import save, styled, wrapped
from iectox.render.format import Formatter
from iectox.render.layout import pretty
from iectox.render.pooling import MEASURES
from iectox.stats.meta import Z95, MetaAnalysis, shown
from iectox.study.pooling import PooledStudy, PooledVariable

DIAMONDS = (("fixed_iv", N_("Fixed effect (inverse variance)")), ("random_reml", N_("Random effects (REML)")))


def _tick(value: float, fmt: Formatter) -> str:
    """An odds ratio on the axis as people write it (0.5, 1, 2), with a decimal comma in French."""
    text = f"{value:g}"
    return text.replace(".", ",") if fmt.lang == "fr" else text


def _analyses(variable: PooledVariable) -> list[tuple[str, MetaAnalysis]]:
    """The odds ratios (a number's mean difference) drawn for a variable, with their outcome's label."""
    return [(e.label, a) for e in variable.effects for a in e.analyses if a.measure in ("OR", "MD")]


def forest_plot(
    variable: PooledVariable, fmt: Formatter, folder: Path, name: str
) -> tuple[Path, Path] | None:
    """The variable's forest plot saved as PNG and SVG; None when it has no pooled effect to draw."""
    analyses = _analyses(variable)
    if not analyses:
        return None
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    rows: list[tuple[str, float, float, float, bool]] = []  # label, estimate, low, high, pooled
    for outcome, a in analyses:
        rows.append((wrapped(fmt.tr(pretty(outcome)), 30), float("nan"), float("nan"), float("nan"), False))
        for centre, y, v in zip(a.centres, a.effects, a.variances, strict=True):
            half = Z95 * sqrt(v)
            rows.append(
                (
                    f"  {centre}",
                    shown(a.measure, y),
                    shown(a.measure, y - half),
                    shown(a.measure, y + half),
                    False,
                )
            )
        for model, label in DIAMONDS:
            p = a.model(model)
            rows.append(
                (
                    f"  {fmt.tr(label)}",
                    shown(a.measure, p.estimate),
                    shown(a.measure, p.low),
                    shown(a.measure, p.high),
                    True,
                )
            )
    measure = analyses[0][1].measure
    with styled():
        fig = Figure(figsize=(6.4, 0.8 + 0.28 * len(rows)), layout="constrained")
        FigureCanvasAgg(fig)
        ax = fig.subplots()
        for y, (_, estimate, low, high, diamond) in enumerate(rows):
            if estimate != estimate:
                continue
            if diamond:
                ax.fill([low, estimate, high, estimate], [y, y - 0.3, y, y + 0.3], color="#0072B2")
            else:
                ax.plot([low, high], [y, y], color="#333333", linewidth=1)
                ax.plot([estimate], [y], marker="s", color="#333333", markersize=4)
        ax.axvline(1.0 if measure == "OR" else 0.0, color="#999999", linewidth=0.8, linestyle="--")
        if measure == "OR":
            from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

            ax.set_xscale("log")
            ax.xaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
            ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: _tick(v, fmt)))
            ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_yticks(range(len(rows)), [r[0] for r in rows], fontsize=8)
        ax.set_ylim(len(rows) - 0.5, -0.5)
        ax.set_xlabel(fmt.tr(N_("{measure} (95% CI)")).format(measure=fmt.tr(MEASURES[measure])))
        ax.set_title(wrapped(fmt.tr(variable.label), 60), fontsize=10)
    return save(fig, folder, name)


def forest_plots(pooled: PooledStudy, fmt: Formatter, folder: Path) -> list[tuple[str, str, Path, Path]]:
    """Every variable's forest plot: (name, caption, PNG, SVG)."""
    drawn = []
    for table in pooled.tables:
        for variable in table.variables:
            name = f"forest_{variable.name}"
            files = forest_plot(variable, fmt, folder, name)
            if files is not None:
                caption = fmt.tr("{variable}: effects by centre and pooled").format(
                    variable=fmt.tr(variable.label)
                )
                drawn.append((name, caption, *files))
    return drawn
