"""Recompute a published table's p-values from its own printed numbers, and say which test reproduces each.

A p-value that no standard test reproduces from the printed counts or means is a finding: the table may
have used another test, another denominator, or carry a transcription slip. "Reproduces" is judged at the
printed precision (see `PrintedP`), never closer than the table itself allows.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation

import numpy as np

from iectox.errors import SpecError
from iectox.published.consistency import consistency_findings, yes_level
from iectox.published.summary_table import ContinuousSummary, SummaryTable, Variable
from iectox.stats import METHODS, Method, MethodResult, Moments, NotComputable
from iectox.stats.methods.fisher import is_floor, is_simulated

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
    tests: tuple[MethodResult, ...]
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


Runner = Callable[[Method], MethodResult]


def _run(methods: Sequence[Method], run: Runner, notes: list[str]) -> list[MethodResult]:
    """Each method in turn; one that cannot run on these numbers says why in `notes`."""
    results = []
    for method in methods:
        try:
            results.append(run(method))
        except NotComputable as exc:
            notes.append(f"{method.id}: {exc}")
    return results


def _count_tests(table: SummaryTable, variable: Variable, notes: list[str]) -> list[MethodResult]:
    groups = [g for g in table.group_ids if g in variable.counts]
    if len(groups) < 2:
        notes.append("counts are given for fewer than 2 groups: nothing to compare")
        return []
    levels: list[str] = []
    for g in groups:
        skip = yes_level(tuple(variable.counts[g]))  # a 'Yes' row that totals the grade rows below it
        levels.extend(lvl for lvl in variable.counts[g] if lvl not in levels and lvl != skip)
    counts = np.array([[variable.counts[g].get(lvl, 0) for lvl in levels] for g in groups])
    results = _run(METHODS.taking("counts", *counts.shape), lambda m: m.run(counts), notes)
    if variable.type == "ordinal":
        # The counts of an ordered variable are its raw data, all ties: rank methods apply to them directly.
        scores = [np.repeat(np.arange(len(levels), dtype=float), row) for row in counts]
        ranked = [m for m in METHODS.taking("values", len(groups)) if m.on_ranks]
        results += _run(ranked, lambda m: _on_levels(m.run(scores)), notes)
    notes += [f"{r.test}: {r.method}" for r in results if is_simulated(r)]  # Monte Carlo, B and seed
    return results


def _on_levels(result: MethodResult) -> MethodResult:
    return replace(result, detail=result.detail + "; levels ranked in their written order")


def _continuous_tests(table: SummaryTable, variable: Variable, notes: list[str]) -> list[MethodResult]:
    groups = [g for g in table.group_ids if g in variable.summary]
    if len(groups) < 2:
        notes.append("summaries are given for fewer than 2 groups: nothing to compare")
        return []
    summaries = [variable.summary[g] for g in groups]
    methods = METHODS.taking("values", len(groups))
    if all(s.values for s in summaries):
        data = [np.asarray(s.values, dtype=float) for s in summaries]
        return _run(methods, lambda m: m.run(data), notes)
    moments: list[Moments] = []
    missing: list[str] = []
    for g, s in zip(groups, summaries, strict=True):
        if s.values:  # a group given raw next to groups given as summaries: use its moments
            moments.append(Moments.of(s.values, g))
            continue
        n = table.n(variable, g)
        lacking = [name for name, value in (("mean", s.mean), ("SD", s.sd), ("n", n)) if value is None]
        if lacking:
            missing.append(f"{g} has no {' or '.join(lacking)}")
        else:
            moments.append(Moments(s.mean, s.sd, n))
    if missing:
        headline, reason = _why(summaries)
        notes.append(f"{headline} ({'; '.join(missing)}): {reason}")
        return []
    from_aggregates = [m for m in methods if m.from_aggregates is not None]
    return _run(from_aggregates, lambda m: m.run_from_aggregates(moments), notes)


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
    order = list(METHODS)
    results.sort(key=lambda r: order.index(r.test))
    reproduced: tuple[str, ...] = ()
    if variable.reported_p is None:
        status = NO_REPORTED_P
    else:
        printed = printed_p(variable.reported_p, f"{table.source}: {variable.name}.reported_p")
        reproduced = tuple(r.test for r in results if _reproduces(printed, r))
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


def _reproduces(printed: PrintedP, result: MethodResult) -> bool:
    """Whether a recomputed p would print as `printed`; a Monte Carlo p at its floor 1/(B + 1) is only the
    bound p < 1/(B + 1), which reproduces a printed bound at or above it, never a printed number."""
    if is_floor(result):
        return printed.bound in ("<", "<=") and printed.value >= result.p_value
    return printed.matches(result.p_value)


def recheck(table: SummaryTable) -> list[VariableRecheck]:
    """Recheck every variable of a published table, in table order, with its consistency findings."""
    findings = consistency_findings(table)
    return [
        recheck_variable(table, v, tuple(f.message for f in findings if f.variable == v.name))
        for v in table.variables
    ]
