"""The model matrix of a regression from the analysis table: complete cases, treatment coding with a stated
reference level (R's default `contr.treatment`), and what had to be left out said in notes, never silently.

A covariate with one value only, or a level no row has, is left out as R would give it a coefficient NA; a
weight that is missing or not above 0 refuses the model (R's `glm` would drop or reject it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from iectox.stats.models import notes as N
from iectox.stats.models.notes import Note, Refused


@dataclass(frozen=True)
class Column:
    """One column of the model matrix: the term it codes and, for a categorical term, the level (the
    reference level is `Term.reference`)."""

    term: str
    level: str | None


@dataclass(frozen=True)
class Term:
    name: str
    categorical: bool
    levels: tuple[str, ...] = ()  # all levels kept, reference first
    reference: str | None = None


@dataclass(frozen=True)
class Design:
    x: np.ndarray  # intercept first (none for a Cox model)
    y: np.ndarray
    columns: tuple[Column, ...]
    terms: tuple[Term, ...]
    rows: pd.Index  # the frame's rows used
    weights: np.ndarray | None
    notes: tuple[Note, ...]


def is_categorical(series: pd.Series) -> bool:
    return not (pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series)) or isinstance(
        series.dtype, pd.CategoricalDtype
    )


def _levels(series: pd.Series, reference: str | None) -> list[str]:
    if isinstance(series.dtype, pd.CategoricalDtype):
        levels = [str(c) for c in series.cat.categories]
    else:
        levels = sorted({str(v) for v in series.dropna()})
    if reference is not None and reference in levels:
        levels.remove(reference)
        levels.insert(0, reference)
    return levels


def build_design(
    frame: pd.DataFrame,
    outcome: str,
    terms: Sequence[str],
    references: Mapping[str, str] | None = None,
    weights: str | None = None,
    extra: Sequence[str] = (),
    intercept: bool = True,
) -> Design:
    """The design of `outcome ~ terms` on the complete cases of `frame`; `Refused` when a weight is not > 0.

    The first term is the exposure (e.g. the cohort): if it is left with one value the model is refused, as it
    would compare nothing. `extra` columns (time, cluster) must be complete too.
    """
    references = dict(references or {})
    needed = [outcome, *terms, *extra, *([weights] if weights else [])]
    data = frame[list(dict.fromkeys(needed))]
    numeric = data.select_dtypes(include="number")
    finite = ~numeric.isin([np.inf, -np.inf]).any(axis=1) if not numeric.empty else True
    complete = data.notna().all(axis=1) & finite
    notes: list[Note] = []
    if weights:
        w_all = pd.to_numeric(data[weights], errors="coerce")
        bad = int(((w_all <= 0) | w_all.isna()).sum())
        if bad:
            raise Refused(Note(N.NONPOSITIVE_WEIGHT, {"rows": bad, "column": weights}))
    dropped = int((~complete).sum())
    if dropped:
        notes.append(Note(N.MISSING_ROWS, {"rows": dropped}))
    data = data[complete]
    columns: list[Column] = []
    blocks: list[np.ndarray] = [np.ones(len(data))] if intercept else []
    if intercept:
        columns.append(Column("(Intercept)", None))
    kept: list[Term] = []
    for position, name in enumerate(terms):
        series = data[name]
        if is_categorical(series):
            values = series.astype(str)
            present = set(values)
            declared = _levels(series, references.get(name))
            empty = [level for level in declared if level not in present]
            for level in empty:
                notes.append(Note(N.EMPTY_LEVEL, {"term": name, "level": level}))
            levels = [level for level in declared if level in present]
            if len(levels) < 2:
                if position == 0:
                    raise Refused(Note(N.EXPOSURE_CONSTANT, {"term": name}), tuple(notes))
                notes.append(Note(N.CONSTANT_COVARIATE, {"term": name}))
                continue
            for level in levels[1:]:
                blocks.append((values == level).to_numpy(dtype=float))
                columns.append(Column(name, level))
            kept.append(Term(name, True, tuple(levels), levels[0]))
        else:
            numbers = series.astype(float).to_numpy()
            if numbers.size == 0 or np.all(numbers == numbers[0]):
                if position == 0:
                    raise Refused(Note(N.EXPOSURE_CONSTANT, {"term": name}), tuple(notes))
                notes.append(Note(N.CONSTANT_COVARIATE, {"term": name}))
                continue
            blocks.append(numbers)
            columns.append(Column(name, None))
            kept.append(Term(name, False))
    x = np.column_stack(blocks) if blocks else np.empty((len(data), 0))
    if len(data) <= x.shape[1]:
        raise Refused(Note(N.TOO_FEW_ROWS, {"rows": len(data), "coefficients": x.shape[1]}), tuple(notes))
    y = data[outcome].astype(float).to_numpy()
    w = data[weights].astype(float).to_numpy() if weights else None
    return Design(x, y, tuple(columns), tuple(kept), data.index, w, tuple(notes))
