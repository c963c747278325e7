"""A comparison table's footnotes as data, each with a stable id: the renderers word them in the reader's
language (`iectox.render.comparison.footnote_text`), so that no two formats can disagree on a footnote."""

from __future__ import annotations

from collections.abc import Sequence

from iectox.stats.methods import METHODS
from iectox.stats.table import Footnote, VariableResult


def tests_used(results: Sequence[VariableResult]) -> tuple[str, ...]:
    """The ids of the tests that made a p-value, in order of first use: footnote marks 1, 2, ..."""
    return tuple(dict.fromkeys(r.test.test for r in results if r.test is not None))


def footnotes(
    results: Sequence[VariableResult], k: int, q_method: str | None, excluded: int, strata: str | None = None
) -> tuple[Footnote, ...]:
    """The statistics shown, each test used (a stratified one with the column of its strata), the
    adjustment, rows left out, then per variable: its sub-population, why it was not tested, the tests'
    warnings."""
    notes = [Footnote("statistics", "statistics")]
    notes += [
        Footnote(
            f"test.{t}",
            "test",
            test=t,
            mark=i,
            strata=strata if t in METHODS and METHODS[t].data == "strata" else None,
        )
        for i, t in enumerate(tests_used(results), 1)
    ]
    if q_method:
        notes.append(Footnote(f"adjustment.{q_method}", "adjustment", method=q_method))
    if excluded:
        notes.append(Footnote("excluded", "excluded", count=excluded))
    among: dict[str, list[VariableResult]] = {}
    for r in results:
        if r.variable.among:
            among.setdefault(r.variable.among, []).append(r)
    for column, members in among.items():
        sizes = tuple(int(n) for n in (members[0].n + members[0].missing)[:k])
        names = tuple(r.name for r in members)
        notes.append(
            Footnote(f"subpopulation.{column}", "subpopulation", variables=names, among=column, sizes=sizes)
        )
    for r in results:
        if r.test is None and r.reason:
            notes.append(Footnote(f"untested.{r.name}", "untested", variables=(r.name,), message=r.reason))
        notes += [
            Footnote(f"warning.{r.name}.{i}", "warning", variables=(r.name,), message=w)
            for i, w in enumerate(r.warnings, 1)
        ]
    return tuple(notes)
