"""The dataset contract: the tables and columns the registry promises, and the product vocabulary."""

from __future__ import annotations

import pandas as pd
import pytest

from iectox.schema import CONTRACT, INDICATION, THERAPY, Kind, therapy_class
from iectox.schema.labs import ANALYTE, ANALYTES, LAB_UNIT, allowed_unit, canonical_values
from iectox.schema.vocabularies import DRUG, GRADING_SCALE, OXYGEN_DEVICE, SEX

BRANDS = {
    "Yescarta": "axicabtagene_ciloleucel",
    "Kymriah": "tisagenlecleucel",
    "Breyanzi": "lisocabtagene_maraleucel",
    "Tecartus": "brexucabtagene_autoleucel",
    "Abecma": "idecabtagene_vicleucel",
    "Carvykti": "ciltacabtagene_autoleucel",
    "Aucatzyl": "obecabtagene_autoleucel",
    "Tecvayli": "teclistamab",
    "Elrexfio": "elranatamab",
    "Talvey": "talquetamab",
    "Epkinly": "epcoritamab",
    "Tepkinly": "epcoritamab",
    "Columvi": "glofitamab",
    "Lunsumio": "mosunetuzumab",
    "Blincyto": "blinatumomab",
    "Imdelltra": "tarlatamab",
}
INN_SPELLINGS = {
    "Axicabtagene ciloleucel": "axicabtagene_ciloleucel",
    "axi-cel": "axicabtagene_ciloleucel",
    "TISAGENLECLEUCEL": "tisagenlecleucel",
    "liso-cel": "lisocabtagene_maraleucel",
    "brexu-cel": "brexucabtagene_autoleucel",
    "ide-cel": "idecabtagene_vicleucel",
    "cilta-cel": "ciltacabtagene_autoleucel",
    "obe-cel": "obecabtagene_autoleucel",
    "Teclistamab": "teclistamab",
    "epcoritamab ": "epcoritamab",
}


@pytest.mark.parametrize(("written", "code"), [*BRANDS.items(), *INN_SPELLINGS.items()])
def test_brand_names_and_inn_spellings_map_to_one_code(written, code):
    assert THERAPY.normalise(written) == code


def test_therapy_class_is_derived():
    assert therapy_class("axicabtagene_ciloleucel") == "CAR-T"
    assert therapy_class("investigational_car_t") == "CAR-T"
    assert therapy_class("teclistamab") == "BsAb"
    assert {therapy_class(c) for c in THERAPY.codes} == {"CAR-T", "BsAb"}


def test_did_you_mean_on_misspellings():
    assert THERAPY.suggest("Yescarte") == "axicabtagene_ciloleucel"
    assert THERAPY.suggest("Kimriah") == "tisagenlecleucel"
    assert SEX.suggest("femal") == "female"
    assert THERAPY.suggest("paracetamol") is None


EXPECTED_COLUMNS = {
    "patients": {"patient_id", "sex", "birth_year", "centre"},
    "infusions": {
        "infusion_id",
        "patient_id",
        "therapy",
        "infusion_date",
        "setting",
        "trial_id",
        "indication",
        "age_at_infusion",
        "weight_kg",
        "height_cm",
    },
    "toxicity_episodes": {
        "episode_id",
        "infusion_id",
        "syndrome",
        "onset_at",
        "resolved_at",
        "max_grade",
        "grading_scale",
        "outcome",
    },
    "administrations": {"administration_id", "infusion_id", "drug", "given_at", "dose_mg", "route", "reason"},
    "observations": {
        "infusion_id",
        "observed_at",
        "temperature_c",
        "hypotension",
        "vasopressors",
        "vasopressin",
        "oxygen_device",
        "oxygen_l_min",
        "ice_score",
        "consciousness",
        "seizure",
        "motor_weakness",
        "cerebral_edema",
        "capd_score",
        "antipyretic_or_anticytokine_given",
    },
    "outcomes": {"infusion_id", "last_follow_up", "status", "death_date", "death_cause"},
    "labs": {"infusion_id", "measured_at", "analyte", "value", "unit"},
}


@pytest.mark.parametrize("table", CONTRACT.tables, ids=lambda t: t.name)
def test_every_promised_column_is_in_the_contract(table):
    assert EXPECTED_COLUMNS[table.name] <= set(table.column_names)


def test_vocabularies_hold_the_promised_codes():
    assert set(SEX.codes) == {"male", "female", "other", "unknown"}
    assert {"ASTCT2019", "Lee2014", "Penn", "MSKCC", "CARTOX", "CTCAEv4", "CTCAEv5"} <= set(
        GRADING_SCALE.codes
    )
    assert {
        "tocilizumab",
        "dexamethasone",
        "methylprednisolone",
        "hydrocortisone",
        "prednisolone",
        "anakinra",
        "siltuximab",
        "other",
    } <= set(DRUG.codes)
    assert set(OXYGEN_DEVICE.codes) == {
        "none",
        "nasal_cannula",
        "blow_by",
        "high_flow_cannula",
        "facemask",
        "non_rebreather",
        "venturi",
        "cpap",
        "bipap",
        "mechanical_ventilation",
    }
    assert {
        "dlbcl_2l",
        "dlbcl_3l_plus",
        "pmbcl",
        "fl",
        "mcl",
        "b_all",
        "multiple_myeloma",
        "cll",
        "other",
    } <= set(INDICATION.codes)


def test_datetime_columns_are_the_ones_that_may_lack_an_hour():
    datetimes = {(t.name, c.name) for t in CONTRACT.tables for c in t.columns if c.kind is Kind.DATETIME}
    assert datetimes == {
        ("toxicity_episodes", "onset_at"),
        ("toxicity_episodes", "resolved_at"),
        ("administrations", "given_at"),
        ("administrations", "discharged_at"),
        ("labs", "measured_at"),
        ("observations", "observed_at"),
    }


def test_a_synonym_cannot_point_at_two_codes():
    from iectox.schema.model import vocabulary

    with pytest.raises(ValueError, match="maps to two codes"):
        vocabulary("bad", [("a", "A", ("x",)), ("b", "B", ("X",))])


@pytest.mark.parametrize(
    ("analyte", "value", "unit", "canonical"),
    [
        ("ANC", 1.2, "10^9/L", 1.2),
        ("ANC", 1200, "/mm3", 1.2),
        ("platelets", 75, "g/L", 75.0),  # G/L, read ignoring case: 10⁹/L for a count
        ("haemoglobin", 9.0, "g/dL", 90.0),
        ("CRP", 3.0, "mg/dL", 30.0),
        ("ferritin", 650, "ug/L", 650.0),
        ("fibrinogen", 150, "mg/dL", 1.5),
        ("ALT", 1.0, "ukat/L", 60.0),
        ("bilirubin", 1.0, "mg/dL", 17.1),
        ("creatinine", 1.0, "mg/dL", 88.4),
        ("triglycerides", 265, "mg/dL", 2.99185),
        ("platelets", 75, "mg/dL", None),  # not a unit of platelets: no value, never a guess
    ],
)
def test_lab_values_in_their_canonical_unit(analyte, value, unit, canonical):
    labs = pd.DataFrame({"analyte": [analyte], "value": [value], "unit": [unit]})
    got = canonical_values(labs).iloc[0]
    assert pd.isna(got) if canonical is None else got == pytest.approx(canonical)


def test_allowed_unit_pair_by_pair():
    analytes = pd.Series(
        ["ANC", "ANC", "platelets", None, "ANC", "unknown"], dtype="string", index=range(2, 8)
    )
    units = pd.Series(
        ["10^9/L", "/mm3", "mg/dL", "10^9/L", None, "10^9/L"], dtype="string", index=range(2, 8)
    )
    got = allowed_unit(analytes, units)
    assert got.dtype == "boolean" and list(got.index) == list(range(2, 8))
    assert got.tolist() == [True, True, False, pd.NA, pd.NA, False]


def test_every_lab_unit_is_a_code_and_every_analyte_has_its_rules():
    assert set(ANALYTES) == set(ANALYTE.codes)
    assert {u for a in ANALYTES.values() for u in a.factors} == set(LAB_UNIT.codes)
    assert all(a.factors[a.canonical] == 1.0 and a.low < a.high and a.why for a in ANALYTES.values())
