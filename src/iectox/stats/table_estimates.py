"""Confidence intervals beside a comparison table's cells and the difference between its two groups: what
`compare().add_ci()` and `.add_difference()` compute for each variable, as `Estimate`s (numbers and method
ids), and the footnotes that state the methods.

Defaults are gtsummary's: `add_ci()` gives a proportion Wilson's interval with continuity correction
(`prop.test(x, n)`) and a mean the t interval; beside a median, where gtsummary would still print the
mean's t interval (and warn that no mean is shown), iectox gives the interval of the pseudo-median from
`wilcox.test(x, conf.int = TRUE)`, gtsummary's `method = "wilcox.test"`. `add_difference()` gives a yes/no
variable `prop.test`'s difference, a continuous one Welch's t difference, any other categorical variable
the SMD with its interval.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from iectox.i18n import N_
from iectox.message import Message
from iectox.stats import conditional_odds, differences, intervals
from iectox.stats.estimate import Estimate, not_computable
from iectox.stats.hodges_lehmann import NOT_ACHIEVABLE, location_shift
from iectox.stats.methods import NotComputable, standardized_mean_difference
from iectox.stats.table import Footnote, Row, VariableResult

YES_LEVELS = (True, "yes", "Yes", 1)
LEVEL_NOT_REACHED = N_(
    "a {level:g}% interval only: the requested level cannot be reached with so few values (R)"
)

PROPORTION: dict[str, Callable[[int, int, float], Estimate]] = {
    "wilson_cc": lambda x, n, level: intervals.wilson(x, n, level, correct=True),
    "wilson": lambda x, n, level: intervals.wilson(x, n, level, correct=False),
    "clopper_pearson": intervals.clopper_pearson,
}
LOCATION: dict[str, Callable[[np.ndarray, float], Estimate]] = {
    "t_mean": intervals.t_mean,
    "wilcox_pseudomedian": intervals.wilcox_pseudomedian,
}
TWO_PROPORTIONS: dict[str, Callable[[int, int, int, int, float], Estimate]] = {
    "prop_test": differences.prop_test,
    "newcombe": differences.newcombe,
    "odds_ratio_wald": differences.odds_ratio_wald,
    "odds_ratio_fisher": conditional_odds.conditional_odds_ratio,
    "risk_ratio_wald": differences.risk_ratio_wald,
    "smd": differences.smd_proportions,
}
TWO_SAMPLES: dict[str, Callable[[np.ndarray, np.ndarray, float], Estimate]] = {
    "welch_t_difference": lambda a, b, level: differences.mean_difference(a, b, level, welch=True),
    "student_t_difference": lambda a, b, level: differences.mean_difference(a, b, level, welch=False),
    "hodges_lehmann": location_shift,
    "smd": differences.smd_values,
}


def _choice(value: str, choices: Iterable[str], what: str) -> str:
    """The method id, or a `ValueError` naming the choices."""
    choices = tuple(choices)
    if value not in choices:
        raise ValueError(f"unknown {what} method {value!r}; use one of {', '.join(choices)}")
    return value


@dataclass(frozen=True)
class IntervalMethods:
    """The interval of each kind of cell: a proportion, a mean (SD) line, a median [IQR] line."""

    proportion: str = "wilson_cc"
    mean: str = "t_mean"
    median: str = "wilcox_pseudomedian"

    def __post_init__(self) -> None:
        _choice(self.proportion, PROPORTION.keys(), "proportion interval")
        _choice(self.mean, LOCATION.keys(), "mean interval")
        _choice(self.median, LOCATION.keys(), "median interval")


@dataclass(frozen=True)
class DifferenceMethods:
    """The difference of each kind of variable: yes/no, continuous, other categorical (and grades)."""

    dichotomous: str = "prop_test"
    continuous: str = "welch_t_difference"
    categorical: str = "smd"

    def __post_init__(self) -> None:
        _choice(self.dichotomous, TWO_PROPORTIONS.keys(), "yes/no difference")
        _choice(self.continuous, TWO_SAMPLES.keys(), "continuous difference")
        _choice(self.categorical, ("smd",), "categorical difference")


def _guarded(method: str, level: float, compute: Callable[[], Estimate]) -> Estimate:
    """The estimate, or why there is none (the reason R gives, in English)."""
    try:
        return compute()
    except NotComputable as exc:
        return not_computable(method, level, str(exc))


def _row_intervals(
    row: Row, result: VariableResult, level: float, methods: IntervalMethods
) -> tuple[Estimate | None, ...]:
    """One interval per cell of a level or summary line (groups, then overall); none on other lines."""
    if row.row_type not in ("level", "summary"):
        return ()
    if row.level == "mean_sd" or row.level == "median_iqr":
        method = methods.mean if row.level == "mean_sd" else methods.median
        samples = list(result.samples or ())
        samples.append(np.concatenate(samples) if samples else np.empty(0))
        return tuple(_guarded(method, level, lambda s=s: LOCATION[method](s, level)) for s in samples)
    sizes = result.n
    return tuple(
        _guarded(
            methods.proportion,
            level,
            lambda cell=cell, n=n: PROPORTION[methods.proportion](int(cell.values[0]), int(n), level),
        )
        for cell, n in zip(row.cells, sizes, strict=True)
    )


def row_intervals(
    result: VariableResult, level: float, methods: IntervalMethods
) -> tuple[tuple[Estimate | None, ...], ...]:
    """The intervals of a variable, one tuple per row (empty for its own line and its missing line)."""
    intervals.check_level(level)
    return tuple(_row_intervals(row, result, level, methods) for row in result.rows)


def _yes_column(result: VariableResult) -> int | None:
    levels = [row.level for row in result.rows if row.row_type == "level"]
    if result.kind != "categorical" or len(levels) != 2:
        return None
    return next((i for i, level in enumerate(levels) if level in YES_LEVELS), None)


def group_pair(keys: Sequence[object], pair: tuple[object, object] | None) -> tuple[int, int]:
    """The positions of the two groups a difference compares: the only two, or the two keys named."""
    if pair is None:
        if len(keys) != 2:
            raise ValueError(f"differences compare two groups; name them with pair= among {list(keys)}")
        return 0, 1
    unknown = [key for key in pair if key not in keys]
    if len(pair) != 2 or unknown or pair[0] == pair[1]:
        raise ValueError(f"pair must name two different groups among {list(keys)}, not {list(pair)}")
    return keys.index(pair[0]), keys.index(pair[1])


def difference(
    result: VariableResult, level: float, methods: DifferenceMethods, pair: tuple[int, int] = (0, 1)
) -> Estimate:
    """The first group of `pair` against the second for one variable, by the method of its kind."""
    intervals.check_level(level)
    first, second = pair
    if result.kind == "continuous":
        samples = result.samples or ()
        a, b = (samples[first], samples[second]) if samples else (np.empty(0), np.empty(0))
        method = methods.continuous
        return _guarded(method, level, lambda: TWO_SAMPLES[method](a, b, level))
    counts = result.counts[[first, second]] if result.counts is not None else np.zeros((2, 0))
    yes = _yes_column(result)
    if yes is not None:
        n1, n2 = (int(v) for v in counts.sum(axis=1))
        x1, x2 = int(counts[0, yes]), int(counts[1, yes])
        method = methods.dichotomous
        return _guarded(method, level, lambda: TWO_PROPORTIONS[method](x1, n1, x2, n2, level))

    def smd_levels() -> Estimate:
        n1, n2 = (int(v) for v in counts.sum(axis=1))
        d = standardized_mean_difference(counts).estimate
        return differences.smd_levels(d, n1, n2, level)

    return _guarded("smd", level, smd_levels)


def footnotes(
    results: Sequence[VariableResult], ci_level: float | None, show_difference: bool
) -> tuple[Footnote, ...]:
    """The interval methods used (`interval.<method>`), the difference methods (`difference.<method>`),
    then each variable's reasons for a missing interval or difference (`not_estimated.<variable>.<n>`)."""
    notes: list[Footnote] = []
    used: dict[str, float] = {}
    if ci_level is not None:
        for r in results:
            for row in r.intervals:
                used.update((e.method, e.level) for e in row if e is not None and e.computed)
        notes += [Footnote(f"interval.{m}", "interval", method=m, level=lv) for m, lv in used.items()]
    if show_difference:
        methods = dict.fromkeys(
            r.effect.method for r in results if r.effect is not None and r.effect.computed
        )
        notes += [Footnote(f"difference.{m}", "difference", method=m) for m in methods]
    for r in results:
        estimates = [e for row in r.intervals for e in row if e is not None] if ci_level is not None else []
        if show_difference and r.effect is not None:
            estimates.append(r.effect)
        reasons = dict.fromkeys(e.reason for e in estimates if e.reason)
        reached = dict.fromkeys(e.level for e in estimates if e.computed and NOT_ACHIEVABLE in e.detail)
        notes += [
            Footnote(
                f"interval_level.{r.name}.{i}",
                "warning",
                variables=(r.name,),
                message=Message(LEVEL_NOT_REACHED, level=round(100 * level, 1)),
            )
            for i, level in enumerate(reached, 1)
        ]
        notes += [
            Footnote(
                f"not_estimated.{r.name}.{i}",
                "not_estimated",
                variables=(r.name,),
                message=Message(N_("no estimate: {why_text}"), why_text=reason),
            )
            for i, reason in enumerate(reasons, 1)
        ]
    return tuple(notes)
