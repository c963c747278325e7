"""Recompute a published table's p-values from its own printed numbers, and say which test reproduces each.

A p-value that no standard test reproduces from the printed counts or means is a finding: the table may
have used another test, another denominator, or carry a transcription slip. "Reproduces" is judged at the
printed precision (see `PrintedP`), never closer than the table itself allows.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation

import numpy as np

from iectox.errors import SpecError
from iectox.published.consistency import consistency_findings, yes_level
from iectox.published.summary_table import ContinuousSummary, SummaryTable, Variable
from iectox.stats import (
    REGISTRY,
    NotComputable,
    TestResult,
    anova,
    anova_from_stats,
    fisher_exact,
    kruskal_wallis,
    mann_whitney,
    pearson_chi2,
    student_t,
    student_t_from_stats,
    welch_t,
    welch_t_from_stats,
    yates_chi2,
)

REPRODUCED = "reproduced"
NOT_REPRODUCED = "not_reproduced"
NOT_RECOMPUTABLE = "not_recomputable"
NO_REPORTED_P = "no_reported_p"
_BOUND = re.compile(r"^(<=|>=|<|>|≤|≥)")
_NINES = re.compile(r"^0?\.9+$")


@dataclass(frozen=True)
class PrintedP:
    """A p-value as printed, and the p-values it stands for.

    A number stands for every p that rounds to it at its printed precision ("0.0270": 0.02695 to 0.02705;
    "1.17E-04": 1.165e-4 to 1.175e-4); both ends are kept, as rounding of halves varies between programs.
    A run of nines ("0.999", ".99") is the usual cap of p-value formatting, so it also stands for any larger
    p. A bound ("<0.001", ">0.999") stands for the p-values beyond it.
    """

    text: str
    bound: str | None  # "<", "<=", ">", ">=" or None for a number
    value: float
    half_unit: float
    capped: bool

    def matches(self, p: float) -> bool:
        """Whether a recomputed p would have been printed as this text."""
        slack = 1e-12 * max(abs(self.value), 1e-300)
        if self.bound == "<":
            return p < self.value
        if self.bound == "<=":
            return p <= self.value + slack
        if self.bound == ">":
            return p > self.value
        if self.bound == ">=":
            return p >= self.value - slack
        if self.capped and p >= self.value - self.half_unit - slack:
            return True
        return abs(p - self.value) <= self.half_unit + slack


def printed_p(text: str, where: str = "reported_p") -> PrintedP:
    """Parse a printed p-value ("0.0270", ".02", "<0.001", ">0.999", "1.17E-04", "p = 0.03")."""
    body = re.sub(r"\s+", "", text)
    body = re.sub(r"^[pP]=?", "", body)
    bound = None
    match = _BOUND.match(body)
    if match:
        bound = {"≤": "<=", "≥": ">="}.get(match.group(1), match.group(1))
        body = body[match.end() :]
    try:
        number = Decimal(body)
    except InvalidOperation:
        raise SpecError(f'{where}: {text!r} is not a p-value as printed (e.g. "0.0270", "<0.001")') from None
    if not number.is_finite() or not 0 <= number <= 1:
        raise SpecError(f"{where}: {text!r} is not a p-value between 0 and 1")
    half_unit = 0.5 * 10.0 ** int(number.as_tuple().exponent)
    capped = bound is None and bool(_NINES.match(body))
    return PrintedP(text, bound, float(number), half_unit, capped)


@dataclass(frozen=True)
class VariableRecheck:
    """One variable of a published table: each recomputable test, which reproduce the printed p, and why not."""

    name: str
    label: str
    type: str
    reported_p: str | None
    stated_test: str | None
    status: str
    reproduced_by: tuple[str, ...]
    tests: tuple[TestResult, ...]
    consistency: tuple[str, ...]
    notes: tuple[str, ...]

    def as_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "label": self.label,
            "type": self.type,
            "reported_p": self.reported_p,
            "stated_test": self.stated_test,
            "status": self.status,
            "reproduced_by": list(self.reproduced_by),
            "tests": [
                {
                    "test": t.test,
                    "p": t.p_value,
                    "statistic": t.statistic,
                    "df": t.df,
                    "method": t.method,
                    "detail": t.detail,
                    "warnings": list(t.warnings),
                    "reproduces": t.test in self.reproduced_by,
                }
                for t in self.tests
            ],
            "consistency": list(self.consistency),
            "notes": list(self.notes),
        }


Runner = Callable[[], TestResult]


def _run(runners: dict[str, Runner], notes: list[str]) -> list[TestResult]:
    results = []
    for test, run in runners.items():
        try:
            results.append(run())
        except NotComputable as exc:
            notes.append(f"{test}: {exc}")
    return results


def _count_tests(table: SummaryTable, variable: Variable, notes: list[str]) -> list[TestResult]:
    groups = [g for g in table.group_ids if g in variable.counts]
    if len(groups) < 2:
        notes.append("counts are given for fewer than 2 groups: nothing to compare")
        return []
    levels: list[str] = []
    for g in groups:
        skip = yes_level(tuple(variable.counts[g]))  # a 'Yes' row that totals the grade rows below it
        levels.extend(lvl for lvl in variable.counts[g] if lvl not in levels and lvl != skip)
    counts = np.array([[variable.counts[g].get(lvl, 0) for lvl in levels] for g in groups])
    runners: dict[str, Runner] = {"pearson_chi2": lambda: pearson_chi2(counts)}
    if counts.shape == (2, 2):
        runners["yates_chi2"] = lambda: yates_chi2(counts)
    runners["fisher_exact"] = lambda: fisher_exact(counts)
    if variable.type == "ordinal":
        # The counts of an ordered variable are its raw data, all ties: rank tests apply to them directly.
        scores = [np.repeat(np.arange(len(levels), dtype=float), row) for row in counts]
        rank_test = mann_whitney if len(groups) == 2 else kruskal_wallis
        runners[rank_test.__name__] = lambda: _on_levels(rank_test(*scores))
    return _run(runners, notes)


def _on_levels(result: TestResult) -> TestResult:
    return replace(result, detail=result.detail + "; levels ranked in their written order")


def _continuous_tests(table: SummaryTable, variable: Variable, notes: list[str]) -> list[TestResult]:
    groups = [g for g in table.group_ids if g in variable.summary]
    if len(groups) < 2:
        notes.append("summaries are given for fewer than 2 groups: nothing to compare")
        return []
    summaries = [variable.summary[g] for g in groups]
    if all(s.values for s in summaries):
        return _run(_raw_runners([np.asarray(s.values, dtype=float) for s in summaries]), notes)
    moments: list[tuple[float, float, int]] = []
    missing: list[str] = []
    for g, s in zip(groups, summaries, strict=True):
        if s.values:  # a group given raw next to groups given as summaries: use its moments
            x = np.asarray(s.values, dtype=float)
            moments.append((float(x.mean()), float(x.std(ddof=1)) if x.size > 1 else float("nan"), x.size))
            continue
        n = table.n(variable, g)
        lacking = [name for name, value in (("mean", s.mean), ("SD", s.sd), ("n", n)) if value is None]
        if lacking:
            missing.append(f"{g} has no {' or '.join(lacking)}")
        else:
            moments.append((s.mean, s.sd, n))
    if missing:
        headline, reason = _why(summaries)
        notes.append(f"{headline} ({'; '.join(missing)}): {reason}")
        return []
    return _run(_moment_runners(moments), notes)


def _raw_runners(data: list[np.ndarray]) -> dict[str, Runner]:
    if len(data) == 2:
        return {
            "welch_t": lambda: welch_t(*data),
            "student_t": lambda: student_t(*data),
            "mann_whitney": lambda: mann_whitney(*data),
        }
    return {"anova": lambda: anova(*data), "kruskal_wallis": lambda: kruskal_wallis(*data)}


def _moment_runners(moments: list[tuple[float, float, int]]) -> dict[str, Runner]:
    if len(moments) == 2:
        (m1, s1, n1), (m2, s2, n2) = moments
        return {
            "welch_t": lambda: welch_t_from_stats(m1, s1, n1, m2, s2, n2),
            "student_t": lambda: student_t_from_stats(m1, s1, n1, m2, s2, n2),
        }
    means, sds, ns = zip(*moments, strict=True)
    return {"anova": lambda: anova_from_stats(means, sds, ns)}


def _why(summaries: list[ContinuousSummary]) -> tuple[str, str]:
    """What the table printed instead of what a test needs, and what that test would need."""
    printed = [s for s in summaries if not s.values]
    if all(s.mean is None and s.median is not None for s in printed):
        return "median and quartiles only", "rank tests need the raw values, t-tests the means and SDs"
    if all(s.mean is not None for s in printed) and any(s.sd is None for s in printed):
        return "means without SDs", "a t-test or ANOVA needs each group's SD"
    return "incomplete summaries", "a t-test or ANOVA needs every group's mean, SD and n"


def recheck_variable(
    table: SummaryTable, variable: Variable, consistency: tuple[str, ...] = ()
) -> VariableRecheck:
    """Every applicable test on one variable's printed numbers, judged against its printed p."""
    notes: list[str] = []
    if variable.is_continuous:
        results = _continuous_tests(table, variable, notes)
    else:
        results = _count_tests(table, variable, notes)
    order = list(REGISTRY)
    results.sort(key=lambda r: order.index(r.test))
    reproduced: tuple[str, ...] = ()
    if variable.reported_p is None:
        status = NO_REPORTED_P
    else:
        printed = printed_p(variable.reported_p, f"{table.source}: {variable.name}.reported_p")
        reproduced = tuple(r.test for r in results if printed.matches(r.p_value))
        status = REPRODUCED if reproduced else NOT_REPRODUCED if results else NOT_RECOMPUTABLE
    stated = variable.stated_test
    if stated and variable.reported_p is not None and stated not in reproduced:
        computed = next((r for r in results if r.test == stated), None)
        notes.append(
            f"the stated test {stated} gives p = {computed.p_value:.4g}, which does not reproduce "
            f"{variable.reported_p}"
            if computed
            else f"the stated test {stated} cannot be recomputed from the printed numbers"
        )
    return VariableRecheck(
        variable.name,
        variable.label,
        variable.type,
        variable.reported_p,
        stated,
        status,
        reproduced,
        tuple(results),
        consistency,
        tuple(notes),
    )


def recheck(table: SummaryTable) -> list[VariableRecheck]:
    """Recheck every variable of a published table, in table order, with its consistency findings."""
    findings = consistency_findings(table)
    return [
        recheck_variable(table, v, tuple(f.message for f in findings if f.variable == v.name))
        for v in table.variables
    ]
