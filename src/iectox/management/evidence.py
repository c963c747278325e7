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
from types import MappingProxyType
from typing import Any

import pandas as pd

from iectox.management.findings import Finding
from iectox.management.pathway import Pathway

EPISODE = ("infusion_id", "episode_id")
DOSE = ("infusion_id", "episode_id", "administration_id")
INFUSION = ("infusion_id",)


@dataclass(frozen=True)
class Evidence:
    """The tables every rule reads, computed once per audit."""

    pathway: Pathway
    episodes: pd.DataFrame  # one row per CRS/ICANS episode with first doses (delays.episode_timings)
    doses: (
        pd.DataFrame
    )  # one row per tocilizumab dose with weight, spacing, counts (tocilizumab.tocilizumab_doses)
    courses: pd.DataFrame  # one row per corticosteroid course (corticosteroids.corticosteroid_courses)


@dataclass(frozen=True)
class Verdicts:
    """A rule's findings and, for a rule the KPIs follow, one adherence row per eligible episode."""

    findings: list[Finding] = field(default_factory=list)
    rows: pd.DataFrame | None = None


def emit(
    frame: pd.DataFrame, mask: pd.Series, severity: str, text: str, at: Sequence[str] = EPISODE, **values: Any
) -> list[Finding]:
    """One finding per row of `frame` where `mask` holds, located by the `at` columns, in the frame's order.

    A value given as a Series (aligned on `frame`) is taken row by row; any other value is the same for all.
    """
    mask = pd.Series(mask, index=frame.index).fillna(False).astype(bool)
    chosen = frame[mask]
    if chosen.empty:
        return []
    columns = {
        name: (value[mask].tolist() if isinstance(value, pd.Series) else [value] * len(chosen))
        for name, value in values.items()
    }
    places = [chosen[c].tolist() for c in at]
    return [
        Finding(severity, "", text, MappingProxyType(dict(zip(columns, row, strict=True)))).at(
            **dict(zip(at, where, strict=True))
        )
        for row, where in zip(
            zip(*columns.values(), strict=True) if columns else [()] * len(chosen),
            zip(*places, strict=True),
            strict=True,
        )
    ]


__all__ = ["DOSE", "EPISODE", "INFUSION", "Evidence", "Verdicts", "emit"]
