"""Corticosteroid doses of the pathway's regimens, table-driven, with the source of each setting quoted.

Sources (the default pathway, src/iectox/data/pathways/default.toml, after docs/sources.md, "Corticosteroids and
other agents"):
- "docs/sources.md (ASCO 2021, NCCN): dexamethasone 10 mg" and "... dexamethasone 10 mg q6h to q24h by grade";
- "docs/sources.md (ASCO 2021, NCCN): methylprednisolone 1-2 mg/kg q12h";
- "docs/sources.md (ASCO 2021, NCCN): methylprednisolone 1 g/day x 3 days for grade 4".
"""

from __future__ import annotations

import math

import pytest

from iectox.management.corticosteroid_dosing import REGIMENS, corticosteroid_dose
from iectox.management.pathway import default_pathway

PATHWAY = default_pathway()

CASES = [
    # regimen, weight kg, mg/kg asked, dose mg, every h, mg/kg used, the source quoted
    ("dexamethasone", 70.0, None, 10.0, 6.0, None, "dexamethasone 10 mg q6h to q24h by grade"),
    ("dexamethasone", None, None, 10.0, 6.0, None, "dexamethasone 10 mg: a fixed dose needs no weight"),
    ("methylprednisolone_mg_kg", 70.0, None, 70.0, 12.0, 1.0, "methylprednisolone 1-2 mg/kg q12h: 1 mg/kg"),
    ("methylprednisolone_mg_kg", 70.0, 2.0, 140.0, 12.0, 2.0, "methylprednisolone 1-2 mg/kg q12h: 2 mg/kg"),
    ("methylprednisolone_mg_kg", 71.44, 1.5, 107.2, 12.0, 1.5, "1.5 mg/kg x 71.44 kg = 107.16, to 0.1 mg"),
    ("methylprednisolone_mg_kg", None, None, None, 12.0, 1.0, "per kg without a weight: no dose, no guess"),
    ("methylprednisolone_pulse", 70.0, None, 1000.0, 24.0, None, "methylprednisolone 1 g/day x 3 days"),
    ("dexamethasone_high", 70.0, None, 20.0, 6.0, None, "If refractory, increase to 20 mg i.v. every 6 h"),
    (
        "methylprednisolone_taper",
        70.0,
        None,
        500.0,
        12.0,
        None,
        "methylprednisolone 500 mg IV q12h for 3 days",
    ),
    ("dexamethasone", 10.0, None, 5.0, 6.0, 0.5, "dexamethasone 0.5 mg/kg a dose"),
    ("dexamethasone", 25.0, None, 10.0, 6.0, None, "each at most the adult dose"),
    ("methylprednisolone_pulse", 12.5, None, 375.0, 24.0, 30.0, "methylprednisolone 30 mg/kg a day"),
]


@pytest.mark.parametrize(
    ("regimen", "weight", "asked", "dose", "every", "per_kg", "source"), CASES, ids=[c[6] for c in CASES]
)
def test_regimen_dose(regimen, weight, asked, dose, every, per_kg, source):
    got = corticosteroid_dose(regimen, PATHWAY, weight, asked)
    assert (got.drug, got.dose_mg, got.every_h, got.mg_per_kg) == (
        REGIMENS[regimen].drug,
        dose,
        every,
        per_kg,
    )


def test_each_dose_cites_the_settings_it_read():
    assert corticosteroid_dose("dexamethasone", PATHWAY).sources(PATHWAY) == (
        "docs/sources.md (ASCO 2021, NCCN): dexamethasone 10 mg",
        "docs/sources.md (ASCO 2021, NCCN): dexamethasone 10 mg q6h to q24h by grade",
    )
    assert corticosteroid_dose("methylprednisolone_mg_kg", PATHWAY, 70).sources(PATHWAY) == (
        "docs/sources.md (ASCO 2021, NCCN): methylprednisolone 1-2 mg/kg q12h",
    )
    assert corticosteroid_dose("methylprednisolone_pulse", PATHWAY).sources(PATHWAY) == (
        "docs/sources.md (ASCO 2021, NCCN): methylprednisolone 1 g/day x 3 days for grade 4",
    )


def test_the_pathway_in_force_decides():
    """A hospital's pathway file changes the numbers; nothing is restated here."""
    local = PATHWAY.replace(
        corticosteroids__dexamethasone_mg=20,
        corticosteroids__dexamethasone_interval_h=[12, 24],
        corticosteroids__methylprednisolone_mg_kg=[2, 3],
    )
    dexamethasone = corticosteroid_dose("dexamethasone", local)
    assert (dexamethasone.dose_mg, dexamethasone.every_h) == (20.0, 12.0)
    assert corticosteroid_dose("methylprednisolone_mg_kg", local, 50.0).dose_mg == 100.0


@pytest.mark.parametrize(
    ("regimen", "weight", "asked", "said"),
    [
        ("prednisone", 70.0, None, "no corticosteroid regimen 'prednisone'"),
        ("methylprednisolone_mg_kg", 70.0, 2.5, "outside the pathway's 1-2 mg/kg"),
        ("methylprednisolone_mg_kg", 70.0, 0.5, "outside the pathway's 1-2 mg/kg"),
        ("methylprednisolone_mg_kg", 0.0, None, "positive number of kg"),
        ("dexamethasone", math.nan, None, "positive number of kg"),
    ],
)
def test_refused(regimen, weight, asked, said):
    with pytest.raises(ValueError, match=said):
        corticosteroid_dose(regimen, PATHWAY, weight, asked)


def test_a_child_dose_cites_the_per_kg_setting_an_adult_dose_does_not():
    child = corticosteroid_dose("dexamethasone", PATHWAY, 10.0).sources(PATHWAY)
    adult = corticosteroid_dose("dexamethasone", PATHWAY, 70.0).sources(PATHWAY)
    per_kg = PATHWAY.corticosteroids.dexamethasone_mg_kg_child.source
    assert per_kg in child and per_kg not in adult
