"""What a confidence interval or a difference between groups is, as data: `Estimate`, and the registry of the
methods that make them (`ESTIMATES`), each with its English name for footnotes and the R call it reproduces.

An interval that cannot be given is an `Estimate` with `reason` set and no numbers (the functions raise
`NotComputable`; `compare()` keeps the reason for the footnote and the JSON): never a number that looks valid.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from iectox.i18n import N_
from iectox.registry import Registry


@dataclass(frozen=True)
class Estimate:
    """An estimate with its confidence interval at `level` (0.95), made by method `method` (an id of
    `ESTIMATES`); `p_value` for a difference whose method has a test; `reason` (English) when there is none."""

    method: str
    level: float
    estimate: float | None
    low: float | None
    high: float | None
    p_value: float | None = None
    reason: str | None = None
    detail: str = ""

    @property
    def computed(self) -> bool:
        return self.reason is None


@dataclass(frozen=True)
class EstimateMethod:
    """A way to make an `Estimate`: `name` and `what` are msgids (footnote; what the estimate is)."""

    id: str
    name: str
    what: str
    r_call: str


class Estimates(Registry[EstimateMethod]):
    kind = "interval or difference method"


ESTIMATES = Estimates(
    "stats",
    (
        EstimateMethod(
            "wilson_cc",
            N_("Wilson score interval with continuity correction"),
            N_("proportion"),
            "prop.test(x, n)$conf.int",
        ),
        EstimateMethod(
            "wilson",
            N_("Wilson score interval"),
            N_("proportion"),
            "prop.test(x, n, correct = FALSE)$conf.int",
        ),
        EstimateMethod(
            "clopper_pearson",
            N_("Clopper-Pearson exact interval"),
            N_("proportion"),
            "binom.test(x, n)$conf.int",
        ),
        EstimateMethod("t_mean", N_("t interval of the mean"), N_("mean"), "t.test(x)$conf.int"),
        EstimateMethod(
            "wilcox_pseudomedian",
            N_("Wilcoxon signed rank interval of the pseudo-median (Hodges-Lehmann)"),
            N_("pseudo-median"),
            "wilcox.test(x, conf.int = TRUE)[c('estimate', 'conf.int')]",
        ),
        EstimateMethod(
            "newcombe",
            N_("Newcombe hybrid score interval (method 10)"),
            N_("difference in proportions"),
            "Newcombe (1998) method 10 from prop.test(x, n, correct = FALSE)$conf.int of each group",
        ),
        EstimateMethod(
            "prop_test",
            N_("two-sample test for equality of proportions with continuity correction"),
            N_("difference in proportions"),
            "prop.test(c(x1, x2), c(n1, n2))[c('estimate', 'conf.int', 'p.value')]",
        ),
        EstimateMethod(
            "welch_t_difference",
            N_("Welch two-sample t-test"),
            N_("difference in means"),
            "t.test(a, b)[c('estimate', 'conf.int', 'p.value')]",
        ),
        EstimateMethod(
            "student_t_difference",
            N_("two-sample t-test, equal variances"),
            N_("difference in means"),
            "t.test(a, b, var.equal = TRUE)[c('estimate', 'conf.int', 'p.value')]",
        ),
        EstimateMethod(
            "hodges_lehmann",
            N_("Wilcoxon rank sum test, Hodges-Lehmann estimate and interval"),
            N_("difference in location"),
            "wilcox.test(a, b, conf.int = TRUE)[c('estimate', 'conf.int', 'p.value')]",
        ),
        EstimateMethod(
            "odds_ratio_wald",
            N_("odds ratio, Wald interval"),
            N_("odds ratio"),
            "epitools::oddsratio.wald(matrix(c(n2 - x2, x2, n1 - x1, x1), 2, byrow = TRUE))$measure[2, ]",
        ),
        EstimateMethod(
            "odds_ratio_fisher",
            N_("conditional maximum likelihood odds ratio, Fisher's exact test"),
            N_("odds ratio"),
            "fisher.test(matrix(c(x1, n1 - x1, x2, n2 - x2), 2, byrow = TRUE))",
        ),
        EstimateMethod(
            "risk_ratio_wald",
            N_("risk ratio, Wald interval"),
            N_("risk ratio"),
            "epitools::riskratio.wald(matrix(c(n2 - x2, x2, n1 - x1, x1), 2, byrow = TRUE))$measure[2, ]",
        ),
        EstimateMethod(
            "smd",
            N_("standardized mean difference, Hedges-Olkin standard error"),
            N_("standardized mean difference"),
            "smd::smd(x, g, std.error = TRUE); CI = estimate -/+ qnorm(0.975) * std.error",
        ),
    ),
)


def not_computable(method: str, level: float, reason: str) -> Estimate:
    """The estimate of a method that cannot run on these numbers: the reason, no numbers."""
    return Estimate(method, level, None, None, None, reason=reason)


def _finite(value: float | None) -> float | None:
    return None if value is None or not np.isfinite(value) else float(value)


def estimate_record(e: Estimate | None) -> dict[str, object] | None:
    """An estimate for report.json: numbers (null when not finite, and `infinite` says which ends are),
    the method id and the reason when there is none."""
    if e is None:
        return None
    ends = {"estimate": e.estimate, "low": e.low, "high": e.high}
    return {
        "method": e.method,
        "level": e.level,
        **{name: _finite(v) for name, v in ends.items()},
        "infinite": [name for name, v in ends.items() if v is not None and np.isinf(v)],
        "p_value": _finite(e.p_value),
        "reason": e.reason,
        "detail": e.detail,
    }
