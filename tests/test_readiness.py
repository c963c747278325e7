"""Tocilizumab readiness before an infusion, table-driven, each rule with the sentence of docs/sources.md:

- "US REMS required >= 2 doses on site per patient (REMS removed in June 2025); EU SmPCs (e.g. axi-cel): >= 1 dose
  on site before infusion and access to a further dose within 8 h of each dose" (Tocilizumab for CRS): the
  pathway's `[readiness]` doses on site, by product;
- "New CRS/ICANS after day 14 is rare" (Management pathway): a patient's doses stay reserved 14 days;
- dose banding (a local option, as many French hospital pharmacies do): whole vials within a tolerance.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from iectox.errors import SpecError
from iectox.management.pathway import default_pathway, load_pathway
from iectox.management.vials import VialSettings, band_vials, plan_vials

SOURCES = " ".join((Path(__file__).parents[1] / "docs" / "sources.md").read_text(encoding="utf-8").split())
PATHWAY = default_pathway()

BANDING = [
    # label dose mg, tolerance, banded dose mg, vials, waste mg
    (560.0, 0.10, 560.0, "1 x 400 mg + 2 x 80 mg", 0.0),  # already whole vials
    (620.0, 0.10, 600.0, "1 x 400 mg + 1 x 200 mg", 0.0),  # 77.5 kg: 600 mg is 3.2 % below
    (358.8, 0.10, 360.0, "1 x 200 mg + 2 x 80 mg", 0.0),  # 29.9 kg
    (620.0, 0.02, 620.0, "1 x 400 mg + 3 x 80 mg", 20.0),  # nothing within 2 %: least waste
    (620.0, 0.0, 620.0, "1 x 400 mg + 3 x 80 mg", 20.0),  # banding off
    (60.0, 0.10, 60.0, "1 x 80 mg", 20.0),  # a 5 kg child: no vial total within 54-66 mg
]


@pytest.mark.parametrize(("label", "tolerance", "banded", "vials", "waste"), BANDING)
def test_dose_banding_rounds_to_whole_vials_within_the_tolerance(label, tolerance, banded, vials, waste):
    combo = band_vials(label, (400, 200, 80), tolerance)
    assert (combo.dose_mg, str(combo), combo.waste_mg) == (banded, vials, pytest.approx(waste))


def _plan(rows, settings):
    frame = pd.DataFrame(rows, columns=["patient_id", "weight_kg", "planned_date", "therapy"])
    frame["planned_date"] = pd.to_datetime(frame["planned_date"])
    return plan_vials(frame, settings)


def test_the_default_pathway_keeps_two_doses_and_a_14_day_window():
    assert "US REMS required >= 2 doses on site per patient" in SOURCES
    assert "New CRS/ICANS after day 14 is rare" in SOURCES
    settings = VialSettings.from_pathway(PATHWAY)
    assert (settings.doses_on_site, settings.doses_by_product, settings.band_tolerance) == (2, (), 0.0)
    assert settings.crs_window_days == 14


DOSES_BY_PRODUCT = [
    # therapy, doses on site (the pathway: axi-cel from its EU SmPC, the others the default), 400 mg vials held
    ("axicabtagene_ciloleucel", 1, 1),
    ("tisagenlecleucel", 2, 2),
    (None, 2, 2),
]


@pytest.mark.parametrize(("therapy", "doses", "vials_400"), DOSES_BY_PRODUCT)
def test_doses_on_site_by_product(tmp_path, therapy, doses, vials_400):
    assert "EU SmPCs (e.g. axi-cel): >= 1 dose on site before infusion" in SOURCES
    path = tmp_path / "ours.toml"
    path.write_text(
        "[readiness]\n"
        'doses_on_site_by_product = { value = { axicabtagene_ciloleucel = 1 }, source = "Yescarta SmPC 4.2" }\n',
        encoding="utf-8",
    )
    pathway = load_pathway(path)
    assert pathway.readiness.doses_on_site_by_product.source == "Yescarta SmPC 4.2"
    plan = _plan([("P-1", 50.0, "2025-09-01", therapy)], VialSettings.from_pathway(pathway))
    row = plan.infusions.iloc[0]
    assert (row["doses_on_site"], row["stock_400mg"]) == (doses, vials_400)


def test_a_product_that_does_not_exist_is_refused(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text(
        '[readiness]\ndoses_on_site_by_product = { value = { yescarta_x = 1 }, source = "x" }\n',
        encoding="utf-8",
    )
    with pytest.raises(SpecError, match="doses_on_site_by_product"):
        load_pathway(path)


WINDOW = [
    # window days, stock of 400 mg vials in the second week (the first week's patient still held or not)
    (14, 4),
    (3, 2),  # infused on Monday 1 September, out of a 3-day window by Monday 8 September
]


@pytest.mark.parametrize(("days", "second_week"), WINDOW)
def test_patients_still_in_their_crs_window_keep_their_stock(days, second_week):
    rows = [("P-1", 50.0, "2025-09-01", None), ("P-2", 50.0, "2025-09-09", None)]
    weekly = _plan(rows, VialSettings(crs_window_days=days)).weekly
    assert weekly["stock_400mg"].tolist() == [2, second_week]
    assert weekly["in_crs_window"].tolist() == [0, second_week // 2 - 1]


def test_banding_changes_the_stock_plan():
    banded = _plan([("P-1", 77.5, "2025-09-01", None)], VialSettings(band_tolerance=0.10)).infusions.iloc[0]
    assert (banded["label_dose_mg"], banded["dose_mg"], banded["vials"]) == (
        620.0,
        600.0,
        "1 x 400 mg + 1 x 200 mg",
    )
