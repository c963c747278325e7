"""Synthetic bispecific courses: each schedule as its label gives it, valid, clean under the audit, with CRS
placed after the step-up doses; and premedication never counted as toxicity treatment."""

from __future__ import annotations

from collections import Counter

import pandas as pd
from openpyxl import load_workbook
from typer.testing import CliRunner

from factories import small_dataset
from iectox.analysis import infusion_table
from iectox.cli.commands import app
from iectox.dataset import Dataset
from iectox.io import read_dataset
from iectox.management.audit import audit
from iectox.management.delays import treatment_doses
from iectox.render.audit_xlsx import write_xlsx
from iectox.synth.bsab import bsab_courses, with_bsab_courses
from iectox.validate import validate_dataset


def test_courses_follow_their_labels_and_pass_validation_and_the_audit():
    data = bsab_courses(20, seed=1)
    assert data.counts()["infusions"] == 20
    assert validate_dataset(data) == []
    assert list(audit(data).findings) == []
    infusions = data["infusions"].set_index("infusion_id")
    doses = data["administrations"]
    teclistamab = doses[(doses["infusion_id"] == "BSAB-010") & (doses["drug"] == "teclistamab")]
    assert infusions.at["BSAB-010", "therapy"] == "teclistamab"
    weight = infusions.at["BSAB-010", "weight_kg"]
    # TECVAYLI: "Day 1 Step-up dose 1 0.06 mg/kg, Day 4 Step-up dose 2 0.3 mg/kg, Day 7 First treatment dose 1.5"
    first = teclistamab.head(3)
    assert first["dose_step"].tolist() == ["step_up_1", "step_up_2", "treatment"]
    assert ((first["given_at"] - first["given_at"].iloc[0]).dt.days.tolist()) == [0, 3, 6]
    assert first["dose_mg"].round(2).tolist() == [
        round(0.06 * weight, 2),
        round(0.3 * weight, 2),
        round(1.5 * weight, 2),
    ]
    # glofitamab: obinutuzumab 7 days before 2.5 mg (C1D8), 10 mg on C1D15, 30 mg on C2D1 (day 22 of 21-day cycles)
    glofitamab = doses[doses["infusion_id"] == "BSAB-005"].sort_values("given_at")
    own = glofitamab[glofitamab["reason"] == "treatment"]
    assert own["drug"].tolist()[:4] == ["obinutuzumab", "glofitamab", "glofitamab", "glofitamab"]
    assert (own["given_at"] - own["given_at"].iloc[1]).dt.days.tolist()[:4] == [-7, 0, 7, 14]


def test_a_missing_premedication_and_a_short_stay_are_found():
    data = bsab_courses(20, seed=1)
    doses = data["administrations"]
    dropped = doses[~doses["administration_id"].eq("BSAB-010-P01")].copy()
    dropped.loc[dropped["administration_id"].eq("BSAB-010-D00"), "discharged_at"] -= pd.Timedelta(hours=30)
    found = audit(Dataset.from_frames({**data.tables, "administrations": dropped})).findings
    assert Counter((f.rule, f.administration_id) for f in found) == {
        ("bsab.premedication", "BSAB-010-D01"): 1,
        ("bsab.hospitalisation", "BSAB-010-D00"): 1,
    }


def test_crs_follows_the_first_step_up_dose():
    table = infusion_table(bsab_courses(20, seed=1))
    with_crs = table[table["crs_any"].fillna(False)]
    assert len(with_crs) == 11
    assert set(with_crs["crs_bsab_step"]) == {"step_up_1"}
    assert with_crs["crs_bsab_hours_after_dose"].between(8, 30).all()
    assert table["crs_after_step_up_1"].mean() == 11 / 20


def test_courses_join_another_dataset_apart_from_its_ids():
    joined = with_bsab_courses(small_dataset(), 4, seed=1)
    assert joined.counts()["infusions"] == 3 + 4
    assert validate_dataset(joined) == []


def test_premedication_is_no_treatment_of_a_toxicity():
    """Lee 2019 and correction 1 of issue 11: premedication (dexamethasone before a step-up dose) is not
    therapy for CRS; nor is it a corticosteroid course of the audit."""
    data = bsab_courses(20, seed=1)
    premedications = data["administrations"]["reason"].eq("premedication").sum()
    assert premedications > 0
    assert treatment_doses(data["administrations"], "corticosteroid").empty
    assert audit(data).corticosteroid_courses.empty


def test_the_command_adds_courses_to_a_cohort(tmp_path):
    out = tmp_path / "cohort"
    result = CliRunner().invoke(app, ["synth", "--n", "30", "--bsab", "10", "--out", str(out)])
    assert result.exit_code == 0, result.output
    data = read_dataset(out)
    assert data.counts()["infusions"] == 40
    assert data["administrations"]["dose_step"].notna().sum() > 30


def test_the_audit_workbook_shows_each_bispecific_dose_with_its_checks(tmp_path):
    data = bsab_courses(10, seed=1)
    book = load_workbook(write_xlsx(audit(data), tmp_path / "audit.xlsx"), read_only=True)
    assert "bsab_doses" in book.sheetnames
    header = next(book["bsab_doses"].iter_rows(max_row=1, values_only=True))
    assert {"dose_step", "label_dose_mg", "gap_days", "premedication_given", "stay_h"} <= set(header)
    assert (
        book["bsab_doses"].max_row
        == 1
        + (
            data["administrations"]["dose_step"].isin(["step_up_1", "step_up_2", "step_up_3", "treatment"])
        ).sum()
    )
    small = load_workbook(write_xlsx(audit(small_dataset()), tmp_path / "car_t.xlsx"), read_only=True)
    assert "bsab_doses" not in small.sheetnames
