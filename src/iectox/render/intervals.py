"""Confidence intervals and differences of a comparison table, as shown: the "95% CI" column beside each
cohort (`add_ci`), the difference column and its p (`add_difference`), and the footnotes that state their
methods, in the reader's language. Numbers ride along in each `Value` for the workbook."""

from __future__ import annotations

import math

from iectox.i18n import N_
from iectox.render.format import Formatter
from iectox.render.layout import Column, Value
from iectox.stats.compare import Comparison
from iectox.stats.estimate import ESTIMATES, Estimate
from iectox.stats.table import Footnote, Row

CI_HEAD = N_("{level}% CI")
DIFFERENCE_HEAD = N_("Difference ({level}% CI)")
DIFFERENCE_P = N_("p-value (difference)")
INTERVAL_NOTE = N_("{level}% CI ({what}): {method}")
DIFFERENCE_NOTE = N_("Difference, {first} vs {second} ({what}): {method}")


def _level(level: float | None, fmt: Formatter) -> str:
    return fmt.number(100 * (level or 0.95), 0 if round(100 * (level or 0.95), 6).is_integer() else 1)


def ci_columns(comparison: Comparison, fmt: Formatter, column: Column) -> tuple[Column, ...]:
    """A group's (or the overall) column followed by its CI column when the table has intervals."""
    if comparison.ci_level is None:
        return (column,)
    return column, Column(fmt.tr(CI_HEAD).format(level=_level(comparison.ci_level, fmt)), "stat")


def difference_columns(comparison: Comparison, fmt: Formatter) -> tuple[Column, ...]:
    if not comparison.show_difference:
        return ()
    levels = {r.effect.level for r in comparison.results if r.effect is not None}
    head = fmt.tr(DIFFERENCE_HEAD).format(level=_level(min(levels, default=0.95), fmt))
    return Column(head, "stat"), Column(fmt.tr(DIFFERENCE_P), "p")


def _shown(value: float | None, fmt: Formatter, digits: int) -> str:
    if value is not None and math.isinf(value):
        return "∞" if value > 0 else "-∞"
    return fmt.number(value, digits)


def interval_value(e: Estimate | None, fmt: Formatter, percent: bool) -> Value:
    """A cell's interval ("16.3%, 59.1%"; "1.29, 5.23"), or nothing when there is none (a footnote says why)."""
    if e is None or not e.computed or e.low is None or e.high is None:
        return Value()
    if percent:
        ends = (100 * e.low, 100 * e.high)
        parts = [fmt.percent(v) for v in ends]
        return Value((fmt.separator.join(parts),), "percent_interval", ends, fmt.digits)
    parts = [_shown(v, fmt, fmt.digits) for v in (e.low, e.high)]
    return Value((fmt.separator.join(parts),), "interval", (e.low, e.high), fmt.digits)


def row_values(row: Row, estimates: tuple[Estimate | None, ...], cells: int, fmt: Formatter) -> list[Value]:
    """One interval per shown cell of a line (empty where the line has none)."""
    percent = row.row_type == "level"
    values = [interval_value(e, fmt, percent) for e in estimates[:cells]]
    return values + [Value()] * (cells - len(values))


def difference_values(e: Estimate | None, fmt: Formatter) -> list[Value]:
    """The difference with its interval ("12.3% (-3.1%, 27.7%)" for proportions, "1.20 (0.80, 1.60)"
    otherwise), then its p-value."""
    if e is None or not e.computed or e.estimate is None:
        return [Value(), Value()]
    numbers = (e.estimate, e.low, e.high)
    if e.method in ("prop_test", "newcombe"):
        shown = [fmt.percent(100 * v) for v in numbers]  # type: ignore[operator]
        numbers = tuple(100 * v for v in numbers)  # type: ignore[operator]
        text = f"{shown[0]} ({fmt.separator.join(shown[1:])})"
        value = Value((text,), "percent_interval", numbers, fmt.digits)
    else:
        shown = [_shown(v, fmt, 2) for v in numbers]
        text = f"{shown[0]} ({fmt.separator.join(shown[1:])})"
        value = Value((text,), "interval", numbers, 2)
    p_text = fmt.p_value(e.p_value)
    p = Value((p_text,), "p", (e.p_value,), fmt.p_digits) if p_text else Value()
    return [value, p]


def footnote_text(note: Footnote, comparison: Comparison, fmt: Formatter) -> str:
    """An "interval" or "difference" footnote: the estimate, the method, its confidence level."""
    method = ESTIMATES[str(note.method)]
    what, name = fmt.tr(method.what), fmt.tr(method.name)
    if note.kind == "interval":
        return fmt.tr(INTERVAL_NOTE).format(level=_level(note.level, fmt), what=what, method=name)
    first, second = (fmt.tr(comparison.groups.labels[i]) for i in comparison.difference_pair)
    return fmt.tr(DIFFERENCE_NOTE).format(first=first, second=second, what=what, method=name)
