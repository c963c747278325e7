"""The one formatter: numbers into text for a reader, in one language, at one precision.

    fmt = Formatter(lang="fr", digits=1, p_digits=3)
    fmt.cell(Cell("n_pct", (12, 60.0)))      # "12 (60,0 %)"  (non-breaking space before %)
    fmt.p_value(0.0004)                      # "<0,001"

Every renderer formats through it and nothing parses its text back: a comparison stays numbers until the
moment it is laid out. The rounding is `iectox.i18n`'s (`number`, `percent`, `p_value`): Python's `format`,
half to even on the binary value, as every table of iectox has always printed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from iectox import i18n
from iectox.analysis import BY_NAME
from iectox.stats.methods import METHODS
from iectox.stats.table import Cell

SUPERSCRIPTS = "¹²³⁴⁵⁶⁷⁸⁹"


def test_name(test_id: str, short: bool = False) -> str:
    """A test's name in English, for a footnote (or `short`, beside a number): the one place that reads it."""
    if test_id not in METHODS:
        return test_id
    return METHODS[test_id].short if short else METHODS[test_id].name


STRATIFIED = i18n.N_("{method}, stratified by {strata}")


def stratified_test_name(test_id: str, strata: str | None, lang: str) -> str:
    """A test's name in `lang`, with the column it is stratified by ("Cochran-Mantel-Haenszel test,
    stratified by centre"), for footnotes and the methods paragraph alike."""
    name = i18n.tr(test_name(test_id), lang)
    if strata is None:
        return name
    label = i18n.tr(BY_NAME[strata].label if strata in BY_NAME else strata, lang)
    return i18n.tr(STRATIFIED, lang).format(method=name, strata=label.lower())


HALF_UP_FUZZ = math.sqrt(2.220446049250313e-16)  # R: sqrt(.Machine$double.eps)


def round5(x: float, digits: int) -> float:
    """Half away from zero, as gtsummary prints (cards::round5, R/round5.R: `trunc(abs(x) * 10^digits + 0.5 +
    sqrt(.Machine$double.eps)) / 10^digits * sign(x)`): 6.25 -> 6.3 where Python's format gives 6.2."""
    if not math.isfinite(x):
        return x
    scale = 10.0**digits
    return math.copysign(math.trunc(abs(x) * scale + 0.5 + HALF_UP_FUZZ) / scale, x)


def superscript(mark: int) -> str:
    """Footnote mark `mark` (1-based): ¹ to ⁹, then [10], [11]..."""
    return SUPERSCRIPTS[mark - 1] if mark <= len(SUPERSCRIPTS) else f"[{mark}]"


@dataclass(frozen=True)
class Formatter:
    """Language, decimals of statistics, decimals of p-values: everything that turns a number into text."""

    lang: str = "en"
    digits: int = 1
    p_digits: int = 3
    half_up: bool = False  # statistics rounded half up (gtsummary's round5) instead of Python's format

    def __post_init__(self) -> None:
        if self.lang not in i18n.LANGUAGES:
            raise ValueError(f"unknown language {self.lang!r}; use one of {', '.join(i18n.LANGUAGES)}")

    def tr(self, text: str) -> str:
        return i18n.tr(text, self.lang)

    def number(self, value: float | None, digits: int | None = None) -> str:
        digits = self.digits if digits is None else digits
        if self.half_up and value is not None:
            value = round5(value, digits)
        return i18n.number(value, digits, self.lang)

    def percent(self, value: float) -> str:
        return i18n.percent(round5(value, self.digits) if self.half_up else value, self.digits, self.lang)

    def p_value(self, p: float | None) -> str:
        """p at `p_digits` decimals; a bound ("<0.001") below the smallest printable value; "" for none."""
        return i18n.p_value(p, self.p_digits, self.lang)

    @property
    def separator(self) -> str:
        """Between the two ends of an interval or the items of a list: ", " ("; " in French, spaced)."""
        return " ; " if self.lang == "fr" else ", "

    def cell_parts(self, cell: Cell) -> tuple[str, str]:
        """A statistic in the two parts a table lines up: ("230", "(63.7%)"), ("62.7", "(14.2)"),
        ("55.0", "[40.0, 70.0]")."""
        v = cell.values
        if cell.kind == "n_pct":
            return f"{int(v[0])}", f"({self.percent(v[1])})"
        if cell.kind == "mean_sd":
            return self.number(v[0]), f"({self.number(v[1])})"
        median, q1, q3 = (self.number(x) for x in v)
        return median, f"[{q1}{self.separator}{q3}]"

    def cell(self, cell: Cell) -> str:
        return " ".join(self.cell_parts(cell))

    def test(self, test_id: str, short: bool = False) -> str:
        """A test's name in the formatter's language."""
        return self.tr(test_name(test_id, short))
