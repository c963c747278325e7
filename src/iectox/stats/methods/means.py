"""Tests on means: Welch's and Student's two-sample t-tests and one-way ANOVA, as R's `t.test` and
`oneway.test` compute them, from raw values or from the mean, SD and n a published table prints."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from iectox.stats.methods.distributions import f_sf, t_sf
from iectox.stats.methods.result import MethodResult, NotComputable, dropped_note, observed

_EPS = np.finfo(float).eps
FROM_AGGREGATES = "from mean, SD and n"
FROM_VALUES = "from raw values"


@dataclass(frozen=True)
class Moments:
    """Mean, SD and size of one group: all a t-test or an ANOVA needs."""

    mean: float
    sd: float
    n: int
    dropped: int = 0  # missing values left out of the raw values, as R's na.omit

    @classmethod
    def of(cls, data: object, name: str) -> Moments:
        """The moments of one group's values, missing values (NaN) left out as R does; an infinite value is
        refused: R's t.test then stops with "missing value where TRUE/FALSE needed", its mean and SD not
        being numbers."""
        x, dropped = observed(data, name)
        if not np.isfinite(x).all():
            raise NotComputable(
                f"{name} holds an infinite value: its mean and SD are not finite numbers "
                "(R stops: 'missing value where TRUE/FALSE needed')"
            )
        sd = float(x.std(ddof=1)) if x.size > 1 else float("nan")
        return cls(float(x.mean()), sd, int(x.size), dropped)


@dataclass(frozen=True)
class TParts:
    """Difference of means (first minus second), its standard error and the degrees of freedom."""

    difference: float
    stderr: float
    df: float


def t_parts(x: Moments, y: Moments, welch: bool) -> TParts:
    """The pieces of R's `t.test(x, y, var.equal = !welch)`, with R's own refusals."""
    if x.n < 1 or (welch and x.n < 2):
        raise NotComputable("not enough observations in the first group (R: 'not enough x observations')")
    if y.n < 1 or (welch and y.n < 2):
        raise NotComputable("not enough observations in the second group (R: 'not enough y observations')")
    if not welch and x.n + y.n < 3:
        raise NotComputable("not enough observations (R: 'not enough observations')")
    if welch:
        se_x, se_y = x.sd**2 / x.n, y.sd**2 / y.n
        stderr = float(np.sqrt(se_x + se_y))
    else:
        df = x.n + y.n - 2
        pooled = ((x.n - 1) * x.sd**2 if x.n > 1 else 0.0) + ((y.n - 1) * y.sd**2 if y.n > 1 else 0.0)
        stderr = float(np.sqrt(pooled / df * (1 / x.n + 1 / y.n)))
    if not np.isfinite([x.mean, y.mean, stderr]).all():
        raise NotComputable("a mean or SD is not a finite number: the t statistic is undefined")
    if not stderr >= 10 * _EPS * max(abs(x.mean), abs(y.mean)) or stderr == 0:
        raise NotComputable("data are essentially constant (R: 'data are essentially constant')")
    if welch:
        df = (se_x + se_y) ** 2 / (se_x**2 / (x.n - 1) + se_y**2 / (y.n - 1))
    return TParts(x.mean - y.mean, stderr, float(df))


def _t_test(x: Moments, y: Moments, welch: bool, source: str) -> MethodResult:
    parts = t_parts(x, y, welch)
    t = parts.difference / parts.stderr
    p = 2 * t_sf(abs(t), parts.df)
    if welch:
        test, method = "welch_t", "Welch Two Sample t-test"
        detail = f"unequal variances, Welch-Satterthwaite df {parts.df:.2f}, {source}"
    else:
        test, method = "student_t", "Two Sample t-test"
        detail = f"pooled variance, df {parts.df:g}, {source}"
    return MethodResult(test, p, float(t), parts.df, method, detail + dropped_note(x.dropped + y.dropped))


def welch_t(a: object, b: object) -> MethodResult:
    """Welch's two-sample t-test (unequal variances), R `t.test(a, b)`; the statistic is for mean(a) - mean(b)."""
    return _t_test(Moments.of(a, "first group"), Moments.of(b, "second group"), True, FROM_VALUES)


def student_t(a: object, b: object) -> MethodResult:
    """Student's two-sample t-test (pooled variance), R `t.test(a, b, var.equal = TRUE)`."""
    return _t_test(Moments.of(a, "first group"), Moments.of(b, "second group"), False, FROM_VALUES)


def welch_t_from_moments(groups: Sequence[Moments], source: str = FROM_AGGREGATES) -> MethodResult:
    """Welch's t-test from two groups' mean, SD and n (same numbers R computes from the data).

    `source` says where the moments come from: printed (`FROM_AGGREGATES`), or computed from the values
    (`FROM_VALUES`, as a comparison table does once for its summaries and its test)."""
    x, y = groups
    return _t_test(x, y, True, source)


def student_t_from_moments(groups: Sequence[Moments], source: str = FROM_AGGREGATES) -> MethodResult:
    """Student's t-test from two groups' mean, SD and n."""
    x, y = groups
    return _t_test(x, y, False, source)


def welch_t_from_stats(m1: float, s1: float, n1: int, m2: float, s2: float, n2: int) -> MethodResult:
    """Welch's t-test from the means, SDs and sizes a table prints."""
    return welch_t_from_moments((Moments(m1, s1, n1), Moments(m2, s2, n2)))


def student_t_from_stats(m1: float, s1: float, n1: int, m2: float, s2: float, n2: int) -> MethodResult:
    """Student's t-test from means, SDs and sizes."""
    return student_t_from_moments((Moments(m1, s1, n1), Moments(m2, s2, n2)))


def moment_arrays(groups: Sequence[Moments]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each group's n, mean and variance, for the k-group tests on moments (ANOVA, Welch's ANOVA); refused, as
    R's `oneway.test` refuses it, when a group has fewer than 2 observations."""
    if any(g.n < 2 for g in groups):
        raise NotComputable("every group needs at least 2 observations (R: 'not enough observations')")
    n = np.array([g.n for g in groups], dtype=float)
    return n, np.array([g.mean for g in groups]), np.array([g.sd for g in groups]) ** 2


def _anova(groups: Sequence[Moments], source: str) -> MethodResult:
    k = len(groups)
    if k < 2:
        raise NotComputable("one-way ANOVA needs at least 2 groups")
    n, m, v = moment_arrays(groups)
    total = n.sum()
    grand = float(np.dot(n, m) / total)
    between = float(np.dot(n, (m - grand) ** 2)) / (k - 1)
    within = float(np.dot(n - 1, v)) / float(total - k)
    if not within > 0:
        raise NotComputable("no variation within groups: the F statistic is undefined")
    statistic = float(between / within)
    df1, df2 = float(k - 1), float(total - k)
    p = f_sf(statistic, df1, df2)
    detail = f"equal variances, F on {df1:g} and {df2:g} degrees of freedom, {source}"
    detail += dropped_note(sum(g.dropped for g in groups))
    return MethodResult("anova", p, statistic, df1, "One-way analysis of means", detail)


def anova(*groups: object) -> MethodResult:
    """One-way ANOVA F test, R `oneway.test(y ~ g, var.equal = TRUE)` (the same F as `aov`)."""
    return _anova([Moments.of(g, f"group {i + 1}") for i, g in enumerate(groups)], FROM_VALUES)


def anova_from_moments(groups: Sequence[Moments], source: str = FROM_AGGREGATES) -> MethodResult:
    """One-way ANOVA from each group's mean, SD and n."""
    return _anova(groups, source)


def anova_from_stats(means: Sequence[float], sds: Sequence[float], ns: Sequence[int]) -> MethodResult:
    """One-way ANOVA from each group's mean, SD and size."""
    if not len(means) == len(sds) == len(ns):
        raise NotComputable("means, sds and ns must have one entry per group")
    return anova_from_moments(
        [Moments(float(m), float(s), int(n)) for m, s, n in zip(means, sds, ns, strict=True)]
    )
