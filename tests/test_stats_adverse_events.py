"""The adverse-event table (as gtreg's tbl_ae): every cell hand-counted on the factory dataset, scales kept apart,
per infusion and per patient, missing grades counted; and gtreg's documented counting and layout followed."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from tests.factories import small_dataset

from iectox.stats.adverse_events import adverse_event_table

ORDER = ["standard_of_care", "clinical_trial"]


def _frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The factory's three infusions, and four more (hand-made below), as the table reads them.

    INF-001 P-001 SOC: CRS ASTCT 2 (factory), ICANS ASTCT 1       INF-002 P-002 CT: crs_status no
    INF-003 P-003 SOC: CRS Lee2014 3 (factory), icans_status unknown
    INF-004 P-001 CT: CRS ASTCT 4 and an ungraded ASTCT episode; IEC-HS (ASTCT2023) ungraded
    INF-005 P-004 CT: crs_status yes, no CRS episode; ICANS ASTCT ungraded
    INF-006 P-004 CT: CRS ASTCT 1 and Lee2014 2                   INF-007 P-005: no setting (left out)
    """
    dataset = small_dataset()
    infusions = dataset["infusions"][["infusion_id", "patient_id", "setting", "crs_status", "icans_status"]]
    more = pd.DataFrame(
        {
            "infusion_id": ["INF-004", "INF-005", "INF-006", "INF-007"],
            "patient_id": ["P-001", "P-004", "P-004", "P-005"],
            "setting": ["clinical_trial", "clinical_trial", "clinical_trial", None],
            "crs_status": [None, "yes", None, None],
            "icans_status": [None, None, None, None],
        }
    )
    infusions = pd.concat([infusions, more.astype(infusions.dtypes.to_dict())], ignore_index=True)
    episodes = dataset["toxicity_episodes"][["infusion_id", "syndrome", "max_grade", "grading_scale"]]
    extra = pd.DataFrame(
        {
            "infusion_id": ["INF-004", "INF-004", "INF-004", "INF-005", "INF-006", "INF-006", "INF-007"],
            "syndrome": ["CRS", "CRS", "IEC-HS", "ICANS", "CRS", "CRS", "CRS"],
            "max_grade": [4, None, None, None, 1, 2, 5],
            "grading_scale": [
                "ASTCT2019",
                "ASTCT2019",
                "ASTCT2023",
                "ASTCT2019",
                "ASTCT2019",
                "Lee2014",
                "ASTCT2019",
            ],
        }
    )
    return pd.concat([episodes, extra.astype(episodes.dtypes.to_dict())], ignore_index=True), infusions


def _counts(table, syndrome: str, scale: str) -> dict[str, list[int]]:
    """Each row of a block as its counts per cohort, then overall; percentages checked against them."""
    out = {}
    for row in table.block(syndrome, scale)[1:]:
        key = row.row_type if row.grade is None or row.row_type == "high" else f"grade {row.grade}"
        counts = [int(c.values[0]) for c in row.cells]
        shares = [c.values[1] for c in row.cells]
        assert shares == pytest.approx([100 * n / size for n, size in zip(counts, table.sizes, strict=True)])
        out[key] = counts
    return out


@pytest.fixture(scope="module")
def per_infusion():
    episodes, infusions = _frames()
    return adverse_event_table(episodes, infusions, "setting", ORDER, per="infusion")


@pytest.fixture(scope="module")
def per_patient():
    episodes, infusions = _frames()
    return adverse_event_table(episodes, infusions, "setting", ORDER, per="patient")


def test_blocks_one_per_toxicity_and_scale_in_order(per_infusion):
    assert per_infusion.blocks == (
        ("CRS", "ASTCT2019"),
        ("CRS", "Lee2014"),
        ("ICANS", "ASTCT2019"),
        ("IEC-HS", "ASTCT2023"),
    )
    assert per_infusion.sizes == (
        2,
        4,
        6,
    )  # INF-001, 003 | INF-002, 004, 005, 006 | all six; INF-007 left out


def test_crs_astct_per_infusion_every_cell(per_infusion):
    # SOC: 001 grade 2, 003 Lee only. CT: 002 none, 004 grade 4 (the ungraded episode beside it is the lowest
    # level, as in gtreg), 005 stated yes without episode (unknown), 006 grade 1.
    assert _counts(per_infusion, "CRS", "ASTCT2019") == {
        "any": [1, 3, 4],
        "unknown": [0, 1, 1],
        "grade 1": [0, 1, 1],
        "grade 2": [1, 0, 1],
        "grade 3": [0, 0, 0],
        "grade 4": [0, 1, 1],
        "grade 5": [0, 0, 0],
        "high": [0, 1, 1],
        "other_scale": [1, 0, 1],
        "not_assessed": [0, 0, 0],
    }


def test_crs_lee_kept_apart_from_astct(per_infusion):
    # 001 and 004 graded on ASTCT only: "another scale", never "no CRS"; 005 unknown on every scale; 006 grade 2
    assert _counts(per_infusion, "CRS", "Lee2014") == {
        "any": [1, 2, 3],
        "unknown": [0, 1, 1],
        "grade 1": [0, 0, 0],
        "grade 2": [0, 1, 1],
        "grade 3": [1, 0, 1],
        "grade 4": [0, 0, 0],
        "grade 5": [0, 0, 0],
        "high": [1, 0, 1],
        "other_scale": [1, 1, 2],
        "not_assessed": [0, 0, 0],
    }


def test_every_unit_in_exactly_one_state(per_infusion):
    """none + not assessed + another scale only + unknown + each grade = N, in every block and column."""
    for syndrome, scale in per_infusion.blocks:
        rows = per_infusion.block(syndrome, scale)[1:]
        states = [r for r in rows if r.row_type in ("unknown", "grade", "other_scale", "not_assessed")]
        anyg = next(r for r in rows if r.row_type == "any")
        for j, size in enumerate(per_infusion.sizes):
            counted = sum(r.cells[j].values[0] for r in states)
            assert counted <= size
            assert anyg.cells[j].values[0] == sum(
                r.cells[j].values[0] for r in states if r.row_type in ("unknown", "grade")
            )


def test_icans_single_scale_missing_grades_and_not_assessed(per_infusion):
    # 001 grade 1; 003 icans_status unknown without episode: not assessed, counted; 005 ungraded: unknown grade.
    # One scale only: no "another scale" row.
    counts = _counts(per_infusion, "ICANS", "ASTCT2019")
    assert "other_scale" not in counts
    assert counts == {
        "any": [1, 1, 2],
        "unknown": [0, 1, 1],
        "grade 1": [1, 0, 1],
        "grade 2": [0, 0, 0],
        "grade 3": [0, 0, 0],
        "grade 4": [0, 0, 0],
        "grade 5": [0, 0, 0],
        "high": [0, 0, 0],
        "not_assessed": [1, 0, 1],
    }


def test_iec_hs_shown_where_recorded(per_infusion):
    # no status column for IEC-HS: no "not assessed" row; 004's ungraded episode is counted, not dropped
    assert _counts(per_infusion, "IEC-HS", "ASTCT2023") == {
        "any": [0, 1, 1],
        "unknown": [0, 1, 1],
        **{f"grade {g}": [0, 0, 0] for g in range(1, 6)},
        "high": [0, 0, 0],
    }


def test_notes(per_infusion):
    notes = {note.id: dict(note.values) for note in per_infusion.notes}
    assert notes == {
        "denominator": {"per": "infusion"},
        "scales": {},
        "mixed_scales": {"syndrome": "CRS", "scales": ("ASTCT2019", "Lee2014")},
        "excluded": {"count": 1, "by": "setting"},
    }


def test_crs_astct_per_patient_worst_grade(per_patient):
    # SOC: P-001 (001: grade 2), P-003 (Lee only). CT: P-001 (004: grade 4), P-002 none, P-004 (005 unknown,
    # 006 grade 1: the grade wins). Overall, each patient once: P-001 grade 4, P-002 none, P-003 other, P-004 1.
    assert per_patient.sizes == (2, 3, 4)
    assert _counts(per_patient, "CRS", "ASTCT2019") == {
        "any": [1, 2, 2],
        "unknown": [0, 0, 0],
        "grade 1": [0, 1, 1],
        "grade 2": [1, 0, 0],
        "grade 3": [0, 0, 0],
        "grade 4": [0, 1, 1],
        "grade 5": [0, 0, 0],
        "high": [0, 1, 1],
        "other_scale": [1, 0, 1],
        "not_assessed": [0, 0, 0],
    }
    notes = {note.id: dict(note.values) for note in per_patient.notes}
    assert notes["several_cohorts"] == {"count": 1}  # P-001
    assert notes["denominator"] == {"per": "patient"}


def test_crs_lee_per_patient(per_patient):
    # SOC: P-001 other, P-003 grade 3. CT: P-001 other, P-002 none, P-004 grade 2 (over unknown).
    # Overall: P-001 other, P-002 none, P-003 3, P-004 2.
    counts = _counts(per_patient, "CRS", "Lee2014")
    assert counts["any"] == [1, 1, 2]
    assert counts["grade 2"] == [0, 1, 1]
    assert counts["grade 3"] == [1, 0, 1]
    assert counts["high"] == [1, 0, 1]
    assert counts["unknown"] == [0, 0, 0]
    assert counts["other_scale"] == [1, 1, 1]


def test_recorded_grade_zero_is_no_event_and_cartox_has_four_grades():
    infusions = pd.DataFrame({"infusion_id": ["A", "B"], "patient_id": ["1", "2"], "arm": ["x", "x"]})
    episodes = pd.DataFrame(
        {
            "infusion_id": ["A", "B"],
            "syndrome": ["CRS", "CRS"],
            "max_grade": [0, 4],
            "grading_scale": ["CARTOX"] * 2,
        }
    )
    table = adverse_event_table(episodes, infusions, "arm", syndromes=["CRS"])
    counts = _counts(table, "CRS", "CARTOX")
    assert counts == {
        "any": [1, 1],
        "unknown": [0, 0],
        "grade 1": [0, 0],
        "grade 2": [0, 0],
        "grade 3": [0, 0],
        "grade 4": [1, 1],
        "high": [1, 1],
    }


def test_toxicity_without_episode_shown_on_the_study_scale_when_stated():
    infusions = pd.DataFrame({"infusion_id": ["A"], "patient_id": ["1"], "arm": ["x"], "crs_status": ["no"]})
    episodes = pd.DataFrame({"infusion_id": [], "syndrome": [], "max_grade": [], "grading_scale": []})
    table = adverse_event_table(episodes, infusions, "arm", syndromes=["CRS", "IEC-HS"], scale="CTCAEv5")
    assert table.blocks == (("CRS", "CTCAEv5"),)
    assert _counts(table, "CRS", "CTCAEv5")["any"] == [0, 0]
    assert [n.id for n in table.notes] == ["denominator", "scales", "not_recorded"]


def test_empty_cohort_has_no_share():
    infusions = pd.DataFrame({"infusion_id": ["A"], "patient_id": ["1"], "arm": ["x"], "crs_status": ["no"]})
    episodes = pd.DataFrame(
        {"infusion_id": ["A"], "syndrome": ["CRS"], "max_grade": [1], "grading_scale": ["ASTCT2019"]}
    )
    table = adverse_event_table(episodes, infusions, "arm", ["x", "y"], syndromes=["CRS"])
    any_grade = table.row("CRS/ASTCT2019/any")
    assert any_grade.cells[0].values == (1.0, 100.0)
    assert any_grade.cells[1].values[0] == 0.0 and np.isnan(any_grade.cells[1].values[1])


def test_bad_settings_refused():
    episodes, infusions = _frames()
    with pytest.raises(ValueError, match="per must be one of infusion, patient"):
        adverse_event_table(episodes, infusions, "setting", per="episode")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown toxicity 'HLH'"):
        adverse_event_table(episodes, infusions, "setting", syndromes=["HLH"])


def test_records_are_numbers_and_ids(per_infusion):
    records = per_infusion.records()
    row = next(r for r in records["rows"] if r["id"] == "CRS/ASTCT2019/grade/4")
    assert row == {
        "id": "CRS/ASTCT2019/grade/4",
        "row_type": "grade",
        "syndrome": "CRS",
        "scale": "ASTCT2019",
        "grade": 4,
        "cells": [{"n": 0, "percent": 0.0}, {"n": 1, "percent": 25.0}, {"n": 1, "percent": 100 / 6}],
    }
    assert records["sizes"] == [2, 4, 6] and records["per"] == "infusion"


# gtreg's "Adverse Event Counting Methods" article (shannonpileggi/gtreg, articles/counting-methods.md), data `dat`:
# subject 001: Eye irritation 1, Difficult digestion NA, Eye irritation 1, Eye irritation 2 (and Vision blurred 2)
# subject 002: Difficult digestion 2, Reflux 2 (and Vision blurred 2), Reflux 2, Reflux NA
# tbl_ae(id = subject, id_df = tibble(subject = c("001", "002", "003")), ae = ae, by = grade) |> add_overall()
# documents: eye irritation counts once, at grade 2 (001); difficult digestion: 001 in "Unknown", 002 at grade 2;
# reflux: 002 once at grade 2; the "Unknown" column first (missing_location = "first"), "Overall" last, percent
# of N = 3 subjects. Three AEs map onto our three toxicities (Eye irritation -> CRS, Difficult digestion -> ICANS,
# Reflux -> IEC-HS), all on CTCAE v5; gtreg shows only the grades observed, we show every grade of the scale
# (gtreg's `by_values = 1:5`). R gtreg cannot be installed here (no CRAN): the article's statements are the reference.
GTREG_DAT = [
    ("001", "CRS", 1), ("001", "ICANS", None), ("001", "CRS", 1), ("001", "CRS", 2),
    ("002", "ICANS", 2), ("002", "IEC-HS", 2), ("002", "IEC-HS", 2), ("002", "IEC-HS", None),
]  # fmt: skip


def test_gtreg_counting_methods_article_reproduced():
    episodes = pd.DataFrame(GTREG_DAT, columns=["infusion_id", "syndrome", "max_grade"]).assign(
        grading_scale="CTCAEv5"
    )
    infusions = pd.DataFrame(
        {"infusion_id": ["001", "002", "003"], "patient_id": ["001", "002", "003"], "all": "N"}
    )
    table = adverse_event_table(episodes, infusions, "all", per="patient")
    layout = table.gtreg_layout()
    assert list(layout.columns) == [
        ("N", "Unknown"),
        ("N", "Grade 1"),
        ("N", "Grade 2"),
        ("N", "Grade 3"),
        ("N", "Grade 4"),
        ("N", "Grade 5"),
        ("N", "Overall"),
    ]
    assert list(layout.index) == ["CRS (CTCAEv5)", "ICANS (CTCAEv5)", "IEC-HS (CTCAEv5)"]
    assert layout.to_numpy().tolist() == [
        [0, 0, 1, 0, 0, 0, 1],  # eye irritation: 001 at grade 2 (two grade 1 and one grade 2)
        [1, 0, 1, 0, 0, 0, 2],  # difficult digestion: 001 unknown, 002 grade 2
        [0, 0, 1, 0, 0, 0, 1],  # reflux: 002 at grade 2 (2, 2 and NA)
    ]
    assert table.sizes == (3, 3)  # id_df's three subjects, 003 without any AE
    assert table.row("ICANS/CTCAEv5/any").cells[0].values == pytest.approx((2.0, 200 / 3))


def test_gtreg_layout_with_strata(per_infusion):
    """tbl_ae(strata = setting) |> add_overall(across = "by"): per stratum, Unknown, the grades, Overall."""
    layout = per_infusion.gtreg_layout()
    levels = ["Unknown", *(f"Grade {g}" for g in range(1, 6)), "Overall"]
    assert list(layout.columns) == [(group, level) for group in ORDER for level in levels]
    assert layout.loc["CRS (Lee2014)"].tolist() == [0, 0, 0, 1, 0, 0, 1, 1, 0, 1, 0, 0, 0, 2]
    assert layout.loc["IEC-HS (ASTCT2023)"].tolist() == [0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1]
