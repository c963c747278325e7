"""Corticosteroid regimens of the pathway and exposure in dexamethasone equivalents.

BNF, equivalent anti-inflammatory doses: dexamethasone 750 micrograms = methylprednisolone 4 mg =
prednisolone 5 mg = hydrocortisone 20 mg. Regimens (docs/sources.md, after ASCO 2021): dexamethasone 10 mg
q6-24h and 20 mg q6h; methylprednisolone 1-2 mg/kg q12h, 1 g/day, 500 mg q12h then the 250/125/60 mg taper;
children per kg, at most the adult dose. Each case quotes the sentence it follows (on docs/sources.md).
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from iectox.management.corticosteroids import (
    CORTICOSTEROID_REGIMEN,
    corticosteroid_courses,
    corticosteroid_exposure,
    dexamethasone_equivalent_mg,
    dexamethasone_regimen,
    methylprednisolone_regimen,
)
from iectox.management.findings import INFO
from iectox.management.pathway import default_pathway
from management_factories import dataset, dose, evidence, infusion

PATHWAY = default_pathway()
SOURCES = (Path(__file__).parents[1] / "docs" / "sources.md").read_text(encoding="utf-8")
BNF = "dexamethasone 750 micrograms = methylprednisolone 4 mg = prednisolone 5 mg = hydrocortisone 20 mg"


def _flat(text: str) -> str:
    """Text with its line breaks and runs of spaces as single spaces, to find a sentence wrapped in a page."""
    return " ".join(text.split())


EQUIVALENTS = [
    ("methylprednisolone", 1000.0, 187.5),  # the grade 4 ICANS pulse
    ("methylprednisolone", 4.0, 0.75),
    ("prednisolone", 5.0, 0.75),
    ("hydrocortisone", 20.0, 0.75),
    ("dexamethasone", 10.0, 10.0),
    ("hydrocortisone", 100.0, 3.75),
]


@pytest.mark.parametrize(("drug", "mg", "dexamethasone"), EQUIVALENTS)
def test_dexamethasone_equivalents(drug, mg, dexamethasone):
    assert BNF in _flat(SOURCES)
    assert dexamethasone_equivalent_mg(drug, mg) == pytest.approx(dexamethasone)


def test_a_corticosteroid_of_unknown_drug_is_never_converted():
    assert math.isnan(dexamethasone_equivalent_mg("corticosteroid", 10.0))
    assert math.isnan(dexamethasone_equivalent_mg("dexamethasone", float("nan")))


@pytest.mark.parametrize(
    ("dose_mg", "interval", "doses", "regimen"),
    [
        (10.0, 6.0, 4, "dexamethasone 10 mg q6h"),
        (10.0, 12.5, 3, "dexamethasone 10 mg q12h"),
        (10.0, 24.0, 2, "dexamethasone 10 mg q24h"),
        (10.0, float("nan"), 1, "dexamethasone 10 mg, single dose"),
        (20.0, 6.0, 4, "dexamethasone 20 mg q6h"),  # "If refractory, increase to 20 mg i.v. every 6 h"
        (20.0, 12.0, 4, None),  # the 20 mg dose is given every 6 h only
        (10.0, 3.0, 8, None),  # more often than q6h
        (10.0, 48.0, 2, None),
    ],
)
def test_dexamethasone_regimen(dose_mg, interval, doses, regimen):
    assert "If refractory, increase to 20 mg i.v. every 6 h" in SOURCES  # a 2023 review; ASCO's tables: 10 mg
    assert dexamethasone_regimen(dose_mg, interval, doses, PATHWAY) == regimen


CHILDREN = [
    # drug, dose mg, weight kg, interval h, regimen; the sentence quoted (docs/sources.md, Other sources)
    ("dexamethasone", 5.0, 10.0, 6.0, "dexamethasone 0.5 mg/kg q6h", "dexamethasone 0.5 mg/kg a dose"),
    ("dexamethasone", 10.0, 25.0, 6.0, "dexamethasone 10 mg q6h", "each at most the adult dose"),
    ("dexamethasone", 5.0, 70.0, 6.0, None, "each at most the adult dose"),
    (
        "methylprednisolone",
        300.0,
        10.0,
        24.0,
        "methylprednisolone 30 mg/kg/day",
        "methylprednisolone 30 mg/kg a day",
    ),
    ("methylprednisolone", 1000.0, 40.0, 24.0, "methylprednisolone 1 g/day", "each at most the adult dose"),
    (
        "methylprednisolone",
        10.0,
        10.0,
        12.0,
        "methylprednisolone 1.0 mg/kg q12h",
        "methylprednisolone 1-2 mg/kg q12h",
    ),
]


@pytest.mark.parametrize(("drug", "mg", "weight", "interval", "regimen", "quote"), CHILDREN)
def test_children_are_dosed_per_kg_up_to_the_adult_dose(drug, mg, weight, interval, regimen, quote):
    assert quote in _flat(SOURCES)
    if drug == "dexamethasone":
        got = dexamethasone_regimen(mg, interval, 3, PATHWAY, weight)
    else:
        got = methylprednisolone_regimen(mg, weight, interval, 3, PATHWAY)
    assert got == regimen


TAPER_SENTENCE = (
    "methylprednisolone 500 mg IV q12h for 3 days, then 250 mg q12h x 2 days, 125 mg q12h x 2 days, "
    "60 mg q12h x 2 days"
)
TAPERS = [
    # doses in order (q12h), the course's regimen
    ([500] * 6, "methylprednisolone 500 mg q12h"),
    ([500] * 6 + [250] * 4, "methylprednisolone 500 mg q12h, then taper 250 mg"),
    (
        [500] * 6 + [250] * 4 + [125] * 4 + [60] * 4,
        "methylprednisolone 500 mg q12h, then taper 250/125/60 mg",
    ),
    ([500] * 2 + [250] * 2 + [500] * 2, ""),  # back up again: not the taper
    ([250] * 4 + [125] * 4, ""),  # a taper that never started at 500 mg
]


@pytest.mark.parametrize(("mgs", "regimen"), TAPERS)
def test_the_asco_grade4_taper_is_one_course(mgs, regimen):
    assert _flat(TAPER_SENTENCE) in _flat(SOURCES)
    doses = [dose(f"M{i}", "methylprednisolone", 12 * i, float(mg), "CRS") for i, mg in enumerate(mgs)]
    data = dataset([], doses)
    courses = corticosteroid_courses(data["administrations"], data["infusions"], PATHWAY)
    assert courses["regimen"].tolist() == [regimen]


@pytest.mark.parametrize(
    ("dose_mg", "weight", "interval", "doses", "regimen"),
    [
        (1000.0, 70.0, 24.0, 3, "methylprednisolone 1 g/day"),
        (1000.0, None, 24.0, 3, "methylprednisolone 1 g/day"),  # the pulse needs no weight
        (70.0, 70.0, 12.0, 4, "methylprednisolone 1.0 mg/kg q12h"),
        (140.0, 70.0, 12.0, 4, "methylprednisolone 2.0 mg/kg q12h"),
        (70.0, None, 12.0, 4, None),  # mg/kg cannot be told without a weight
        (280.0, 70.0, 12.0, 4, None),  # 4 mg/kg
        (70.0, 70.0, 24.0, 4, None),  # 1 mg/kg but daily
    ],
)
def test_methylprednisolone_regimen(dose_mg, weight, interval, doses, regimen):
    assert methylprednisolone_regimen(dose_mg, weight, interval, doses, PATHWAY) == regimen


def test_courses_recognise_regimens_and_report_the_others():
    doses = [dose(f"D{i}", "dexamethasone", h, 10.0, "ICANS") for i, h in enumerate([0, 6, 12, 18])]
    doses += [dose(f"M{i}", "methylprednisolone", h, 1000.0, "ICANS") for i, h in enumerate([100, 124, 148])]
    doses += [dose(f"X{i}", "dexamethasone", h, 15.0, "CRS") for i, h in enumerate([300, 312])]
    data = dataset([], doses)
    courses = corticosteroid_courses(data["administrations"], data["infusions"], PATHWAY)
    findings = CORTICOSTEROID_REGIMEN.evaluate(evidence(data, PATHWAY)).findings
    assert courses["regimen"].tolist() == ["dexamethasone 10 mg q6h", "", "methylprednisolone 1 g/day"]
    assert courses["recognised"].tolist() == [True, False, True]
    assert [f.severity for f in findings] == [INFO]
    assert findings[0].sentence() == "dexamethasone 15 mg x 2, every 12 h: not a regimen of the pathway."
    assert findings[0].sentence("fr").startswith("dexaméthasone 15 mg x 2, toutes les 12 h")


def test_cumulative_exposure_per_infusion_in_dexamethasone_mg():
    doses = [dose(f"D{i}", "dexamethasone", h, 10.0, "CRS") for i, h in enumerate([0, 12, 24])]
    doses.append(dose("M1", "methylprednisolone", 48, 1000.0, "ICANS"))
    doses.append(dose("C1", "corticosteroid", 60, 10.0, "ICANS"))
    doses.append(dose("T1", "tocilizumab", 1, 560.0, "CRS"))
    data = dataset([], doses, [infusion(), infusion("INF-2")])
    exposure = corticosteroid_exposure(data["administrations"], data["infusions"]).set_index("infusion_id")
    one = exposure.loc["INF-1"]
    assert one["dexamethasone_equivalent_mg"] == pytest.approx(30 + 187.5)
    assert one["dexamethasone_equivalent_mg_crs"] == pytest.approx(30)
    assert one["dexamethasone_equivalent_mg_icans"] == pytest.approx(187.5)
    assert one["corticosteroid_doses"] == 5 and one["doses_not_converted"] == 1
    assert exposure.loc["INF-2", "dexamethasone_equivalent_mg"] == 0
