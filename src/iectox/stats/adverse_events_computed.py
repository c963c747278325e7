"""The adverse-event table's blocks of grades computed from the labs: early and late ICAHT (EHA/EBMT consensus,
Rejeski et al., Blood 2023) and IEC-HS as far as the labs, the treatments and the episodes show it (Hines et
al., Transplant Cell Ther 2023), read from the analysis table (`icaht_early`, `icaht_late`, `iechs_grade`,
`iechs_lab_criteria`; `iectox.analysis.haematotoxicity`).

Each is a block of its own, on its own scale, never pooled with the grades recorded in the toxicity episodes:
an IEC-HS episode graded by the clinician is counted in the ASTCT 2023 block of the recorded episodes, and again
(as computed) in this one. A unit counts once per block, as in the recorded blocks: at its grade, as "none"
(grade 0, or IEC-HS criteria not met), or as "not assessed" (no ANC for ICAHT, no ferritin after infusion for
IEC-HS). There is no "unknown grade": a computed grade is never missing where its inputs are present.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class ComputedGrade:
    """One computed grade: its block's toxicity and scale ids, the analysis column holding the grade, the
    column whose blank means "not assessed", and the scale's top grade."""

    toxicity: str  # the id of the block's toxicity: "ICAHT-early", "ICAHT-late", "IEC-HS"
    scale: str  # the id of its scale, apart from the recorded ones: "EHA-EBMT2023", "Hines2023-computed"
    column: str
    assessed: str
    top: int


COMPUTED = (
    ComputedGrade("ICAHT-early", "EHA-EBMT2023", "icaht_early", "icaht_early", 4),
    ComputedGrade("ICAHT-late", "EHA-EBMT2023", "icaht_late", "icaht_late", 4),
    ComputedGrade("IEC-HS", "Hines2023-computed", "iechs_grade", "iechs_lab_criteria", 5),
)
TOXICITIES = {"ICAHT": ("ICAHT-early", "ICAHT-late"), "IEC-HS": ("IEC-HS",)}  # a study's toxicity -> blocks


def computed_for(toxicities: Sequence[str], columns: Sequence[str]) -> tuple[ComputedGrade, ...]:
    """The computed blocks of the toxicities asked for whose columns the units carry."""
    wanted = {block for t in toxicities for block in TOXICITIES.get(t, ())}
    return tuple(
        c for c in COMPUTED if c.toxicity in wanted and c.column in columns and c.assessed in columns
    )
