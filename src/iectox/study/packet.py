"""A centre's packet: the study's tables as aggregates, small cells masked, nothing about any one patient.

Multi-centre studies need pooled tables, but patient-level data cannot leave the hospital. A packet holds, per
variable of the study's tables, what the summary-table format prints: counts per level and cohort (every level,
the study's `top` pooling undone so that centres add up), the missing count, and for a number its mean, SD,
median and quartiles; and per time-to-event endpoint (CRS, ICANS, death) the events, competing deaths and
censorings in day intervals from the infusion, with the numbers at risk they imply. Counts below `min_cell` are
masked with complementary suppression (`iectox.study.suppression`), so a masked count cannot be recomputed from
the margins; the summaries of a cohort with fewer than `min_cell` values are left out, since the median of one
or two values is a patient's value. No identifier and no date is written. The SHA-256 checksum of the packet's
canonical JSON lets the pooling centre see that nothing was altered on the way.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import asdict, replace
from typing import Any

import numpy as np
import pandas as pd

from iectox.analysis import infusion_table
from iectox.analysis.time_to_event import survival_times, syndrome_times
from iectox.dataset import Dataset
from iectox.stats.compare import compare
from iectox.stats.table import VariableResult
from iectox.study.levels import check_levels
from iectox.study.population import study_population
from iectox.study.spec import StudySpec
from iectox.study.suppression import DEFAULT_MIN_CELL, suppress

FORMAT = "iectox-packet/1"
BREAKS = (0, 7, 14, 21, 28)  # day intervals [0, 7), [7, 14), ... [28, end of follow-up)
MISSING = "__missing__"
ENDPOINTS = {"crs": ("event", "competing", "censored"), "icans": ("event", "competing", "censored")}
SURVIVAL = ("death", "censored")


def canonical(document: dict[str, Any]) -> bytes:
    """The packet's bytes for its checksum: keys sorted, no spaces, UTF-8, no NaN."""
    return json.dumps(
        document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode()


def checksum(document: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON of everything but the checksum itself."""
    body = {k: v for k, v in document.items() if k != "checksum"}
    return hashlib.sha256(canonical(body)).hexdigest()


def study_id(spec: StudySpec) -> str:
    """What makes two centres' packets the same study, so that their counts add up: the title, the period,
    the cohorts and their therapy class, how the analysis table is derived (grading scale, corticosteroid
    window...) and each table's variables with their kind, levels and sub-population."""
    shape = {
        "title": spec.title,
        "period": [str(d) for d in spec.period or ()],
        "by": spec.by,
        "order": list(spec.order or ()),
        **({} if spec.therapy_class is None else {"therapy_class": spec.therapy_class}),
        "analysis": {k: str(v) for k, v in asdict(spec.analysis).items()},
        "tables": [
            [t.id, [[v.name, v.kind, [str(x) for x in v.levels or ()], v.among] for v in t.variables]]
            for t in spec.tables
        ],
    }
    return hashlib.sha256(canonical(shape)).hexdigest()[:16]


def _number(value: object) -> float | None:
    number = float(value)  # type: ignore[arg-type]
    return None if math.isnan(number) else number


def _masked(table: np.ndarray, levels: list[str], groups: list[str], min_cell: int) -> dict[str, Any]:
    """A levels x groups table as {group: {level: count or None}}, and the masked cells."""
    mask = suppress(table, min_cell)
    counts = {
        g: {lvl: None if mask[i, j] else int(table[i, j]) for i, lvl in enumerate(levels)}
        for j, g in enumerate(groups)
    }
    totals = {g: int(table[:, j].sum()) for j, g in enumerate(groups)}  # the column margins, public anyway
    return {
        "counts": counts,
        "totals": totals,
        "suppressed": [[levels[i], groups[j]] for i, j in zip(*np.nonzero(mask), strict=True)],
    }


def _levels(result: VariableResult, k: int) -> tuple[list[str], list[str], np.ndarray]:
    """Each mutually exclusive level (keys, labels) and its counts per group (levels x k)."""
    if result.kind == "toxicity":
        grades = [r for r in result.rows if r.row_type == "level" and isinstance(r.level, int)]
        any_grade = next(r for r in result.rows if r.level == "any")
        zero = [result.n[j] - any_grade.cells[j].values[0] for j in range(k)]
        table = np.array([zero] + [[r.cells[j].values[0] for j in range(k)] for r in grades])
        return ["0", *(str(r.level) for r in grades)], ["Grade 0", *(r.label for r in grades)], table
    rows = [r for r in result.rows if r.row_type == "level"]
    table = np.array([[r.cells[j].values[0] for j in range(k)] for r in rows]).reshape(len(rows), k)
    return [str(r.level) for r in rows], [r.label for r in rows], table


def _variable(result: VariableResult, groups: list[str], min_cell: int) -> dict[str, Any]:
    k = len(groups)
    missing = [int(m) for m in result.missing[:k]]
    record: dict[str, Any] = {"name": result.name, "label": result.label}
    if result.kind == "continuous":
        present = np.array([[int(x) for x in result.n[:k]], missing])
        masked = _masked(present, ["n", MISSING], groups, min_cell)
        summaries = {}
        for j, g in enumerate(groups):
            values = {r.level: r.cells[j].values for r in result.rows if r.row_type == "summary"}
            n = masked["counts"][g]["n"]
            if n is None or n < min_cell:
                summaries[g] = None
                continue
            mean, sd = values["mean_sd"]
            median, q1, q3 = values["median_iqr"]
            summaries[g] = {
                "n": n,
                "mean": _number(mean),
                "sd": _number(sd),
                "median": _number(median),
                "q1": _number(q1),
                "q3": _number(q3),
            }
        return record | {"type": "continuous", "summary": summaries, **masked}
    keys, labels, table = _levels(result, k)
    full = np.vstack([table, [missing]]).astype(int)
    kind = "ordinal" if result.kind in ("toxicity", "ordinal") else "categorical"
    levels = [{"key": key, "label": label} for key, label in zip(keys, labels, strict=True)]
    return record | {"type": kind, "levels": levels, **_masked(full, [*keys, MISSING], groups, min_cell)}


def _intervals() -> list[str]:
    ends = [*BREAKS[1:], None]
    return [f"{a}-{b - 1}" if b is not None else f"{a}+" for a, b in zip(BREAKS, ends, strict=True)]


def _endpoint(name: str, rows: pd.DataFrame, outcomes: tuple[str, ...], groups: list[str], min_cell: int):
    """Outcomes per day interval and cohort ([interval/outcome] x groups), masked; the numbers at risk."""
    status = {0: "censored", 1: "event" if name != "survival" else "death", 2: "competing"}
    intervals = _intervals()
    which = np.searchsorted(np.array(BREAKS), rows["time"].to_numpy(dtype=float), side="right") - 1
    labels = [f"{i}/{o}" for i in intervals for o in outcomes]
    table = np.zeros((len(labels), len(groups)), dtype=int)
    for j, g in enumerate(groups):
        in_group = (rows["group"] == g).to_numpy()
        for code, outcome in status.items():
            if outcome in outcomes:
                hit = in_group & (rows["status"].to_numpy() == code)
                for i in range(len(intervals)):
                    table[i * len(outcomes) + outcomes.index(outcome), j] = int(np.sum(hit & (which == i)))
    masked = _masked(table, labels, groups, min_cell)
    n = {g: int(table[:, j].sum()) for j, g in enumerate(groups)}
    at_risk: dict[str, list[int | None]] = {}
    for g in groups:
        known, left = True, 0
        at_risk[g] = []
        for i in range(len(intervals)):
            at_risk[g].append(n[g] - left if known else None)
            cells = [masked["counts"][g][f"{intervals[i]}/{o}"] for o in outcomes]
            known = known and None not in cells
            left += sum(c for c in cells if c is not None)
    return {
        "endpoint": name,
        "intervals": intervals,
        "outcomes": list(outcomes),
        "n": n,
        "at_risk": at_risk,
        **masked,
    }


def _excluded(excluded: dict[str, int], min_cell: int) -> dict[str, int | None]:
    """Infusions left out of an endpoint by reason: masked under one known total."""
    reasons = sorted(excluded)
    if not reasons:
        return {}
    mask = suppress(np.array([[excluded[r]] for r in reasons]), min_cell, row_totals=False)
    return {r: None if mask[i, 0] else int(excluded[r]) for i, r in enumerate(reasons)}


def _time_to_event(frame: pd.DataFrame, by: str, groups: list[str], min_cell: int) -> list[dict[str, Any]]:
    endpoints = []
    for name, outcomes in ENDPOINTS.items():
        times = syndrome_times(frame, name, by)
        rows = times.frame[times.frame["group"].isin(groups)]
        endpoints.append(
            _endpoint(name, rows, outcomes, groups, min_cell)
            | {"excluded": _excluded(times.excluded, min_cell)}
        )
    times = survival_times(frame, by)
    rows = times.frame[times.frame["group"].isin(groups)]
    endpoints.append(
        _endpoint("survival", rows, SURVIVAL, groups, min_cell)
        | {"excluded": _excluded(times.excluded, min_cell)}
    )
    return endpoints


def make_packet(
    dataset: Dataset, spec: StudySpec, centre: str, min_cell: int = DEFAULT_MIN_CELL
) -> dict[str, Any]:
    """The centre's packet for the study: aggregates only, small cells masked, with its checksum; the infusions
    counted are the study's (its period and its therapy class: `iectox.study.population`)."""
    frame = infusion_table(study_population(dataset, spec).compared, spec.analysis)
    check_levels(spec, frame)
    tables, groups_out = [], None
    for table in spec.tables:
        variables = [replace(v, top=None, summary="both") for v in table.variables]
        comparison = compare(frame, spec.by, variables, spec.policy, spec.order, dict(spec.labels))
        keys = [str(k) for k in comparison.groups.keys]
        if groups_out is None:
            sizes = comparison.groups.sizes
            groups_out = [
                {"id": key, "label": label, "n": int(size)}
                for key, label, size in zip(keys, comparison.groups.labels, sizes, strict=True)
            ]
        tables.append(
            {
                "id": table.id,
                "title": table.title,
                "variables": [_variable(r, keys, min_cell) for r in comparison.results],
            }
        )
    groups = [g["id"] for g in groups_out or []]
    packet = {
        "format": FORMAT,
        "study": {"id": study_id(spec), "title": spec.title},
        "centre": centre,
        "min_cell": min_cell,
        "groups": groups_out or [],
        "tables": tables,
        "time_to_event": {
            "breaks": list(BREAKS),
            "endpoints": _time_to_event(frame, spec.by, groups, min_cell),
        },
    }
    return packet | {"checksum": checksum(packet)}
