"""The report's figures, one function each, drawn from the one-row-per-infusion analysis table.

Every figure uses the same colour per cohort (Okabe-Ito, readable with every common colour-vision
deficiency), names each cohort with its N in the legend, and prints numbers in the report's language.
"""

from __future__ import annotations

import importlib
import re
import textwrap
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from iectox.i18n import N_, number, percent, tr
from iectox.render.png import write_png
from iectox.schema import THERAPY

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from iectox.study import StudyResult

OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
STYLE = {
    "font.size": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": "#555555",
    "axes.labelcolor": "#222222",
    "xtick.color": "#333333",
    "ytick.color": "#333333",
    "legend.frameon": False,
    "svg.hashsalt": "iectox",  # the same figure gives the same file
}
DPI = 200
# Characters per line of an axis label beside a 4-inch-high axes, and of a note under a 6.4-inch-wide figure:
# longer text is wrapped, so that every label stays inside the figure in every language.
LABEL_CHARACTERS = 36
NOTE_CHARACTERS = 110
LEGEND_CHARACTERS = 84  # a legend row under the title: as many cohorts side by side as fit


def styled() -> AbstractContextManager[Any]:
    """The figures' style in force (`with styled(): ...`).

    matplotlib is imported by the functions that draw, on the first figure, never with this module: a third
    of a second that a command without figures does not pay, and that `iectox report` pays in its figure
    worker while it reads the data (`iectox.render.drawing`)."""
    from matplotlib import rc_context

    return rc_context(STYLE)


# What drawing and saving a figure import (matplotlib): a fifth of a second.
DRAWING_MODULES = (
    "matplotlib.figure",
    "matplotlib.backends.backend_agg",
    "matplotlib.backends.backend_svg",
    "matplotlib.patches",
    "matplotlib.ticker",
)


def prepare() -> None:
    """Import what drawing and saving a figure need, ahead of the first figure: what the figure worker does
    while the data are read (`iectox.render.worker`)."""
    for module in DRAWING_MODULES:
        importlib.import_module(module)


def wrapped(text: str, width: int) -> str:
    """`text` on lines of at most `width` characters (a longer word keeps its line)."""
    return "\n".join(textwrap.wrap(text, width, break_long_words=False)) or text


def colour_at(index: int) -> str:
    """The colour of the `index`-th cohort in display order, in every figure and table."""
    return OKABE_ITO[index % len(OKABE_ITO)]


@dataclass(frozen=True)
class Cohorts:
    """The groups compared: the column they come from, their keys in display order, labels and colours."""

    by: str
    keys: tuple[str, ...]
    labels: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    @classmethod
    def from_frame(
        cls, frame: pd.DataFrame, by: str = "cohort", order=None, labels: Mapping[str, str] | None = None
    ) -> Cohorts:
        # keys as text, as the column reads with astype("string"): yes/no and grade cohorts too
        keys = (
            tuple(map(str, order)) if order else tuple(sorted(frame[by].dropna().astype("string").unique()))
        )
        return cls(by, keys, MappingProxyType({str(k): v for k, v in (labels or {}).items()}))

    def label(self, key: str, lang: str) -> str:
        return tr(self.labels.get(key, key.replace("_", " ").capitalize()), lang)

    def colour(self, key: str) -> str:
        return colour_at(self.keys.index(key))

    def rows(self, frame: pd.DataFrame, key: str) -> pd.DataFrame:
        return frame[frame[self.by].astype("string") == key]


def _figure(height: float) -> tuple[Figure, Axes]:
    """A figure on the Agg canvas, outside pyplot: no global state, nothing to close, safe in a web server."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6.4, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig, fig.subplots()


def _frame(
    ax: Axes,
    title: str,
    cohorts: Cohorts,
    sizes: Mapping[str, int],
    lang: str,
    note: str,
    stacked: bool = False,
) -> None:
    """Title, legend (a row under the title) and note (under the axes), placed the same way in every figure."""
    from matplotlib.patches import Patch

    handles = [
        Patch(color=cohorts.colour(k), label=f"{cohorts.label(k, lang)} (N = {sizes[k]})")
        for k in cohorts.keys
    ]
    columns = 1 if stacked else legend_columns([h.get_label() for h in handles])
    rows = -(-len(handles) // columns)
    ax.set_title(title, loc="left", pad=10 + 16 * rows, fontsize=12, fontweight="bold")
    ax.legend(
        handles=handles, loc="lower left", bbox_to_anchor=(0, 1.0), ncols=columns, fontsize=9,
        borderaxespad=0.3, handlelength=1.2, columnspacing=1.5,
    )  # fmt: skip
    if note:
        ax.figure.supxlabel(wrapped(note, NOTE_CHARACTERS), x=0.01, ha="left", fontsize=8, color="#555555")


def legend_columns(labels: list[str], room: int = LEGEND_CHARACTERS) -> int:
    """How many legend entries fit side by side on a row of `room` characters (at least one)."""
    widest = max((len(label) for label in labels), default=0) + 6  # the swatch and the gap
    return max(1, min(len(labels), room // widest))


def label_at(
    ax: Axes,
    xs: Iterable[float],
    ys: Iterable[float],
    texts: Iterable[str],
    dx: float = 0,
    dy: float = 0,
    **style,
) -> None:
    """Each text at its data point, shifted by (dx, dy) points; nothing for an empty text.

    Plain texts rather than annotations (`annotate`, `bar_label`): an annotation is hit-tested against the
    axes at every draw, which made a figure's labels a tenth of its drawing time.
    """
    from matplotlib.transforms import ScaledTranslation

    shift = ax.transData + ScaledTranslation(dx / 72, dy / 72, ax.figure.dpi_scale_trans)
    for x, y, text in zip(xs, ys, texts, strict=True):
        if text:
            ax.text(x, y, text, transform=shift, **style)


# Points a figure draws as vectors; above, its points are one image within the SVG. Each vector point is an
# element of the SVG (about 100 bytes, and the SVG writer's Python code for each): the delay figures of 300,000
# infusions made report.html 44 MB and took 1.6 s each to write. As an image, the same points cost the same
# few kilobytes and milliseconds whatever their number; the PNG is pixels in both cases.
VECTOR_POINTS = 2_000


def points(
    ax: Axes, position: float, sample: np.ndarray, colour: str, rng: np.random.Generator, image: bool
) -> None:
    """A sample's points spread sideways around its box at `position`, as one artist; an image within the
    SVG if `image` (`as_image`)."""
    x = position + rng.uniform(-0.17, 0.17, len(sample))
    ax.scatter(x, sample, s=11, color=colour, alpha=0.75, linewidths=0, zorder=3).set_rasterized(image)


def as_image(samples: list[np.ndarray]) -> bool:
    """Whether a figure's points are drawn as an image within the SVG: more than `VECTOR_POINTS`."""
    return sum(len(sample) for sample in samples) > VECTOR_POINTS


def _percent_axis(ax, lang: str) -> None:
    from matplotlib.ticker import FuncFormatter

    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: percent(v, 0, lang)))


def grade_distribution(
    frame: pd.DataFrame, column: str, syndrome: str, cohorts: Cohorts, lang: str = "en"
) -> Figure:
    """Percentage of infusions at each maximum grade, cohorts side by side (complete cases)."""
    grades = pd.to_numeric(frame[column], errors="coerce")
    top = int(max(grades.max(skipna=True) if grades.notna().any() else 0, 3))
    levels = list(range(top + 1))
    with styled():
        fig, ax = _figure(4.0)
        width = 0.8 / len(cohorts.keys)
        sizes, unknown = {}, []
        for i, key in enumerate(cohorts.keys):
            values = pd.to_numeric(cohorts.rows(frame, key)[column], errors="coerce")
            sizes[key] = len(values)
            known = values.dropna()
            if len(values) - len(known):
                unknown.append(f"{cohorts.label(key, lang)} ({len(values) - len(known)})")
            shares = [100 * (known == g).mean() if len(known) else 0.0 for g in levels]
            x = np.arange(len(levels)) + (i - (len(cohorts.keys) - 1) / 2) * width
            ax.bar(x, shares, width * 0.92, color=cohorts.colour(key))
            texts = [percent(s, 1, lang) for s in shares]
            label_at(ax, x, shares, texts, dy=2, ha="center", va="bottom", fontsize=7.5)
        names = [tr(f"No {syndrome}", lang), *(tr(f"Grade {g}", lang) for g in levels[1:])]
        ax.set_xticks(np.arange(len(levels)), names)
        ax.set_ylabel(tr("Infusions (%)", lang))
        ax.set_xlabel(tr("Maximum grade", lang))
        ax.set_ylim(0, 105)
        _percent_axis(ax, lang)
        note = tr("Grade unknown (left out): {list}", lang).format(list="; ".join(unknown)) if unknown else ""
        _frame(ax, tr(f"{syndrome}: maximum grade by cohort", lang), cohorts, sizes, lang, note)
    return fig


def crs_grades(frame: pd.DataFrame, cohorts: Cohorts, lang: str = "en") -> Figure:
    return grade_distribution(frame, "crs_grade", "CRS", cohorts, lang)


def icans_grades(frame: pd.DataFrame, cohorts: Cohorts, lang: str = "en") -> Figure:
    return grade_distribution(frame, "icans_grade", "ICANS", cohorts, lang)


# The analysis table's measures of the delay from CRS onset to the first tocilizumab, each with its axis label.
DELAYS = {
    "hours_crs_onset_to_tocilizumab": N_("Hours from CRS onset to first tocilizumab"),
    "days_crs_onset_to_tocilizumab": N_("Days from CRS onset to first tocilizumab"),
    "calendar_days_crs_onset_to_tocilizumab": N_("Calendar days from CRS onset to first tocilizumab"),
}
DEFAULT_DELAY = "hours_crs_onset_to_tocilizumab"  # the exact measure, and the unit of the management KPIs


def tocilizumab_delay(
    frame: pd.DataFrame, cohorts: Cohorts, lang: str = "en", seed: int = 1, column: str = DEFAULT_DELAY
) -> Figure:
    """The delay from CRS onset to the first tocilizumab dose among the treated, in the unit of `column` (one
    of `DELAYS`, the one the study's table shows): a box per cohort, every point (`points`)."""
    from matplotlib.colors import to_rgba
    from matplotlib.ticker import FuncFormatter

    treated = frame[frame["tocilizumab"].fillna(False).astype(bool)]
    rng = np.random.default_rng(seed)  # jitter only moves points sideways; a fixed seed keeps files stable
    with styled():
        fig, ax = _figure(4.0)
        samples, sizes = [], {}
        for key in cohorts.keys:
            values = pd.to_numeric(cohorts.rows(treated, key)[column], errors="coerce")
            samples.append(values.dropna().to_numpy(dtype=float))
            sizes[key] = len(samples[-1])
        positions = np.arange(1, len(samples) + 1)
        shown = [s if len(s) else np.array([np.nan]) for s in samples]
        box = ax.boxplot(
            shown, positions=positions, widths=0.5, showfliers=False, patch_artist=True,
            medianprops={"color": "#222222", "linewidth": 1.6},
        )  # fmt: skip
        for patch, key in zip(box["boxes"], cohorts.keys, strict=True):
            patch.set(facecolor=to_rgba(cohorts.colour(key), 0.22), edgecolor=cohorts.colour(key))
        image = as_image(samples)
        for pos, sample, key in zip(positions, samples, cohorts.keys, strict=True):
            points(ax, pos, sample, cohorts.colour(key), rng, image)
            if len(sample):
                median = f"{tr('median', lang)} {number(float(np.median(sample)), 1, lang)}"
                label_at(ax, [pos + 0.27], [np.median(sample)], [median], va="center", fontsize=8.5)
        ax.set_xticks(positions, [f"{cohorts.label(k, lang)}\n(n = {sizes[k]})" for k in cohorts.keys])
        ax.set_ylabel(wrapped(tr(DELAYS[column], lang), LABEL_CHARACTERS))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: number(v, 0 if v == int(v) else 1, lang)))
        ax.set_ylim(bottom=0)
        missing = int(treated[column].isna().sum())
        note = tr("Tocilizumab-treated infusions; box: median and interquartile range", lang)
        if missing:
            note += tr("; time not recorded (left out): {n}", lang).format(n=missing)
        _frame(ax, tr("Time from CRS onset to tocilizumab by cohort", lang), cohorts, sizes, lang, note)
    return fig


def products(
    frame: pd.DataFrame, cohorts: Cohorts, lang: str = "en", labels: Mapping[str, str] | None = None
) -> Figure:
    """Infusions per product, cohorts side by side, the most used on top; `labels` rename products."""
    labels = {t.code: t.label for t in THERAPY.terms} | dict(labels or {})
    order = frame["therapy"].value_counts().index.tolist()[::-1]
    with styled():
        fig, ax = _figure(1.2 + 0.42 * max(len(order), 2))
        height = 0.8 / len(cohorts.keys)
        sizes = {}
        for i, key in enumerate(cohorts.keys):
            rows = cohorts.rows(frame, key)
            sizes[key] = len(rows)
            counts = rows["therapy"].value_counts().reindex(order, fill_value=0)
            y = np.arange(len(order)) - (i - (len(cohorts.keys) - 1) / 2) * height
            ax.barh(y, counts.to_numpy(), height * 0.92, color=cohorts.colour(key))
            # an empty bar says "none" by its absence; a "0" beside it would only clutter (the table has it)
            texts = [str(int(c)) if c else "" for c in counts]
            label_at(ax, counts.to_numpy(), y, texts, dx=2, ha="left", va="center", fontsize=7.5)
        names = [tr(labels.get(p, str(p).replace("_", " ").capitalize()), lang) for p in order]
        ax.set_yticks(np.arange(len(order)), names)
        ax.set_xlabel(tr("Infusions (n)", lang))
        _frame(ax, tr("Products by cohort", lang), cohorts, sizes, lang, "", stacked=True)
    return fig


def _variables(result: StudyResult) -> list[Any]:
    return [variable for table, _ in result.tables for variable in table.variables]


def product_labels(result: StudyResult) -> dict[str, Any]:
    """The study's own names for the products, when one of its tables lists them."""
    for variable in _variables(result):
        if variable.name == "therapy":
            return {"labels": {str(k): v for k, v in variable.level_labels.items()}}
    return {}


def delay_column(result: StudyResult) -> dict[str, Any]:
    """The delay in the unit the study's tables show it in (the first they list); hours when none does."""
    shown = [v.name for v in _variables(result) if v.name in DELAYS]
    return {"column": shown[0] if shown else DEFAULT_DELAY}


@dataclass(frozen=True)
class FigureSpec:
    """One figure of the report: its file name, its caption, how to draw it, the columns it needs, and the
    options the study gives it (`options(result)`: keyword arguments of `draw`)."""

    name: str
    caption: str
    draw: Callable[..., Figure]
    needs: tuple[str, ...]
    options: Callable[[StudyResult], dict[str, Any]] = lambda result: {}
    applies: Callable[[StudyResult], bool] = lambda result: (
        True
    )  # e.g. only a study with weighted comparisons


FIGURES = (
    FigureSpec("crs_grades", "CRS: maximum grade by cohort", crs_grades, ("crs_grade",)),
    FigureSpec("icans_grades", "ICANS: maximum grade by cohort", icans_grades, ("icans_grade",)),
    FigureSpec(
        "tocilizumab_delay",
        "Time from CRS onset to first tocilizumab by cohort",
        tocilizumab_delay,
        ("tocilizumab", *DELAYS),
        delay_column,
    ),
    FigureSpec("products", "Products by cohort", products, ("therapy",), product_labels),
)


# Control characters (a tab, U+0001...) that data may carry into a label: no font has a glyph for them, so
# matplotlib would draw a box and warn "Glyph 9 missing from font(s)". A line break stays (labels wrap).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def printable_text(fig: Figure) -> None:
    """Every text of the figure with its control characters shown as spaces, once, before it is drawn: the
    one place every label passes through, whichever figure and whatever data it shows."""
    from matplotlib.text import Text

    for text in fig.findobj(Text):
        shown = text.get_text()
        if CONTROL_CHARACTERS.search(shown):
            text.set_text(CONTROL_CHARACTERS.sub(" ", shown))


def save(fig: Figure, folder: Path, name: str) -> tuple[Path, Path]:
    """The figure as PNG (200 dpi, for documents) and SVG (for the HTML page): laid out once, one draw each.

    matplotlib saving a figure that has a layout engine draws it twice per file (once to lay it out, once to
    render it). Here the layout runs once, without drawing, and is kept for both files. The PNG is the Agg
    canvas's pixels, encoded fast by `iectox.render.png` (unfiltered rows, zlib level 1: the same pixels as
    matplotlib's own PNG, in a quarter of its encoding time).
    """
    folder.mkdir(parents=True, exist_ok=True)
    png, svg = folder / f"{name}.png", folder / f"{name}.svg"
    printable_text(fig)
    with styled():
        lay_out(fig)
        write_png(fig, png, DPI)
        fig.savefig(svg, metadata={"Date": None, "Creator": None})
    return png, svg


def lay_out(fig: Figure) -> None:
    """Place every label once (the figure's layout engine), then fix the result: no engine is left to run
    again at each save (`set_layout_engine("none")` would leave a placeholder that still does). The layout is
    computed at the PNG's resolution, whose text measures the PNG's draw then reuses."""
    engine = fig.get_layout_engine()
    if engine is None:
        return
    dpi = fig.get_dpi()
    fig.set_dpi(DPI)
    try:
        engine.execute(fig)
    finally:
        fig.set_dpi(dpi)
    fig.set_layout_engine(None)


def inline_svg(path: Path, prefix: str) -> str:
    """The SVG markup to paste into HTML, its ids prefixed so that several figures never share one."""
    text = path.read_text(encoding="utf-8")
    text = text[text.index("<svg") :]
    text = re.sub(r'id="([^"]+)"', rf'id="{prefix}-\1"', text)
    text = re.sub(r"url\(#([^)]+)\)", rf"url(#{prefix}-\1)", text)
    return re.sub(r'href="#([^"]+)"', rf'href="#{prefix}-\1"', text)
