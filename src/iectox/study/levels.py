"""The groups and levels a study file names, checked against the data when the study runs.

A column with a vocabulary or yes/no values is checked when the file is read (`iectox.study.spec`). The others
(e.g. `therapy_class`, `centre`) take their values from the data, so a misspelt level is found only here: left
alone it would make an empty cohort, whose footnote would wrongly say its rows had no value.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from iectox.analysis import BY_NAME
from iectox.study.reading import not_allowed
from iectox.study.spec import StudySpec


def _known_in_advance(column: str) -> bool:
    derived = BY_NAME[column]
    return derived.vocabulary is not None or derived.kind in ("boolean", "ordinal", "continuous")


def _check(path: Path, key: str, frame: pd.DataFrame, column: str, named: Iterable[object]) -> None:
    if _known_in_advance(column):
        return
    found = set(frame[column].dropna().unique())
    for value in named:
        if value not in found:
            listed = ", ".join(sorted(map(str, found)))
            raise not_allowed(
                path, key, value, sorted(found, key=str), f"a value of {column} in the data ({listed})"
            )


def check_levels(spec: StudySpec, frame: pd.DataFrame) -> None:
    """`SpecError` when a cohort or a level of the study file is not a value of its column in `frame`."""
    path = spec.path or Path("study")
    _check(path, "[cohorts] order", frame, spec.by, spec.order or ())
    _check(path, "[cohorts] labels", frame, spec.by, spec.labels)
    for i, table in enumerate(spec.tables, 1):
        for j, variable in enumerate(table.variables, 1):
            where = f"[[tables]] #{i} ({table.id}), variable #{j} ({variable.name})"
            if variable.levels is not None:
                _check(path, f"{where} levels", frame, variable.name, variable.levels)
            _check(path, f"{where} level_labels", frame, variable.name, variable.level_labels)
