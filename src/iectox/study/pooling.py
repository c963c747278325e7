"""Pooling centres' packets into one table: counts added up, tests stratified by centre, effects meta-analysed.

What a centre masked stays unknown: a pooled count is the sum of the centres' counts only when no centre masked
that cell (else it is None and `masked_by` names the centres), and a centre that masked a cell an analysis needs
is left out of that analysis, by name. A continuous variable's pooled mean and SD are those of all the values
together, recovered exactly from each centre's mean, SD and n; medians do not add up and are not pooled.

Two cohorts are compared: the Cochran-Mantel-Haenszel test stratified by centre (`mantel_haenszel` on a
2 x 2 x K table, `cmh_generalized` otherwise: `iectox.stats.strata.stratified_method`), and, for each outcome
of a variable (each level of a categorical variable, a level and those above it for an ordinal one, the first level of a
yes/no variable), the odds ratio and the risk difference of the first cohort against the second, pooled by
fixed and random effects (`iectox.stats.meta`); a continuous variable's mean difference likewise.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from math import sqrt
from typing import Any

import numpy as np

from iectox.i18n import N_
from iectox.stats.meta import (
    MetaAnalysis,
    log_odds_ratio,
    logit_proportion,
    meta_analysis,
    mh_odds_ratio,
    mh_risk_difference,
    risk_difference,
)
from iectox.stats.methods import METHODS, MethodResult
from iectox.stats.methods.result import NotComputable
from iectox.stats.strata import stratified_method
from iectox.study.packet import MISSING

Packet = dict[str, Any]
TOO_FEW = N_("pooling needs at least two centres with information on this effect")


@dataclass(frozen=True)
class Effect:
    """One outcome's pooled effects: each a `MetaAnalysis`, or None with the reason."""

    outcome: str
    label: str
    analyses: tuple[MetaAnalysis, ...]
    reasons: tuple[str, ...] = ()
    proportions: tuple[MetaAnalysis | None, ...] = ()  # each cohort's pooled proportion (logit scale)


@dataclass(frozen=True)
class PooledVariable:
    name: str
    label: str
    type: str
    levels: tuple[tuple[str, str], ...]  # (key, label), the missing row last
    counts: dict[str, dict[str, int | None]]  # group -> level -> pooled count, None when a centre masked it
    masked_by: dict[tuple[str, str], tuple[str, ...]]  # (level, group) -> centres that masked it
    n: dict[str, int | None]  # group -> pooled non-missing count (the percentages' denominator)
    summary: dict[str, dict[str, float] | None] = field(default_factory=dict)  # continuous: n, mean, sd
    test: MethodResult | None = None
    not_tested: str = ""
    strata: tuple[str, ...] = ()  # the centres in the stratified test
    effects: tuple[Effect, ...] = ()


@dataclass(frozen=True)
class PooledTable:
    id: str
    title: str
    variables: tuple[PooledVariable, ...]


@dataclass(frozen=True)
class PooledEndpoint:
    """A time-to-event endpoint's outcomes per day interval and cohort, added up, and the numbers at risk."""

    endpoint: str
    intervals: tuple[str, ...]
    outcomes: tuple[str, ...]
    counts: dict[str, dict[str, int | None]]
    at_risk: dict[str, tuple[int | None, ...]]


@dataclass(frozen=True)
class PooledStudy:
    study: dict[str, str]
    centres: tuple[str, ...]
    files: tuple[str, ...]
    min_cell: tuple[int, ...]
    groups: tuple[dict[str, Any], ...]  # id, label, n (pooled), by_centre
    tables: tuple[PooledTable, ...]
    endpoints: tuple[PooledEndpoint, ...]


def _add(values: Sequence[int | None]) -> int | None:
    return None if any(v is None for v in values) else int(sum(values))  # type: ignore[arg-type]


def _levels(variables: Sequence[dict[str, Any]]) -> list[tuple[str, str]]:
    """The union of the centres' levels, in the first centre's order; the missing row last."""
    seen: dict[str, str] = {}
    for variable in variables:
        for level in variable.get("levels", []):
            seen.setdefault(str(level["key"]), str(level["label"]))
        for counts in variable["counts"].values():
            for key in counts:
                if key != MISSING:
                    seen.setdefault(str(key), str(key))
    return [*seen.items(), (MISSING, "Missing")]


def _cell(variable: dict[str, Any], group: str, level: str) -> int | None:
    """A centre's count; a level the centre does not list is 0 (nobody has it there)."""
    return variable["counts"].get(group, {}).get(level, 0)


def _known_n(variable: dict[str, Any], group: str, keys: list[str]) -> int | None:
    """A centre's non-missing count in a cohort: its total less the missing, else the sum of its levels."""
    total, missing = variable.get("totals", {}).get(group), _cell(variable, group, MISSING)
    if total is not None and missing is not None:
        return int(total) - int(missing)
    return _add([_cell(variable, group, lvl) for lvl in keys])


def _outcomes(kind: str, keys: list[str], labels: list[str]) -> list[tuple[str, str, list[str]]]:
    """(id, label, levels counted as the outcome) of each effect a variable gets."""
    if kind == "ordinal":
        return [
            (f">={k}", f">= {lbl}", keys[i:])
            for i, (k, lbl) in enumerate(zip(keys, labels, strict=True))
            if i
        ]
    if len(keys) == 2:
        return [(keys[0], labels[0], [keys[0]])]
    return [(k, lbl, [k]) for k, lbl in zip(keys, labels, strict=True)]


def _proportion(
    tables: Sequence[tuple[float, float]], names: Sequence[str], out: Sequence[str]
) -> MetaAnalysis | None:
    """One cohort's proportion pooled on the logit scale (no Mantel-Haenszel form); None with fewer than two
    centres."""
    pairs = [(c, logit_proportion(x, n)) for c, (x, n) in zip(names, tables, strict=True)]
    kept = [(c, e) for c, e in pairs if e is not None]
    if len(kept) < 2:
        return None
    left = [*out, *(c for c, e in pairs if e is None)]
    return meta_analysis(
        "PLO", [c for c, _ in kept], [e[0] for _, e in kept], [e[1] for _, e in kept], None, left
    )


def _binary(
    outcome: tuple[str, str, list[str]],
    centres: Sequence[str],
    variables: Sequence[dict[str, Any]],
    groups: Sequence[str],
    keys: list[str],
) -> Effect:
    ident, label, levels = outcome
    tables, names, left_out = [], [], []
    for centre, variable in zip(centres, variables, strict=True):
        row = []
        for g in groups[:2]:
            events = _add([_cell(variable, g, lvl) for lvl in levels])
            row += [events, _known_n(variable, g, keys)]
        if None in row or row[1] == 0 or row[3] == 0:
            left_out.append(centre)
        else:
            tables.append(tuple(float(x) for x in row))
            names.append(centre)
    proportions = tuple(
        _proportion([(t[2 * j], t[2 * j + 1]) for t in tables], names, left_out) for j in range(2)
    )
    analyses, reasons = [], []
    for measure, effect, mh in (
        ("OR", log_odds_ratio, mh_odds_ratio),
        ("RD", risk_difference, mh_risk_difference),
    ):
        kept = [(c, effect(*t), t) for c, t in zip(names, tables, strict=True)]
        informative = [(c, e, t) for c, e, t in kept if e is not None]
        out = left_out + [c for c, e, _ in kept if e is None]
        if len(informative) < 2:
            reasons.append(f"{measure}: {TOO_FEW}")
            continue
        try:
            fixed_mh = mh([t for _, _, t in informative])
        except NotComputable:  # e.g. no discordant cell in any centre: the other models still run
            fixed_mh = None
        try:
            analyses.append(
                meta_analysis(
                    measure,
                    [c for c, _, _ in informative],
                    [e[0] for _, e, _ in informative],
                    [e[1] for _, e, _ in informative],
                    fixed_mh,
                    out,
                )
            )
        except NotComputable as exc:
            reasons.append(f"{measure}: {exc}")
    return Effect(ident, label, tuple(analyses), tuple(reasons), proportions)


def _mean_difference(
    centres: Sequence[str], variables: Sequence[dict[str, Any]], groups: Sequence[str]
) -> Effect:
    effects, variances, names, out = [], [], [], []
    for centre, variable in zip(centres, variables, strict=True):
        first, second = (variable.get("summary", {}).get(g) for g in groups[:2])
        if not first or not second or None in (first["mean"], first["sd"], second["mean"], second["sd"]):
            out.append(centre)
            continue
        variance = first["sd"] ** 2 / first["n"] + second["sd"] ** 2 / second["n"]
        if not variance > 0:  # two constant cohorts: nothing to weigh the centre by
            out.append(centre)
            continue
        names.append(centre)
        effects.append(first["mean"] - second["mean"])
        variances.append(variance)
    try:
        return Effect("mean", "Mean difference", (meta_analysis("MD", names, effects, variances, None, out),))
    except NotComputable as exc:
        return Effect("mean", "Mean difference", (), (f"MD: {exc}",))


def _pooled_moments(summaries: Sequence[dict[str, float] | None]) -> dict[str, float] | None:
    """The mean and SD of all the values of the centres together, from each centre's n, mean and SD."""
    if not summaries or any(s is None or s["mean"] is None for s in summaries):
        return None
    n = np.array([s["n"] for s in summaries], dtype=float)  # type: ignore[index]
    mean = np.array([s["mean"] for s in summaries], dtype=float)  # type: ignore[index]
    sd = np.array([s["sd"] if s["sd"] is not None else 0.0 for s in summaries], dtype=float)  # type: ignore[index]
    total = float(n.sum())
    grand = float(np.sum(n * mean) / total)
    spread = float(np.sum((n - 1) * sd**2) + np.sum(n * (mean - grand) ** 2))
    return {"n": total, "mean": grand, "sd": sqrt(spread / (total - 1)) if total > 1 else float("nan")}


def _stratified(strata: list[np.ndarray]) -> MethodResult:
    x = np.array(strata)
    x = x[:, :, x.sum(axis=(0, 1)) > 0]  # a level no centre has carries nothing
    return METHODS[stratified_method(x)].run(x)


def _variable(
    centres: Sequence[str], variables: Sequence[dict[str, Any]], groups: Sequence[str]
) -> PooledVariable:
    first = variables[0]
    levels = _levels(variables)
    counts = {g: {lvl: _add([_cell(v, g, lvl) for v in variables]) for lvl, _ in levels} for g in groups}
    masked = {
        (lvl, g): tuple(c for c, v in zip(centres, variables, strict=True) if _cell(v, g, lvl) is None)
        for lvl, _ in levels
        for g in groups
    }
    masked = {k: v for k, v in masked.items() if v}
    keys = [k for k, _ in levels if k != MISSING]
    labels = [lbl for k, lbl in levels if k != MISSING]
    known = {g: _add([_known_n(v, g, keys) for v in variables]) for g in groups}
    pooled = PooledVariable(
        first["name"], first["label"], first["type"], tuple(levels), counts, masked, known
    )
    if first["type"] == "continuous":
        summary = {g: _pooled_moments([v.get("summary", {}).get(g) for v in variables]) for g in groups}
        effects = (_mean_difference(centres, variables, groups),) if len(groups) >= 2 else ()
        return replace(pooled, summary=summary, effects=effects)
    strata, names = [], []
    for centre, variable in zip(centres, variables, strict=True):
        table = [[_cell(variable, g, k) for k in keys] for g in groups]
        if all(c is not None for row in table for c in row):
            strata.append(np.array(table, dtype=float))
            names.append(centre)
    test, reason = None, ""
    try:
        if len(strata) < 2:
            raise NotComputable(N_("fewer than two centres give every count of this variable"))
        test = _stratified(strata)
    except NotComputable as exc:
        reason = str(exc)
    effects = (
        tuple(_binary(o, centres, variables, groups, keys) for o in _outcomes(first["type"], keys, labels))
        if len(groups) >= 2
        else ()
    )
    return replace(pooled, test=test, not_tested=reason, strata=tuple(names), effects=effects)


def _endpoint(packets: Sequence[Packet], index: int, groups: Sequence[str]) -> PooledEndpoint:
    parts = [p["time_to_event"]["endpoints"][index] for p in packets]
    first = parts[0]
    cells = [f"{i}/{o}" for i in first["intervals"] for o in first["outcomes"]]
    counts = {g: {c: _add([e["counts"][g][c] for e in parts]) for c in cells} for g in groups}
    at_risk = {
        g: tuple(_add([e["at_risk"][g][i] for e in parts]) for i in range(len(first["intervals"])))
        for g in groups
    }
    return PooledEndpoint(
        first["endpoint"], tuple(first["intervals"]), tuple(first["outcomes"]), counts, at_risk
    )


def pool(packets: Sequence[tuple[str, Packet]]) -> PooledStudy:
    """One table across centres from checked packets (`iectox.study.packet_read.read_packets`)."""
    files = [f for f, _ in packets]
    documents = [p for _, p in packets]
    centres = [p["centre"] for p in documents]
    group_ids = [g["id"] for g in documents[0]["groups"]]
    groups = tuple(
        {
            "id": g["id"],
            "label": g["label"],
            "n": sum(p["groups"][i]["n"] for p in documents),
            "by_centre": [p["groups"][i]["n"] for p in documents],
        }
        for i, g in enumerate(documents[0]["groups"])
    )
    tables = []
    for index, table in enumerate(documents[0]["tables"]):
        variables = []
        for position in range(len(table["variables"])):
            per_centre = [p["tables"][index]["variables"][position] for p in documents]
            variables.append(_variable(centres, per_centre, group_ids))
        tables.append(PooledTable(table["id"], table["title"], tuple(variables)))
    endpoints = tuple(
        _endpoint(documents, i, group_ids) for i in range(len(documents[0]["time_to_event"]["endpoints"]))
    )
    return PooledStudy(
        dict(documents[0]["study"]),
        tuple(centres),
        tuple(files),
        tuple(p["min_cell"] for p in documents),
        groups,
        tuple(tables),
        endpoints,
    )
