"""Contradictions of a published table, each resolved into a `SynthFinding` saying what the generator does.

A resolution keeps every printed count it can and says what it changes instead, so that a reader of the
synthetic cohort can tell a deliberate departure from the table from a mistake; what cannot be resolved is a
`SpecError`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from iectox.errors import SpecError
from iectox.published import Finding, SummaryTable, Variable
from iectox.published.consistency import LEVELS_VS_N, SUBPOPULATION, level_total, yes_level
from iectox.schema.model import fold
from iectox.schema.vocabularies import TOXICITY_STATUS


@dataclass(frozen=True)
class SynthFinding:
    """A contradiction or ambiguity of the published table and what the generator did about it."""

    variable: str
    group: str | None
    kind: str
    message: str
    resolution: str


def sex_levels_vs_n(
    counts: Mapping[str, int], group: str, n: int
) -> tuple[dict[str, int], SynthFinding | None]:
    """Sex levels short of n: the missing patients get sex 'unknown'; levels over n cannot be resolved."""
    total = sum(counts.values())
    if total > n:
        raise SpecError(f"sex, {group}: levels add up to {total} of {n}")
    if total == n:
        return dict(counts), None
    finding = SynthFinding(
        "sex",
        group,
        LEVELS_VS_N,
        f"sex, {group}: levels add up to {total} of {n}",
        f"the {n - total} missing patient(s) are given sex 'unknown'",
    )
    return {**counts, "unknown": counts.get("unknown", 0) + n - total}, finding


def grade_levels_vs_n(
    variable: Variable, group: str, n: int, grades: dict[int, int], status: str, check: Finding | None
) -> tuple[dict[int, int], int, SynthFinding | None]:
    """(grades, infusions of unknown status, finding) for grade levels that do not add up to n.

    Short of n, every printed count is kept and the rest are of unknown status; over n, the grade rows are
    kept and 'No' is what gives way.
    """
    total = level_total(variable, group)
    yes = sum(c for k, c in grades.items() if k > 0)
    if total == n:
        return grades, 0, None
    message = check.message if check else f"{variable.name}, {group}: levels add up to {total} of {n}"
    if total < n:
        missing = n - total
        return (
            grades,
            missing,
            SynthFinding(
                variable.name,
                group,
                LEVELS_VS_N,
                message,
                f"every printed count is kept; the {missing} remaining infusion(s) get {status} = "
                f"'{TOXICITY_STATUS.normalise('unknown')}' and no episode",
            ),
        )
    if yes > n:
        raise SpecError(f"{message}; the grade rows alone exceed n, nothing can be kept")
    printed_no = grades.get(0, 0)
    kept = {**grades, 0: n - yes}
    parts = "+".join(str(kept[k]) for k in sorted(kept) if k > 0)
    counts = variable.counts[group]
    yes_row = yes_level(tuple(counts))
    agrees = f", as the printed '{yes_row} {yes}'" if yes_row and counts[yes_row] == yes else ""
    finding = SynthFinding(
        variable.name,
        group,
        LEVELS_VS_N,
        message,
        f"the grade rows ({parts} = {yes}{agrees}) are kept and 'No' is set to {n} - {yes} = "
        f"{kept[0]} instead of the printed {printed_no}",
    )
    return kept, 0, finding


def steroids_among_treated(check: Finding) -> SynthFinding:
    """Whatever the table's check says of the corticosteroid row, it is read among the tocilizumab-treated."""
    return SynthFinding(
        check.variable,
        check.group,
        check.kind,
        check.message,
        "counted among the tocilizumab-treated: a corticosteroid (dexamethasone 10 mg IV) "
        "given during the CRS episode; no treated patient without it gets any corticosteroid",
    )


def crs_outcome_over_treated(
    group: str, treated: int, deaths: int, recovered: int, check: Finding | None
) -> SynthFinding:
    """The CRS outcome row, which tables often give over the treated without saying so, read as such."""
    if deaths + recovered != treated:
        raise SpecError(
            f"crs_outcome, {group}: {recovered} + {deaths} does not match the {treated} "
            "tocilizumab-treated the generator reads it over"
        )
    return SynthFinding(
        "crs_outcome",
        group,
        SUBPOPULATION,
        check.message if check else f"crs_outcome, {group}: read over the {treated} treated",
        f"read as the CRS episodes of the {treated} tocilizumab-treated: {deaths} die during the "
        "episode (outcome 'death', status dead); their CRS is grade <= 3, so the recorded cause is "
        "not CRS (infection or disease progression)"
        if deaths
        else f"read as the CRS episodes of the {treated} tocilizumab-treated, all resolved",
    )


def steroids_alone_footnote(
    icans: Variable | None, group: str, label: str, treated: int, steroid: int
) -> tuple[int | None, SynthFinding | None]:
    """The source's 'Not applicable' footnote: corticosteroids without tocilizumab, when it is given."""
    if icans is None or not icans.note:
        return None, None
    alone = re.search(r"dexamethasone alone\s+(\d+)", icans.note)
    combined = re.search(r"with tocilizumab\s+(\d+)", icans.note)
    whose = re.search(r"for the ([\w\- ]+?) (?:group|population)", icans.note)
    if alone is None or whose is None:
        return None, None
    named = fold(whose.group(1))
    if named != fold(group) and not fold(label).startswith(named):
        return None, None
    both = int(combined.group(1)) if combined else None
    finding = SynthFinding(
        "icans_grade",
        group,
        "note",
        f"icans_grade, {group}: the source's 'Not applicable' row counts dexamethasone alone "
        f"{alone.group(1)} and dexamethasone with tocilizumab {both}, but the treatment table gives "
        f"{steroid} concomitant corticosteroids among {treated} tocilizumab-treated",
        f"the table's own row is honoured ({steroid} of {treated}) and {alone.group(1)} infusions get "
        "dexamethasone (for ICANS grade >= 2) without tocilizumab",
    )
    return int(alone.group(1)), finding


def median_labels(table: SummaryTable) -> list[SynthFinding]:
    """Rows labelled median but printed as mean and SD: calibrated as printed, the reading the p supports."""
    return [
        SynthFinding(
            variable.name,
            None,
            "label",
            f"{variable.name}: {variable.note}",
            "calibrated as mean and SD (exact mean, SD to printed precision), the reading under "
            "which the printed p-value reproduces (Welch t-test)",
        )
        for variable in table.variables
        if "median" in fold(variable.note or "")
        and variable.is_continuous
        and all(s.mean is not None and s.sd is not None for s in variable.summary.values())
    ]


def in_table_order(findings: Iterable[SynthFinding], table: SummaryTable) -> list[SynthFinding]:
    """Findings by variable, then group, as the table prints them; a table-wide one before its groups."""
    order = {v.name: i for i, v in enumerate(table.variables)}
    groups = {g: i for i, g in enumerate(table.group_ids)}
    return sorted(findings, key=lambda f: (order.get(f.variable, 0), groups.get(f.group or "", -1)))
