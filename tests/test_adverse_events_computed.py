"""The adverse-event table's blocks of grades computed from the labs (early and late ICAHT, IEC-HS): every cell
hand-counted on seven infusions, per infusion and per patient, never pooled with the recorded IEC-HS grades."""

from __future__ import annotations

import numpy as np
import pandas as pd
from tests.test_stats_adverse_events import ORDER, _counts, _frames

from iectox.render.adverse_events import adverse_event_layout
from iectox.render.format import Formatter
from iectox.stats.adverse_events import adverse_event_table

# INF-001 P-001 SOC: early 2, late 0, IEC-HS criteria met, grade 1     INF-002 P-002 CT: early 0, late blank (no ANC)
# INF-003 P-003 SOC: early 4, late 3, IEC-HS not met                  INF-004 P-001 CT: early 1, late 1, IEC-HS 2
# INF-005 P-004 CT: early 3, late 0, IEC-HS no ferritin (blank)       INF-006 P-004 CT: early blank, late 2, not met
# INF-007 P-005: no setting (left out)
GRADES = {
    "icaht_early": [2, 0, 4, 1, 3, None, 4],
    "icaht_late": [0, None, 3, 1, 0, 2, 4],
    "iechs_lab_criteria": [True, False, False, True, None, False, True],
    "iechs_grade": [1, None, None, 2, None, None, 5],
}


def _table(per: str = "infusion", toxicities=("CRS", "ICANS", "IEC-HS", "ICAHT")):
    episodes, infusions = _frames()
    infusions = infusions.assign(
        **{
            k: pd.array(v, dtype="Float64" if k != "iechs_lab_criteria" else "boolean")
            for k, v in GRADES.items()
        }
    )
    return adverse_event_table(episodes, infusions, "setting", ORDER, per, toxicities)


def test_each_computed_grade_is_a_block_of_its_own_counted_by_hand():
    table = _table()
    assert table.blocks[-3:] == (
        ("ICAHT-early", "EHA-EBMT2023"),
        ("ICAHT-late", "EHA-EBMT2023"),
        ("IEC-HS", "Hines2023-computed"),
    )
    # columns: routine care (INF-001, INF-003), trials (INF-002, INF-004, INF-005, INF-006), overall
    early = _counts(table, "ICAHT-early", "EHA-EBMT2023")
    assert early["any"] == [2, 2, 4]
    assert early["grade 1"] == [0, 1, 1] and early["grade 2"] == [1, 0, 1]
    assert early["grade 3"] == [0, 1, 1] and early["grade 4"] == [1, 0, 1]
    assert early["high"] == [1, 1, 2] and early["not_assessed"] == [0, 1, 1]  # INF-006: no ANC
    late = _counts(table, "ICAHT-late", "EHA-EBMT2023")
    assert late["any"] == [1, 2, 3] and late["not_assessed"] == [0, 1, 1]  # INF-002
    assert late["grade 3"] == [1, 0, 1] and late["grade 4"] == [0, 0, 0]  # INF-007's grade 4 has no cohort
    iechs = _counts(table, "IEC-HS", "Hines2023-computed")
    assert iechs["any"] == [1, 1, 2] and iechs["grade 1"] == [1, 0, 1] and iechs["grade 2"] == [0, 1, 1]
    assert iechs["not_assessed"] == [0, 1, 1]  # INF-005: no ferritin after infusion
    assert "unknown" not in iechs  # a computed grade is never unknown
    # the IEC-HS episode recorded on INF-004 (ungraded) stays in its own block, never pooled with the computed
    recorded = _counts(table, "IEC-HS", "ASTCT2023")
    assert recorded["unknown"] == [0, 1, 1] and recorded["any"] == [0, 1, 1]
    assert "computed" in {note.id for note in table.notes}


def test_per_patient_the_worst_of_the_patients_infusions():
    table = _table("patient")
    early = _counts(table, "ICAHT-early", "EHA-EBMT2023")
    # trials: P-001 (INF-004: 1), P-002 (0), P-004 (INF-005 grade 3 over INF-006 not assessed)
    assert early["grade 1"][1] == 1 and early["grade 3"][1] == 1 and early["not_assessed"] == [0, 0, 0]
    # overall: P-001 worst of 2 and 1 = 2, P-002 none, P-003 4, P-004 3
    assert early["grade 2"][2] == 1 and early["grade 4"][2] == 1 and table.sizes == (2, 3, 4)


def test_without_icaht_asked_or_without_the_columns_no_computed_block():
    assert ("ICAHT-early", "EHA-EBMT2023") not in _table(toxicities=("CRS", "IEC-HS")).blocks
    episodes, infusions = _frames()
    plain = adverse_event_table(episodes, infusions, "setting", ORDER)
    assert all(scale not in ("EHA-EBMT2023", "Hines2023-computed") for _, scale in plain.blocks)


def test_the_blocks_are_worded_in_both_languages():
    table = _table()
    english = adverse_event_layout(table, Formatter("en"))
    labels = [line.cells[0].text for line in english.lines if line.row_type == "variable"]
    assert labels[-3:] == [
        "Early ICAHT, EHA/EBMT 2023, computed from the ANC",
        "Late ICAHT, EHA/EBMT 2023, computed from the ANC",
        "IEC-HS, ASTCT 2023 (Hines), computed from the labs and treatments",
    ]
    french = adverse_event_layout(table, Formatter("fr"))
    labels = [line.cells[0].text for line in french.lines if line.row_type == "variable"]
    assert labels[-3] == "ICAHT précoce, EHA/EBMT 2023, calculé à partir des PNN"
    assert any(note.startswith("ICAHT précoce, ICAHT tardive, IEC-HS") for note in french.footnotes)
    assert np.isclose(table.row("ICAHT-early/EHA-EBMT2023/high").cells[2].values[1], 100 * 2 / 6)
