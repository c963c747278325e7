"""One infusion's bedside observations over time, as an inline SVG: what the ward page draws.

    graded = grade_observations(observations_of_one_infusion)        # iectox.grading: grades and reasons
    svg = observations_chart(graded, "fr", start=infusion_date, doses=administrations_of_that_infusion)

Panels share one time axis, in days from the infusion (D0): temperature (the fever line is ASTCT's, read from
`iectox.grading`), blood-pressure support (hypotension, vasopressors, vasopressin), oxygen (device and flow),
ICE score (and CAPD when a child's is recorded), and the ASTCT CRS and ICANS grades that `iectox.grading`
computed, with the doses given marked above them. Nothing is computed here: every value drawn is one
recorded or one handed in. An observation whose hour was not recorded is drawn hollow at the start of its day.

The SVG uses presentation attributes only (no `style`), so that a page with a strict Content-Security-Policy
shows it inline; each point has a `<title>` with its time and value, and every text is escaped.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from html import escape

import pandas as pd

from iectox.grading.astct_crs import FEVER_C
from iectox.i18n import N_, tr
from iectox.render.advice import drug_name
from iectox.schema.vocabularies import CORTICOSTEROIDS, OXYGEN_DEVICE

WIDTH, LEFT, RIGHT, TOP, GAP, AXIS = 760.0, 150.0, 14.0, 6.0, 12.0, 36.0
INK, MUTED, LINE = "#1d2430", "#5b6575", "#d5dae2"
COLOURS = {
    "temperature": "#a4161a",
    "fever": "#8a5a00",
    "hypotension": "#8a5a00",
    "pressor": "#a4161a",
    "oxygen": "#0b5cab",
    "ice": "#1b6e3a",
    "capd": "#6a3d9a",
    "crs": "#a4161a",
    "icans": "#0b5cab",
    "tocilizumab": "#0b5cab",
    "corticosteroid": "#6a3d9a",
}
TITLE = N_("Bedside observations and ASTCT grades over time")
TEMPERATURE = N_("Temperature (°C)")
HYPOTENSION, VASOPRESSORS, VASOPRESSIN = N_("Hypotension"), N_("Vasopressors"), N_("Vasopressin")
OXYGEN = N_("Oxygen (L/min)")
ICE, CAPD = N_("ICE score"), N_("CAPD score")
GRADES = N_("ASTCT grades")
NOT_RECORDED = N_("not recorded")
DAY = N_("D{day}")
HOUR_UNKNOWN = N_("hour not recorded")
YES, NO = N_("Yes"), N_("No")
GRADE = N_("{syndrome} grade {grade}")


def _number(value: float, lang: str) -> str:
    text = f"{value:.1f}".removesuffix(".0")
    return text.replace(".", ",") if lang == "fr" else text


def _stamp(at: pd.Timestamp, known: bool, lang: str) -> str:
    if known:
        return at.strftime("%Y-%m-%d %H:%M")
    return f"{at.strftime('%Y-%m-%d')} ({tr(HOUR_UNKNOWN, lang)})"


@dataclass(frozen=True)
class Axis:
    """Time to x: from `start` (a midnight) to `end`, across the plot's width."""

    start: pd.Timestamp
    end: pd.Timestamp

    def x(self, at: pd.Timestamp) -> float:
        share = (at - self.start) / (self.end - self.start)
        return LEFT + share * (WIDTH - LEFT - RIGHT)

    def days(self) -> Iterator[int]:
        """The days ticked: every day, or every few days so that at most 15 ticks show."""
        total = (self.end - self.start).days
        step = max(1, math.ceil(total / 15))
        return iter(range(0, total + 1, step))


@dataclass(frozen=True)
class Point:
    at: pd.Timestamp
    known: bool  # the hour was recorded
    stamp: str


class Canvas:
    """SVG elements, appended in drawing order."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def add(self, element: str) -> None:
        self.parts.append(element)

    def text(self, x: float, y: float, words: str, anchor: str = "start", **attributes: str) -> None:
        extra = "".join(f' {k.replace("_", "-")}="{escape(v)}"' for k, v in attributes.items())
        self.add(f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{extra}>{escape(words)}</text>')

    def line(
        self, x1: float, y1: float, x2: float, y2: float, colour: str = LINE, dashed: bool = False
    ) -> None:
        dash = ' stroke-dasharray="5 4"' if dashed else ""
        self.add(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{colour}"{dash}/>')

    def mark(self, shape: str, x: float, y: float, colour: str, title: str, filled: bool = True) -> None:
        fill = colour if filled else "#fff"
        paint = f'fill="{fill}" stroke="{colour}" stroke-width="1.5"'
        shapes = {
            "circle": f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" {paint}>',
            "square": f'<rect x="{x - 3.5:.1f}" y="{y - 3.5:.1f}" width="7" height="7" {paint}>',
            "up": f'<path d="M{x:.1f} {y - 5:.1f}L{x + 5:.1f} {y + 4:.1f}L{x - 5:.1f} {y + 4:.1f}Z" {paint}>',
            "down": f'<path d="M{x:.1f} {y + 5:.1f}L{x + 5:.1f} {y - 4:.1f}L{x - 5:.1f} {y - 4:.1f}Z" {paint}>',
        }
        end = {"circle": "</circle>", "square": "</rect>", "up": "</path>", "down": "</path>"}[shape]
        self.add(f"{shapes[shape]}<title>{escape(title)}</title>{end}")

    def path(self, points: list[tuple[float, float]], colour: str, steps: bool = False) -> None:
        if len(points) < 2:
            return
        d = f"M{points[0][0]:.1f} {points[0][1]:.1f}"
        for x, y in points[1:]:
            d += f"H{x:.1f}V{y:.1f}" if steps else f"L{x:.1f} {y:.1f}"
        self.add(f'<path d="{d}" fill="none" stroke="{colour}" stroke-width="1.5"/>')


@dataclass(frozen=True)
class Panel:
    """A band of the chart: `draw(canvas, top)` draws it from y = `top`, `height` high."""

    height: float
    draw: Callable[[Canvas, float], None]


def _values(graded: pd.DataFrame, column: str) -> list[object]:
    if column not in graded:
        return [None] * len(graded)
    return [None if pd.isna(v) else v for v in graded[column].tolist()]


def _frame(canvas: Canvas, top: float, height: float, label: str, empty: bool, lang: str) -> None:
    canvas.add(
        f'<rect x="{LEFT:.1f}" y="{top:.1f}" width="{WIDTH - LEFT - RIGHT:.1f}" height="{height:.1f}" '
        f'fill="none" stroke="{LINE}"/>'
    )
    canvas.text(4, top + 13, label, font_weight="600", fill=INK)
    if empty:
        canvas.text(LEFT + 8, top + height / 2 + 4, tr(NOT_RECORDED, lang), fill=MUTED)


def _scaled(
    axis: Axis,
    points: list[Point],
    values: list[object],
    spec: tuple[str, str, float, float, str],
    lang: str,
) -> Panel:
    """A numeric series on a y scale from `low` to `high` (spec: label, colour, low, high, unit)."""
    label, colour, low, high, unit = spec
    height = 78.0
    present = [(p, float(v)) for p, v in zip(points, values, strict=True) if v is not None]

    def draw(canvas: Canvas, top: float) -> None:
        _frame(canvas, top, height, tr(label, lang), not present, lang)

        def y(value: float) -> float:
            return top + height - 6 - (value - low) / (high - low) * (height - 12)

        for tick in (low, high):
            canvas.text(LEFT - 6, y(tick) + 4, _number(tick, lang), "end", fill=MUTED, font_size="11")
        canvas.path([(axis.x(p.at), y(v)) for p, v in present], colour)
        for p, v in present:
            title = f"{p.stamp}: {_number(v, lang)}{unit}"
            canvas.mark("circle", axis.x(p.at), y(v), colour, title, p.known)

    return Panel(height, draw)


def _temperature(axis: Axis, points: list[Point], graded: pd.DataFrame, lang: str) -> Panel:
    values = _values(graded, "temperature_c")
    recorded = [float(v) for v in values if v is not None]  # type: ignore[arg-type]
    low = math.floor(min([36.0, *recorded]))
    high = math.ceil(max([40.0, *recorded]))
    panel = _scaled(axis, points, values, (TEMPERATURE, COLOURS["temperature"], low, high, " °C"), lang)

    def draw(canvas: Canvas, top: float) -> None:
        panel.draw(canvas, top)
        fever = top + panel.height - 6 - (FEVER_C - low) / (high - low) * (panel.height - 12)
        canvas.line(LEFT, fever, WIDTH - RIGHT, fever, COLOURS["fever"], dashed=True)
        canvas.text(
            LEFT - 6, fever + 4, f"{_number(FEVER_C, lang)}", "end", fill=COLOURS["fever"], font_size="11"
        )

    return Panel(panel.height, draw)


def _support(axis: Axis, points: list[Point], graded: pd.DataFrame, lang: str) -> Panel:
    """Three lanes: hypotension, the number of vasopressors running, vasopressin."""
    lanes = [
        (HYPOTENSION, _values(graded, "hypotension"), "square", COLOURS["hypotension"]),
        (VASOPRESSORS, _values(graded, "vasopressors"), "circle", COLOURS["pressor"]),
        (VASOPRESSIN, _values(graded, "vasopressin"), "square", COLOURS["pressor"]),
    ]
    height = 22.0 * len(lanes)

    def draw(canvas: Canvas, top: float) -> None:
        _frame(canvas, top, height, "", False, lang)
        for row, (label, values, shape, colour) in enumerate(lanes):
            y = top + 11 + 22 * row
            canvas.text(LEFT - 6, y + 4, tr(label, lang), "end", fill=INK, font_size="12")
            for p, value in zip(points, values, strict=True):
                if value is None:
                    continue
                shown = str(int(value)) if label == VASOPRESSORS else tr(YES if value else NO, lang)  # type: ignore[call-overload]
                title = f"{p.stamp}: {tr(label, lang)} {shown}"
                if value:
                    canvas.mark(shape, axis.x(p.at), y, colour, title, p.known)
                else:
                    canvas.add(
                        f'<circle cx="{axis.x(p.at):.1f}" cy="{y:.1f}" r="1.5" fill="{MUTED}">'
                        f"<title>{escape(title)}</title></circle>"
                    )

    return Panel(height, draw)


def _oxygen(axis: Axis, points: list[Point], graded: pd.DataFrame, lang: str) -> Panel:
    """Flow in L/min; a device without a flow recorded sits on the baseline; room air is a grey dot."""
    devices, flows = _values(graded, "oxygen_device"), _values(graded, "oxygen_l_min")
    high = max([10.0, *(float(f) for f in flows if f is not None)])  # type: ignore[arg-type]
    height = 70.0
    recorded = [
        (p, d, f) for p, d, f in zip(points, devices, flows, strict=True) if d is not None or f is not None
    ]

    def draw(canvas: Canvas, top: float) -> None:
        _frame(canvas, top, height, tr(OXYGEN, lang), not recorded, lang)

        def y(value: float) -> float:
            return top + height - 6 - value / high * (height - 12)

        for tick in (0.0, high):
            canvas.text(LEFT - 6, y(tick) + 4, _number(tick, lang), "end", fill=MUTED, font_size="11")
        for p, device, flow in recorded:
            name = tr(OXYGEN_DEVICE.term(str(device)).label, lang) if device is not None else ""
            amount = f", {_number(float(flow), lang)} L/min" if flow is not None else ""  # type: ignore[arg-type]
            title = f"{p.stamp}: {name}{amount}".replace(": , ", ": ")
            if device == "none" and flow is None:
                canvas.add(
                    f'<circle cx="{axis.x(p.at):.1f}" cy="{y(0):.1f}" r="1.5" fill="{MUTED}">'
                    f"<title>{escape(title)}</title></circle>"
                )
            else:
                level = float(flow) if flow is not None else 0.0  # type: ignore[arg-type]
                canvas.mark("circle", axis.x(p.at), y(level), COLOURS["oxygen"], title, p.known)

    return Panel(height, draw)


def _grades(
    axis: Axis, points: list[Point], graded: pd.DataFrame, doses: pd.DataFrame | None, lang: str
) -> Panel:
    """The computed CRS and ICANS grades (0-4) as steps, the doses given as triangles above them."""
    series = [
        ("CRS", _values(graded, "crs_grade"), COLOURS["crs"]),
        ("ICANS", _values(graded, "icans_grade"), COLOURS["icans"]),
    ]
    height = 96.0
    given = [] if doses is None else _doses(doses, lang)
    empty = all(v is None for _, values, _ in series for v in values)

    def draw(canvas: Canvas, top: float) -> None:
        _frame(canvas, top, height, tr(GRADES, lang), empty, lang)

        def y(grade: float) -> float:
            return top + height - 8 - grade / 4 * (height - 30)

        for grade in range(5):
            canvas.text(LEFT - 6, y(grade) + 4, str(grade), "end", fill=MUTED, font_size="11")
        for offset, (name, values, colour) in enumerate(series):
            shift = -1.5 if offset == 0 else 1.5  # two syndromes at the same grade stay apart
            present = [(p, int(v)) for p, v in zip(points, values, strict=True) if v is not None]  # type: ignore[call-overload]
            canvas.path([(axis.x(p.at), y(g) + shift) for p, g in present], colour, steps=True)
            for p, g in present:
                title = f"{p.stamp}: {tr(GRADE, lang).format(syndrome=name, grade=g)}"
                canvas.mark("circle", axis.x(p.at), y(g) + shift, colour, title, p.known)
            canvas.text(
                WIDTH - RIGHT - 4 - 52 * (1 - offset), top + 14, name, "end", fill=colour, font_weight="600"
            )
        for at, shape, colour, title in given:
            if axis.start <= at <= axis.end:
                canvas.mark(shape, axis.x(at), top + 12, colour, title)

    return Panel(height, draw)


def _doses(doses: pd.DataFrame, lang: str) -> list[tuple[pd.Timestamp, str, str, str]]:
    """Each timed dose: its time, marker, colour and title (drug, dose, time)."""
    marks = []
    known = doses.get("given_at_time_known", pd.Series(True, index=doses.index))
    for drug, at, mg, hour in zip(doses["drug"], doses["given_at"], doses["dose_mg"], known, strict=True):
        if pd.isna(at):
            continue
        steroid = drug in CORTICOSTEROIDS
        amount = "" if pd.isna(mg) else f" {_number(float(mg), lang)} mg"
        when = _stamp(pd.Timestamp(at), not pd.isna(hour) and bool(hour), lang)
        title = f"{when}: {drug_name(str(drug), lang)}{amount}"
        colour = COLOURS["corticosteroid" if steroid else "tocilizumab"]
        marks.append((pd.Timestamp(at), "down" if steroid else "up", colour, title))
    return marks


def _axis(graded: pd.DataFrame, start: datetime | None, doses: pd.DataFrame | None) -> Axis:
    times = [t for t in graded["observed_at"].tolist() if not pd.isna(t)]
    if doses is not None:
        times += [t for t in doses["given_at"].tolist() if not pd.isna(t)]
    first = pd.Timestamp(start) if start is not None else min(times, default=pd.Timestamp.now())
    begin = min([pd.Timestamp(first), *map(pd.Timestamp, times)]).normalize()
    last = max([begin, *map(pd.Timestamp, times)])
    end = max(last.normalize() + pd.Timedelta(days=1), begin + pd.Timedelta(days=1))
    return Axis(begin, end)


def _ticks(canvas: Canvas, axis: Axis, top: float, bottom: float, start: pd.Timestamp, lang: str) -> None:
    for day in axis.days():
        at = axis.start + pd.Timedelta(days=day)
        x = axis.x(at)
        canvas.line(x, top, x, bottom, LINE)
        number = (at - start.normalize()).days
        canvas.text(x, bottom + 14, tr(DAY, lang).format(day=number), "middle", fill=INK, font_size="11")
        canvas.text(x, bottom + 27, at.strftime("%m-%d"), "middle", fill=MUTED, font_size="10")


def observations_chart(
    graded: pd.DataFrame,
    lang: str = "en",
    *,
    start: datetime | None = None,
    doses: pd.DataFrame | None = None,
) -> str:
    """The SVG of one infusion's observations (`graded`: the observations table's columns with `crs_grade`
    and `icans_grade` from `iectox.grading.grade_observations`), days counted from `start` (the infusion
    date; default: the first observation), the doses of `doses` (the administrations table's columns)
    marked above the grades."""
    rows = graded[graded["observed_at"].notna()].sort_values("observed_at", kind="stable")
    axis = _axis(rows, start, doses)
    known = _values(rows, "observed_at_time_known")
    points = [
        Point(pd.Timestamp(at), k is not False, _stamp(pd.Timestamp(at), k is not False, lang))
        for at, k in zip(rows["observed_at"].tolist(), known, strict=True)
    ]
    panels = [
        _temperature(axis, points, rows, lang),
        _support(axis, points, rows, lang),
        _oxygen(axis, points, rows, lang),
        _scaled(axis, points, _values(rows, "ice_score"), (ICE, COLOURS["ice"], 0, 10, "/10"), lang),
    ]
    if any(v is not None for v in _values(rows, "capd_score")):
        capd = _values(rows, "capd_score")
        panels.append(_scaled(axis, points, capd, (CAPD, COLOURS["capd"], 0, 32, ""), lang))
    panels.append(_grades(axis, points, rows, doses, lang))
    height = TOP + sum(p.height + GAP for p in panels) - GAP + AXIS
    canvas = Canvas()
    canvas.add(f'<rect width="{WIDTH:.0f}" height="{height:.0f}" fill="#fff"/>')
    top = TOP
    bottom = height - AXIS
    _ticks(canvas, axis, TOP, bottom, pd.Timestamp(start) if start is not None else axis.start, lang)
    for panel in panels:
        panel.draw(canvas, top)
        top += panel.height + GAP
    label = escape(tr(TITLE, lang))
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH:.0f} {height:.0f}" role="img" '
        f'aria-label="{label}" class="observations-chart" font-family="system-ui, sans-serif" font-size="12">'
    )
    return head + f"<title>{label}</title>" + "".join(canvas.parts) + "</svg>"


__all__ = ["observations_chart"]
