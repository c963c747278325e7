"""A study's adverse-event table: its `[adverse_events]` section, and the table run on the study's infusions.

    [adverse_events]
    title = "Toxicities by maximum grade"      # optional
    per = "infusion"                           # or "patient": the worst grade over the patient's infusions
    toxicities = ["CRS", "ICANS", "IEC-HS", "ICAHT"]    # optional, these by default

No section, no table. Every key is checked when the file is read: an unknown key, a wrong type, a `per` or a
toxicity that does not exist is a `SpecError` naming the file, the key, the value and what is allowed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from iectox.dataset import Dataset
from iectox.i18n import N_
from iectox.stats.adverse_events import PER, STATUS, TOXICITIES, AdverseEventTable, Per, adverse_event_table
from iectox.stats.adverse_events_computed import COMPUTED
from iectox.study.reading import choice, non_empty, table, typed

KEYS: dict[str, type] = {"title": str, "per": str, "toxicities": list}
TITLE = N_("Adverse events: CRS, ICANS, IEC-HS and ICAHT by maximum grade")


@dataclass(frozen=True)
class AdverseEventSpec:
    title: str = TITLE
    per: Per = "infusion"
    toxicities: tuple[str, ...] = TOXICITIES


def read_adverse_events(path: Path, doc: dict[str, Any]) -> AdverseEventSpec | None:
    """The `[adverse_events]` section of a study file, checked; None when the file has none."""
    if "adverse_events" not in doc:
        return None
    section = table(path, "[adverse_events]", doc["adverse_events"], KEYS)
    for key, expected in KEYS.items():
        if key in section:
            typed(path, f"[adverse_events] {key}", section[key], expected)
    per = choice(path, "[adverse_events] per", section.get("per", "infusion"), PER)
    listed = non_empty(
        path, "[adverse_events] toxicities", section.get("toxicities", list(TOXICITIES)), "toxicity"
    )
    toxicities = tuple(choice(path, "[adverse_events] toxicities", t, TOXICITIES) for t in listed)
    return AdverseEventSpec(section.get("title", TITLE), per, tuple(dict.fromkeys(toxicities)))


def study_adverse_events(
    spec: AdverseEventSpec,
    dataset: Dataset,
    frame: pd.DataFrame,
    by: str,
    order: tuple[str, ...] | None,
    scale: str,
) -> AdverseEventTable:
    """The table on the study's infusions (`frame`, the analysis table of its period), by its cohorts, with
    the presence the dataset states (crs_status, icans_status), its toxicity episodes, and the grades the
    analysis table computes from the labs (ICAHT, IEC-HS)."""
    stated = dataset["infusions"].set_index("infusion_id")
    grades = list(
        dict.fromkeys(c for g in COMPUTED for c in (g.column, g.assessed) if c in frame and c != by)
    )
    infusions = frame[["infusion_id", "patient_id", by, *grades]].copy()
    for column in STATUS.values():
        infusions[column] = infusions["infusion_id"].map(stated[column]).array
    return adverse_event_table(
        dataset["toxicity_episodes"],
        infusions,
        by,
        [str(o) for o in order] if order is not None else None,
        spec.per,
        spec.toxicities,
        scale,
    )
