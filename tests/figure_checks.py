"""What a reader of a figure sees, read from the matplotlib Figure itself (never from pixels)."""

from __future__ import annotations

from matplotlib import rc_context
from matplotlib.axis import Axis
from matplotlib.figure import Figure
from matplotlib.text import Text

from iectox.render.figures import STYLE


def undrawn_ticklabels(axis: Axis) -> set[Text]:
    """Tick labels matplotlib keeps for ticks beyond the axis's view: they are not drawn."""
    low, high = sorted(axis.get_view_interval())
    span = (high - low) * 1e-9
    ticks = zip(axis.get_major_ticks(), axis.get_majorticklocs(), strict=False)
    return {
        t for tick, loc in ticks if not low - span <= loc <= high + span for t in (tick.label1, tick.label2)
    }


def texts(fig: Figure) -> list[Text]:
    """Every text drawn: titles, axis and tick labels, annotations, legends, figure-level labels."""
    hidden = set()
    for ax in fig.axes:
        hidden |= undrawn_ticklabels(ax.xaxis) | undrawn_ticklabels(ax.yaxis)
    return [t for t in fig.findobj(Text) if t not in hidden and t.get_visible() and t.get_text()]


def outside(fig: Figure) -> list[tuple[str, tuple[int, ...]]]:
    """The texts that reach beyond the figure once drawn, with their extents in pixels: cut in the files."""
    with rc_context(STYLE):
        fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    box = fig.bbox
    cut = []
    for text in texts(fig):
        e = text.get_window_extent(renderer)
        if e.x0 < box.x0 - 0.5 or e.y0 < box.y0 - 0.5 or e.x1 > box.x1 + 0.5 or e.y1 > box.y1 + 0.5:
            cut.append((text.get_text(), tuple(round(v) for v in e.extents)))
    return cut


def ticklabels(axis: Axis) -> list[str]:
    """The drawn tick labels' text, in axis order."""
    hidden = undrawn_ticklabels(axis)
    return [t.get_text() for t in axis.get_ticklabels() if t not in hidden]
