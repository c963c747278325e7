"""Internal consistency of a published table: do its own numbers agree with each other?

Transcription slips are common in posters and abstracts (levels that add up to one patient short, a 'No'
row copied from the wrong column). Each check here compares two numbers the table itself prints, so a
finding is a fact about the table, whatever the truth behind it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from iectox.published.summary_table import SummaryTable, Variable, decimals
from iectox.schema.model import fold

LEVELS_VS_N = "levels_vs_n"
SUBPOPULATION = "subpopulation"
YES_VS_GRADES = "yes_vs_grades"
PERCENT_VS_COUNT = "percent_vs_count"
SUMMARY_N = "summary_n_vs_group"
QUARTILES = "quartiles"
CONTRADICTIONS = frozenset({LEVELS_VS_N, YES_VS_GRADES, PERCENT_VS_COUNT, SUMMARY_N, QUARTILES})
_GRADE = re.compile(r"^grade\d+$")


@dataclass(frozen=True)
class Finding:
    """One disagreement (or one inferred denominator) between numbers printed in the same table."""

    variable: str
    group: str
    kind: str
    expected: float
    found: float
    message: str

    @property
    def contradiction(self) -> bool:
        """False for the informative kinds (an inferred sub-population), True when two numbers disagree."""
        return self.kind in CONTRADICTIONS


def yes_level(levels: tuple[str, ...]) -> str | None:
    """The level that is a 'Yes' total over grade levels, when the variable prints both."""
    yes = [lvl for lvl in levels if fold(lvl) == "yes"]
    return yes[0] if yes and grade_levels(levels) else None


def grade_levels(levels: tuple[str, ...]) -> list[str]:
    """Levels written 'Grade 1', 'grade 2'..."""
    return [lvl for lvl in levels if _GRADE.match(fold(lvl))]


def level_total(variable: Variable, group: str) -> int:
    """Sum of a group's levels, leaving out a 'Yes' row that totals the grade rows below it."""
    counts = variable.counts[group]
    skip = yes_level(tuple(counts))
    return sum(c for lvl, c in counts.items() if lvl != skip)


def subpopulation(table: SummaryTable, variable: Variable) -> tuple[str, str] | None:
    """(variable, level) of another row whose count equals this variable's total in every group, if any.

    A row such as 'CRS outcome: Recovery 195, Death 5' is often given over a sub-population (here the 200
    tocilizumab-treated) without saying so; a total that matches another printed count says which one.
    """
    groups = [g for g in table.group_ids if g in variable.counts]
    if not groups:
        return None
    totals = {g: level_total(variable, g) for g in groups}
    matches: list[tuple[str, str]] = []
    for other in table.variables:
        if other.name == variable.name or other.is_continuous:
            continue
        levels = {lvl for g in groups for lvl in other.counts.get(g, {})}
        for lvl in levels:
            if all(other.counts.get(g, {}).get(lvl) == totals[g] for g in groups):
                matches.append((other.name, lvl))
    return matches[0] if len(matches) == 1 else None


def _count_findings(table: SummaryTable, variable: Variable) -> list[Finding]:
    findings: list[Finding] = []
    parent = None
    for group in table.group_ids:
        counts = variable.counts.get(group)
        n = table.group(group).n
        if counts is None:
            continue
        levels = tuple(counts)
        yes = yes_level(levels)
        if yes is not None:
            graded = sum(counts[lvl] for lvl in grade_levels(levels))
            if graded != counts[yes]:
                findings.append(
                    Finding(
                        variable.name,
                        group,
                        YES_VS_GRADES,
                        counts[yes],
                        graded,
                        f"{variable.name}, {group}: '{yes}' is {counts[yes]} but its grades add up to {graded}",
                    )
                )
        total = level_total(variable, group)
        denominator = n
        if n is not None and total != n:
            parent = parent or subpopulation(table, variable)
            if parent is not None:
                denominator = total
                findings.append(
                    Finding(
                        variable.name,
                        group,
                        SUBPOPULATION,
                        n,
                        total,
                        f"{variable.name}, {group}: levels add up to {total} of {n}, the count of "
                        f"{parent[0]} = {parent[1]}; read as that sub-population",
                    )
                )
            else:
                findings.append(
                    Finding(
                        variable.name,
                        group,
                        LEVELS_VS_N,
                        n,
                        total,
                        f"{variable.name}, {group}: levels add up to {total} of {n}",
                    )
                )
        findings.extend(_percent_findings(variable, group, denominator))
    return findings


def _percent_findings(variable: Variable, group: str, denominator: int | None) -> list[Finding]:
    findings: list[Finding] = []
    printed = variable.percentages.get(group, {})
    counts = variable.counts.get(group, {})
    if not denominator:
        return findings
    for level, text in printed.items():
        if level not in counts:
            continue
        exact = 100 * counts[level] / denominator
        places = decimals(text)
        if abs(exact - float(text)) > 0.5 * 10**-places + 1e-9:
            findings.append(
                Finding(
                    variable.name,
                    group,
                    PERCENT_VS_COUNT,
                    round(exact, places),
                    float(text),
                    f"{variable.name}, {group}: {level} printed as {text}% but {counts[level]}/{denominator} "
                    f"is {exact:.{places}f}%",
                )
            )
    return findings


def _summary_findings(table: SummaryTable, variable: Variable) -> list[Finding]:
    findings: list[Finding] = []
    for group, summary in variable.summary.items():
        n = table.group(group).n
        if summary.n is not None and n is not None and summary.n > n:
            findings.append(
                Finding(
                    variable.name,
                    group,
                    SUMMARY_N,
                    n,
                    summary.n,
                    f"{variable.name}, {group}: summary n {summary.n} exceeds the group size {n}",
                )
            )
        if None not in (summary.median, summary.q1, summary.q3) and not (
            summary.q1 <= summary.median <= summary.q3  # type: ignore[operator]
        ):
            findings.append(
                Finding(
                    variable.name,
                    group,
                    QUARTILES,
                    summary.q1,
                    summary.median,  # type: ignore[arg-type]
                    f"{variable.name}, {group}: median {summary.printed['median']} is outside "
                    f"[{summary.printed['q1']}, {summary.printed['q3']}]",
                )
            )
    return findings


def consistency_findings(table: SummaryTable) -> list[Finding]:
    """Every internal disagreement of the table, in table order (variables, then groups)."""
    findings: list[Finding] = []
    for variable in table.variables:
        if variable.is_continuous:
            findings.extend(_summary_findings(table, variable))
        else:
            findings.extend(_count_findings(table, variable))
    return findings
