"""What a management rule reads (`Evidence`) and what it returns (`Verdicts`), and findings made from masks.

Every rule of the management registry has the same `evaluate(evidence) -> Verdicts`: it reads whole tables
(episodes with their first doses, tocilizumab doses with their spacing, corticosteroid courses) computed
once by the audit, selects the rows it has something to say about with boolean masks, and turns only those
rows into findings. The rule's id and source are stamped on its findings and rows by the registry
(`iectox.management.registry`), so that no function restates them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import repeat
from types import MappingProxyType
from typing import Any

import pandas as pd

from iectox.management.findings import Delays, Finding, place
from iectox.management.pathway import Pathway

EPISODE = ("infusion_id", "episode_id")
DOSE = ("infusion_id", "episode_id", "administration_id")
INFUSION = ("infusion_id",)
PLACES = ("infusion_id", "episode_id", "administration_id")  # where a finding is, in `Finding`'s field order


@dataclass(frozen=True)
class Evidence:
    """The tables every rule reads, computed once per audit."""

    pathway: Pathway
    episodes: pd.DataFrame  # one row per CRS/ICANS episode with first doses (delays.episode_timings)
    doses: (
        pd.DataFrame
    )  # one row per tocilizumab dose with weight, spacing, counts (tocilizumab.tocilizumab_doses)
    courses: pd.DataFrame  # one row per corticosteroid course (corticosteroids.corticosteroid_courses)
    observations: pd.DataFrame | None = None  # graded bedside observations (iectox.grading), when any
    anticytokines: pd.DataFrame | None = (
        None  # anakinra and siltuximab doses (anticytokines.anticytokine_doses)
    )
    bsab: pd.DataFrame = field(default_factory=pd.DataFrame)  # one row per BsAb dose (bsab_doses.bsab_doses)


@dataclass(frozen=True)
class Verdicts:
    """A rule's findings and, for a rule the KPIs follow, one adherence row per eligible episode."""

    findings: list[Finding] = field(default_factory=list)
    rows: pd.DataFrame | None = None


def _pick(value: Any, mask: pd.Series, n: int) -> list[Any]:
    """The value of each chosen row: a Series (or `Delays`) row by row, anything else the same for all."""
    if isinstance(value, pd.Series):
        return value[mask].tolist()
    if isinstance(value, Delays):
        return value.pick(mask)
    return [value] * n


def _places(ids: pd.Series) -> list[str | None]:
    """Ids as a finding keeps them (`findings.place`); a text column needs no conversion but its blanks."""
    if isinstance(ids.dtype, pd.StringDtype):
        return ids.astype(object).where(ids.notna(), None).tolist()
    return [place(v) for v in ids.tolist()]


def emit(
    frame: pd.DataFrame, mask: pd.Series, severity: str, text: str, at: Sequence[str] = EPISODE, **values: Any
) -> list[Finding]:
    """One finding per row of `frame` where `mask` holds, located by the `at` columns, in the frame's order.

    A value given as a Series (aligned on `frame`) or `Delays` is taken row by row; any other value is the
    same for all. Only the chosen rows are read, so a rule pays for its findings, not for the rows it judged.
    """
    if not set(at) <= set(PLACES):
        raise ValueError(f"a finding is located by {', '.join(PLACES)}, not {', '.join(at)}")
    mask = pd.Series(mask, index=frame.index).fillna(False).astype(bool)
    n = int(mask.sum())
    if not n:
        return []
    columns = {name: _pick(value, mask, n) for name, value in values.items()}
    names = tuple(columns)
    rows = zip(*columns.values(), strict=True) if columns else repeat((), n)
    places = [_places(frame[name][mask]) if name in at else repeat(None, n) for name in PLACES]
    return [
        Finding(severity, "", text, MappingProxyType(dict(zip(names, row, strict=True))), *where)
        for row, *where in zip(rows, *places, strict=True)
    ]


__all__ = ["DOSE", "EPISODE", "INFUSION", "Evidence", "Verdicts", "emit"]
