"""The adverse-event table (as R gtreg's `tbl_ae`): CRS, ICANS and IEC-HS by maximum grade, per cohort, as numbers.

    table = adverse_event_table(dataset["toxicity_episodes"], infusions, "cohort", per="infusion")
    table.block("CRS", "ASTCT2019")     # the CRS rows graded on ASTCT 2019: any grade, unknown, 1..5, >= 3
    table.records()                     # numbers and ids, for report.json

Counting follows gtreg's `tbl_ae` (its "Adverse Event Counting Methods" article): each unit (an infusion, or a
patient: a setting) counts once per toxicity, at the highest grade of its episodes; a missing grade is the
lowest level, so a unit with a grade 2 episode and an ungraded one counts at grade 2, and one whose episodes are
all ungraded counts as "unknown grade"; the denominator is every unit of the cohort, with or without an event
(gtreg's `id_df`). "Any grade" is gtreg's `add_overall(across = "by")`, "grade >= 3" its `tbl_ae_focus`.

What gtreg leaves to its user is decided here, and each unit is counted in exactly one row of a block besides
"any grade" and "grade >= 3" (none, not assessed, graded on another scale only, unknown grade, grade 1..top):
- grades on different scales are never pooled: one block per toxicity and scale, each over every unit; a unit
  graded only on another scale is counted as such, never as "no event";
- a toxicity stated present (`crs_status` yes) without an episode is "unknown grade" on every scale;
- a toxicity stated unknown without an episode is "not assessed" (counted, never dropped);
- a recorded grade 0 is no event, as in the analysis table's `crs_grade`;
- per patient, the worst over the patient's infusions (a grade > unknown grade > another scale only > not
  assessed > none); a patient with infusions in two cohorts counts in each, and once overall.
Nothing here is text for a reader: `iectox.render.adverse_events` words it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

import numpy as np
import pandas as pd

from iectox.schema.vocabularies import GRADING_SCALE, SYNDROME
from iectox.stats import adverse_events_computed as computed
from iectox.stats.table import Cell

SYNDROMES = SYNDROME.codes  # CRS, ICANS, IEC-HS: the toxicities of the episodes
TOXICITIES = (*SYNDROMES, "ICAHT")  # and ICAHT, computed from the labs only
STATUS = MappingProxyType({"CRS": "crs_status", "ICANS": "icans_status"})  # where presence is stated
PER = ("infusion", "patient")
HIGH = 3  # the "grade >= 3" row
Per = Literal["infusion", "patient"]
RowType = Literal["toxicity", "any", "unknown", "grade", "high", "other_scale", "not_assessed"]
NoteId = Literal[
    "denominator",
    "scales",
    "mixed_scales",
    "not_recorded",
    "computed_only",
    "computed",
    "several_cohorts",
    "excluded",
]

# A unit's state on one scale, as a rank: the worst of a patient's infusions is the highest rank.
NONE, NOT_ASSESSED, OTHER_SCALE, UNKNOWN = 0, 1, 2, 3  # grade g is UNKNOWN + g


@dataclass(frozen=True)
class Row:
    """A line of the table: `id` is stable ("CRS/ASTCT2019/grade/3"); `cells` hold n and % per cohort, then
    overall (none on the toxicity's own line)."""

    id: str
    row_type: RowType
    syndrome: str
    scale: str
    grade: int | None
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Note:
    """A footnote as data: its id and the facts it states (`values`: names and numbers)."""

    id: NoteId
    values: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True)
class AdverseEventTable:
    """The table's numbers: groups with their denominators (then overall), rows by block, footnotes."""

    by: str
    per: Per
    groups: tuple[str, ...]
    sizes: tuple[int, ...]  # units per group, then overall
    rows: tuple[Row, ...]
    notes: tuple[Note, ...]

    @property
    def blocks(self) -> tuple[tuple[str, str], ...]:
        """(syndrome, scale) of each block, in order."""
        return tuple((r.syndrome, r.scale) for r in self.rows if r.row_type == "toxicity")

    def block(self, syndrome: str, scale: str) -> tuple[Row, ...]:
        return tuple(r for r in self.rows if r.syndrome == syndrome and r.scale == scale)

    def row(self, row_id: str) -> Row:
        for r in self.rows:
            if r.id == row_id:
                return r
        raise KeyError(f"no row {row_id!r} in the adverse-event table")

    def records(self) -> dict[str, object]:
        """The table for report.json: numbers and ids, no text."""
        return {
            "by": self.by,
            "per": self.per,
            "groups": list(self.groups),
            "sizes": list(self.sizes),
            "rows": [
                {
                    "id": r.id,
                    "row_type": r.row_type,
                    "syndrome": r.syndrome,
                    "scale": r.scale,
                    "grade": r.grade,
                    "cells": [{"n": int(c.values[0]), "percent": _number(c.values[1])} for c in r.cells],
                }
                for r in self.rows
            ],
            "notes": [{"id": note.id, **note.values} for note in self.notes],
        }

    def gtreg_layout(self) -> pd.DataFrame:
        """The counts laid out as gtreg's `tbl_ae(..., by = grade, strata = by) |> add_overall(across = "by")`:
        one row per toxicity (and scale), per cohort the columns "Unknown" (missing_location "first"), each
        grade, then "Overall" (any grade)."""
        shown = ("unknown", "grade", "any")  # gtreg's order: Unknown first, the grades, Overall last
        names = {"unknown": "Unknown", "any": "Overall"}
        records = {}
        for syndrome, scale in self.blocks:
            rows = [r for kind in shown for r in self.block(syndrome, scale) if r.row_type == kind]
            records[f"{syndrome} ({scale})"] = {
                (group, names.get(r.row_type, f"Grade {r.grade}")): int(r.cells[j].values[0])
                for j, group in enumerate(self.groups)
                for r in rows
            }
        return pd.DataFrame.from_dict(records, orient="index")


def _number(value: float) -> float | None:
    return None if value != value else float(value)


def top_grade(scale: str) -> int:
    """The highest grade a scale defines (CARTOX: 4; the others: 5)."""
    return int(GRADING_SCALE.term(scale).attrs["max_grade"])


def default_scale(syndrome: str, preferred: str) -> str:
    """The scale a block without any graded episode is shown on: the study's, if it grades the syndrome."""
    grading = [t.code for t in GRADING_SCALE.terms if syndrome in t.attrs["syndromes"]]
    return preferred if preferred in grading else grading[0]


def _ranks(syndrome: str, scale: str, episodes: pd.DataFrame, units: pd.DataFrame) -> np.ndarray:
    """Each infusion's state on `scale` (see NONE...UNKNOWN + grade), in the order of `units`."""
    ids = units["infusion_id"]
    ranks = np.full(len(units), NONE, dtype=np.int64)
    column = STATUS.get(syndrome)
    status = units[column] if column in units else pd.Series(pd.NA, index=units.index, dtype="string")
    has_episode = ids.isin(episodes["infusion_id"]).to_numpy()
    ranks[status.eq("unknown").fillna(False).to_numpy(dtype=bool) & ~has_episode] = NOT_ASSESSED
    on_scale = episodes[episodes["grading_scale"] == scale]
    ranks[has_episode & ~ids.isin(on_scale["infusion_id"]).to_numpy()] = OTHER_SCALE
    stated = status.eq("yes").fillna(False).to_numpy(dtype=bool) & ~has_episode
    ranks[stated] = UNKNOWN
    graded = pd.to_numeric(on_scale["max_grade"], errors="coerce").groupby(on_scale["infusion_id"]).max()
    highest = ids.map(graded)
    known = highest.notna().to_numpy()
    ranks[ids.isin(on_scale["infusion_id"]).to_numpy() & ~known] = UNKNOWN
    grade = highest.fillna(0).to_numpy(dtype=np.int64)
    ranks[known] = np.where(grade > 0, UNKNOWN + grade, NONE)[known]
    return ranks


def _cells(ranks: Sequence[np.ndarray], sizes: Sequence[int], chosen) -> tuple[Cell, ...]:
    cells = []
    for r, size in zip(ranks, sizes, strict=True):
        n = int(chosen(r).sum())
        cells.append(Cell("n_pct", (float(n), 100.0 * n / size if size else float("nan"))))
    return tuple(cells)


def _computed_ranks(grade: computed.ComputedGrade, units: pd.DataFrame) -> np.ndarray:
    """Each unit's state in a block computed from the labs, in the order of `units`, on the ranks of the
    recorded blocks: not assessed where `grade.assessed` is blank, else none or its grade (never unknown)."""
    values = pd.to_numeric(units[grade.column], errors="coerce").to_numpy(dtype=float)
    assessed = units[grade.assessed].notna().to_numpy()
    ranks = np.full(len(units), NOT_ASSESSED, dtype=np.int64)
    ranks[assessed] = NONE
    graded = assessed & np.isfinite(values) & (values > 0)
    ranks[graded] = UNKNOWN + values[graded].astype(np.int64)
    return ranks


def _block(
    syndrome: str,
    scale: str,
    ranks: Sequence[np.ndarray],
    sizes: Sequence[int],
    several: bool,
    stated: bool,
    top: int | None = None,
) -> list[Row]:
    """A block's rows: the toxicity's line, any grade, unknown grade (not in a block computed from the labs,
    `top` given: a computed grade is never unknown), each grade up to the scale's top, grade >= 3, then the
    units graded on another scale only (when the toxicity has several) and those not assessed (when the data
    state the toxicity's presence: crs_status, icans_status; always in a computed block)."""
    key = f"{syndrome}/{scale}"
    rows = [
        Row(key, "toxicity", syndrome, scale, None, ()),
        Row(f"{key}/any", "any", syndrome, scale, None, _cells(ranks, sizes, lambda r: r >= UNKNOWN)),
    ]
    if top is None:
        cells = _cells(ranks, sizes, lambda r: r == UNKNOWN)
        rows.append(Row(f"{key}/unknown", "unknown", syndrome, scale, None, cells))
    for g in range(1, (top_grade(scale) if top is None else top) + 1):
        cells = _cells(ranks, sizes, lambda r, g=g: r == UNKNOWN + g)
        rows.append(Row(f"{key}/grade/{g}", "grade", syndrome, scale, g, cells))
    cells = _cells(ranks, sizes, lambda r: r >= UNKNOWN + HIGH)
    rows.append(Row(f"{key}/high", "high", syndrome, scale, HIGH, cells))
    if several:
        cells = _cells(ranks, sizes, lambda r: r == OTHER_SCALE)
        rows.append(Row(f"{key}/other_scale", "other_scale", syndrome, scale, None, cells))
    if stated:
        cells = _cells(ranks, sizes, lambda r: r == NOT_ASSESSED)
        rows.append(Row(f"{key}/not_assessed", "not_assessed", syndrome, scale, None, cells))
    return rows


def _split(
    ranks: np.ndarray, units: pd.DataFrame, groups: Sequence[str], per: Per
) -> tuple[list[np.ndarray], list[int]]:
    """The ranks of each group's units, then overall's: infusions as they are, or each patient's worst."""
    cohort = units["_group"].to_numpy()
    if per == "infusion":
        parts = [ranks[cohort == g] for g in groups] + [ranks]
    else:
        frame = pd.DataFrame({"patient": units["patient_id"].to_numpy(), "group": cohort, "rank": ranks})
        parts = [frame[frame["group"] == g].groupby("patient")["rank"].max().to_numpy() for g in groups]
        parts.append(frame.groupby("patient", sort=False)["rank"].max().to_numpy())
    return parts, [len(p) for p in parts]


def adverse_event_table(
    episodes: pd.DataFrame,
    infusions: pd.DataFrame,
    by: str,
    order: Sequence[str] | None = None,
    per: Per = "infusion",
    syndromes: Sequence[str] = TOXICITIES,
    scale: str = "ASTCT2019",
) -> AdverseEventTable:
    """The table of `syndromes` by maximum grade per unit (`per`: "infusion" or "patient"), per group of `by`.

    `episodes`: the dataset's toxicity_episodes (infusion_id, syndrome, max_grade, grading_scale);
    `infusions`: one row per infusion with infusion_id, patient_id, `by`, and crs_status / icans_status where
    the dataset states them. Infusions in no group of `order` are left out (and counted in a note). `scale`
    is the study's scale, on which a toxicity stated but never graded is shown. A syndrome with neither an
    episode nor a status column (IEC-HS in most datasets) is not shown, and a note says so. Where `infusions`
    carries the analysis table's computed grades (`icaht_early`, `icaht_late`, `iechs_grade` with
    `iechs_lab_criteria`), ICAHT and IEC-HS also get their computed blocks (`adverse_events_computed`).
    """
    if per not in PER:
        raise ValueError(f"per must be one of {', '.join(PER)}, not {per!r}")
    unknown = [s for s in syndromes if s not in TOXICITIES]
    if unknown:
        raise ValueError(f"unknown toxicity {unknown[0]!r}; use {', '.join(TOXICITIES)}")
    labels = infusions[by].astype("string")
    groups = tuple(order) if order is not None else tuple(sorted(labels.dropna().unique()))
    kept = labels.isin(groups).fillna(False).to_numpy(dtype=bool)
    units = infusions[kept].assign(_group=labels[kept]).reset_index(drop=True)
    notes = [Note("denominator", MappingProxyType({"per": per})), Note("scales")]
    rows: list[Row] = []
    sizes: list[int] = [0] * (len(groups) + 1)
    shown = computed.computed_for(syndromes, list(units.columns))
    for syndrome in (s for s in syndromes if s in SYNDROMES):
        mine = episodes[
            (episodes["syndrome"] == syndrome) & episodes["infusion_id"].isin(units["infusion_id"])
        ]
        recorded = set(mine["grading_scale"].dropna())
        scales = [s for s in GRADING_SCALE.codes if s in recorded]
        if not scales:
            if STATUS.get(syndrome) not in units and mine.empty:
                only = any(g.toxicity == syndrome for g in shown)  # its computed grades are shown
                notes.append(
                    Note(
                        "computed_only" if only else "not_recorded", MappingProxyType({"syndrome": syndrome})
                    )
                )
                continue
            scales = [default_scale(syndrome, scale)]
        if len(scales) > 1:
            notes.append(
                Note("mixed_scales", MappingProxyType({"syndrome": syndrome, "scales": tuple(scales)}))
            )
        for s in scales:
            parts, sizes = _split(_ranks(syndrome, s, mine, units), units, groups, per)
            rows += _block(syndrome, s, parts, sizes, len(scales) > 1, STATUS.get(syndrome) in units)
    for grade in shown:
        parts, sizes = _split(_computed_ranks(grade, units), units, groups, per)
        rows += _block(grade.toxicity, grade.scale, parts, sizes, False, True, grade.top)
    if shown:
        notes.append(Note("computed", MappingProxyType({"toxicities": tuple(g.toxicity for g in shown)})))
    if per == "patient":
        cohorts = units.groupby("patient_id")["_group"].nunique()
        if (cohorts > 1).any():
            notes.append(Note("several_cohorts", MappingProxyType({"count": int((cohorts > 1).sum())})))
    if (~kept).any():
        notes.append(Note("excluded", MappingProxyType({"count": int((~kept).sum()), "by": by})))
    if not rows:
        sizes = _split(np.zeros(len(units), dtype=np.int64), units, groups, per)[1]
    return AdverseEventTable(by, per, groups, tuple(sizes), tuple(rows), tuple(notes))
