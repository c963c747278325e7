"""The pooled study as a `summary-table/1` document: the format of published tables, so that a pooled table can
be rechecked (`iectox recheck`) or calibrate a synthetic multi-centre cohort (`iectox synth --calibrate`) like
any published one.

Only what is known goes in: a categorical variable whose every level is known in every cohort (a level masked
in one centre leaves the whole variable out, since partial counts would read as a contradiction), a number's
pooled mean, SD and n. The p-value printed is the Cochran-Mantel-Haenszel test's, stated as such: the strata
are not in the table, so `recheck` says it cannot be recomputed from the printed numbers, which is true.
"""

from __future__ import annotations

from typing import Any

from iectox.published.summary_table import FORMAT
from iectox.study.packet import MISSING
from iectox.study.pooling import PooledStudy, PooledVariable

P_DIGITS = 4


def _variable(variable: PooledVariable, groups: list[str]) -> dict[str, Any] | None:
    record: dict[str, Any] = {"name": variable.name, "label": variable.label, "type": variable.type}
    if variable.type == "continuous":
        summaries = [variable.summary.get(g) for g in groups]
        if any(s is None for s in summaries):
            return None
        record["summary"] = {
            g: {"mean": round(s["mean"], 6), "sd": round(s["sd"], 6), "n": int(s["n"])}
            for g, s in zip(groups, summaries, strict=True)
        }
    else:
        levels = [(key, label) for key, label in variable.levels if key != MISSING]
        counts = {g: {label: variable.counts[g][key] for key, label in levels} for g in groups}
        if any(c is None for by_level in counts.values() for c in by_level.values()):
            return None
        record["counts"] = counts
    if variable.test is not None:
        p = variable.test.p_value
        smallest = 10.0**-P_DIGITS
        record["reported_p"] = f"<{smallest:.{P_DIGITS}f}" if p < smallest / 2 else f"{p:.{P_DIGITS}f}"
        record["stated_test"] = variable.test.test
        record["note"] = "stratified by centre: " + ", ".join(variable.strata)
    return record


def pooled_summary_table(pooled: PooledStudy) -> dict[str, Any]:
    """The pooled tables' known numbers in the `summary-table/1` format."""
    groups = [g["id"] for g in pooled.groups]
    variables = [
        record
        for table in pooled.tables
        for variable in table.variables
        if (record := _variable(variable, groups)) is not None
    ]
    return {
        "format": FORMAT,
        "study": f"{pooled.study.get('title', '')} (pooled: {', '.join(pooled.centres)})",
        "groups": {g["id"]: {"label": g["label"], "n": g["n"]} for g in pooled.groups},
        "variables": variables,
    }
