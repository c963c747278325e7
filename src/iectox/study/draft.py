"""A first study file drafted from a dataset (`iectox init`), so that no one writes TOML by trial and error.

Everything it proposes comes from the data's analysis table: the columns that split the infusions into groups
(and how many infusions each group has), their levels in the order of their vocabulary, and the main
variables that hold values. The draft names no published reference (there is nothing to reproduce yet) and
is checked by `load_study` before it is written, so a drafted file always runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from iectox.analysis import BY_NAME, Derived
from iectox.i18n import N_, tr

COHORT_KINDS = ("categorical", "boolean")  # columns whose values name groups a study compares
PREFERRED_COHORTS = ("cohort", "therapy_class", "centre", "therapy", "indication")
MAX_GROUPS = 8  # more groups than this make a comparison table no one reads
MAIN_VARIABLES = (
    "sex",
    "age",
    "weight_kg",
    "indication",
    "therapy",
    "crs_grade",
    "icans_grade",
    "tocilizumab",
    "corticosteroids",
    "status",
)
TOP_LEVELS = 5  # a variable with more levels shows its most frequent ones, the others pooled
TITLE = N_("Comparison by {column}")
MAIN_TABLE = N_("Main characteristics and toxicities")


@dataclass(frozen=True)
class Candidate:
    """A column that can define the cohorts: its levels, in order, with the number of infusions of each."""

    column: Derived
    levels: tuple[tuple[object, int], ...]

    @property
    def name(self) -> str:
        return self.column.name

    def describe(self, lang: str) -> str:
        """ "Cohort: clinical_trial (40), standard_of_care (361)", for a prompt."""
        shown = ", ".join(f"{_toml_level(level)} ({n})" for level, n in self.levels)
        return f"{self.name} - {tr(self.column.label, lang)}: {shown}"


def _toml_level(level: object) -> str:
    return str(level).lower() if isinstance(level, bool) else str(level)


def _ordered(column: Derived, counts: pd.Series) -> tuple[tuple[object, int], ...]:
    """Levels in the vocabulary's order (yes before no), else the most frequent first."""
    if column.vocabulary is not None:
        order = [c for c in column.vocabulary.codes if c in counts.index]
    elif column.kind == "boolean":
        order = [v for v in (True, False) if v in counts.index]
    else:
        order = sorted(counts.index, key=lambda v: (-counts[v], str(v)))
    return tuple((level.item() if hasattr(level, "item") else level, int(counts[level])) for level in order)


def cohort_candidates(frame: pd.DataFrame) -> list[Candidate]:
    """Columns of the analysis table that split its infusions into 2 to `MAX_GROUPS` groups, the preferred
    ones first."""
    found = []
    for column in BY_NAME.values():
        if column.kind not in COHORT_KINDS or column.name not in frame:
            continue
        counts = frame[column.name].dropna().value_counts()
        if 2 <= len(counts) <= MAX_GROUPS:
            found.append(Candidate(column, _ordered(column, counts)))
    rank = {name: i for i, name in enumerate(PREFERRED_COHORTS)}
    return sorted(found, key=lambda c: rank.get(c.name, len(rank)))


def variables_with_values(frame: pd.DataFrame, names: Sequence[str], by: str) -> list[str]:
    """The `names` that are columns of the analysis table holding at least one value, the cohort column left
    out (it defines the groups)."""
    return [n for n in names if n != by and n in frame and frame[n].notna().any()]


def _variable(name: str, frame: pd.DataFrame) -> dict[str, object]:
    column = BY_NAME[name]
    entry: dict[str, object] = {"name": name}
    if column.kind == "categorical" and frame[name].nunique() > TOP_LEVELS + 1:
        entry["top"] = TOP_LEVELS
    return entry


def draft_study(
    frame: pd.DataFrame,
    by: str,
    levels: Sequence[object],
    tables: Sequence[tuple[str, Sequence[str]]],
    lang: str,
    preset: str,
) -> dict[str, object]:
    """The study document: cohorts by `by` in the order of `levels`, one [[tables]] entry per (id, variables),
    the language and the test preset. Labels of coded levels are their vocabulary's, in `lang`."""
    column = BY_NAME[by]
    cohorts: dict[str, object] = {"by": by, "order": list(levels)}
    if column.vocabulary is not None:
        terms = {t.code: t.label for t in column.vocabulary.terms}
        cohorts["labels"] = {str(level): tr(terms[level], lang) for level in levels if level in terms}
    return {
        "study": {"title": tr(TITLE, lang).format(column=tr(column.label, lang)), "language": lang},
        "cohorts": cohorts,
        "tests": {"preset": preset},
        "tables": [
            {
                "id": table_id,
                "title": tr(MAIN_TABLE, lang)
                if table_id == "main"
                else table_id.replace("_", " ").capitalize(),
                "variables": [_variable(name, frame) for name in names],
            }
            for table_id, names in tables
        ],
    }


__all__ = ["Candidate", "cohort_candidates", "draft_study", "variables_with_values"]
