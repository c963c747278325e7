"""Laboratory results: the analytes, their units, and one canonical unit per analyte.

A lab value is stored as typed (value and unit, as the laboratory reported it) and compared in its analyte's
canonical unit: `canonical_values` multiplies by the factor of its unit. Each analyte allows only the units
listed here (rule lab_unit_for_analyte); a unit of another analyte (platelets in mg/dL) is refused, never
guessed.

Units are matched like every vocabulary, ignoring case: "G/L" and "g/L" are the same spelling. For a cell count
it can only mean giga per litre (10⁹/L: grams of cells per litre means nothing), for haemoglobin and fibrinogen
only grams per litre; each analyte allows one of the two meanings, so no value is ambiguous.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import pandas as pd

from iectox.i18n import N_
from iectox.schema.model import vocabulary

ANALYTE = vocabulary(
    "analyte",
    [
        ("ANC", N_("Absolute neutrophil count"), ("neutrophils", "PNN", "polynucleaires neutrophiles")),
        ("platelets", N_("Platelets"), ("PLT", "plaquettes", "thrombocytes")),
        ("haemoglobin", N_("Haemoglobin"), ("hemoglobin", "Hb", "Hgb", "hemoglobine")),
        ("lymphocytes", N_("Lymphocytes"), ("ALC", "lymphocyte count")),
        ("CRP", N_("C-reactive protein"), ("C reactive protein", "proteine C reactive")),
        ("ferritin", N_("Ferritin"), ("ferritine",)),
        ("fibrinogen", N_("Fibrinogen"), ("fibrinogene",)),
        ("LDH", N_("Lactate dehydrogenase"), ("lactate dehydrogenase", "LD")),
        ("ALT", N_("Alanine aminotransferase (ALT)"), ("ALAT", "SGPT", "GPT")),
        ("AST", N_("Aspartate aminotransferase (AST)"), ("ASAT", "SGOT", "GOT")),
        ("bilirubin", N_("Total bilirubin"), ("bilirubine", "total bilirubin", "bili")),
        ("creatinine", N_("Creatinine"), ("creat", "creatininemie")),
        ("triglycerides", N_("Triglycerides"), ("TG", "triglycerides", "triglycerides serum")),
    ],
    "The laboratory test.",
)

LAB_UNIT = vocabulary(
    "lab_unit",
    [
        ("10^9/L", N_("10⁹/L"), ("x10^9/L", "10*9/L", "10^3/uL", "10^3/µL", "10^3/mm3", "K/uL", "giga/L")),
        ("/mm3", N_("per mm³ (= per µL)"), ("cells/uL", "cells/µL", "/mm³", "mm3", "per uL")),
        ("g/L", N_("g/L (for a cell count: G/L = 10⁹/L)"), ()),
        ("g/dL", N_("g/dL"), ("g/100mL",)),
        ("mg/L", N_("mg/L"), ()),
        ("mg/dL", N_("mg/dL"), ("mg/100mL",)),
        ("ug/L", N_("µg/L (= ng/mL)"), ("ng/mL", "mcg/L")),
        ("U/L", N_("U/L (IU/L)"), ("IU/L", "UI/L", "iu/l")),
        ("ukat/L", N_("µkat/L"), ("µkat/L", "microkat/L")),
        ("umol/L", N_("µmol/L"), ("µmol/L", "micromol/L")),
        ("mmol/L", N_("mmol/L"), ()),
    ],
    "The unit the value was reported in; each analyte allows the units of its own (docs/data_dictionary.md).",
)


@dataclass(frozen=True)
class Analyte:
    """An analyte's canonical unit, the factor of each unit it allows into it, and its plausible range (in the
    canonical unit) with the reason for it."""

    code: str
    canonical: str
    factors: MappingProxyType[str, float]
    low: float
    high: float
    why: str


def _analyte(
    code: str, canonical: str, factors: dict[str, float], low: float, high: float, why: str
) -> Analyte:
    return Analyte(code, canonical, MappingProxyType(factors), low, high, why)


# Cell counts: 10⁹/L = G/L = 10³/µL; a count per mm³ (= per µL) is 1/1000 of it.
_COUNT = {"10^9/L": 1.0, "g/L": 1.0, "/mm3": 0.001}
# Enzymes: 1 µkat/L = 60 U/L (1 U = 1 µmol/min; 1 kat = 1 mol/s).
_ENZYME = {"U/L": 1.0, "ukat/L": 60.0}

ANALYTES: MappingProxyType[str, Analyte] = MappingProxyType(
    {
        a.code: a
        for a in (
            _analyte("ANC", "10^9/L", _COUNT, 0, 100, "above 100 G/L is beyond a leukaemoid reaction"),
            _analyte(
                "platelets", "10^9/L", _COUNT, 0, 3000, "essential thrombocythaemia rarely exceeds 2000 G/L"
            ),
            # 1 g/dL = 10 g/L.
            _analyte(
                "haemoglobin",
                "g/L",
                {"g/L": 1.0, "g/dL": 10.0},
                20,
                250,
                "below 20 g/L or above 250 g/L is not a living patient's value",
            ),
            _analyte("lymphocytes", "10^9/L", _COUNT, 0, 1000, "hyperleukocytic CLL stays below 1000 G/L"),
            # 1 mg/dL = 10 mg/L.
            _analyte(
                "CRP", "mg/L", {"mg/L": 1.0, "mg/dL": 10.0}, 0, 1000, "assays report up to about 500-600 mg/L"
            ),
            # µg/L = ng/mL.
            _analyte(
                "ferritin",
                "ug/L",
                {"ug/L": 1.0},
                0,
                500_000,
                "HLH-like syndromes reach 100,000 µg/L, rarely more",
            ),
            # 1 mg/dL = 0.01 g/L.
            _analyte(
                "fibrinogen",
                "g/L",
                {"g/L": 1.0, "mg/dL": 0.01},
                0,
                15,
                "an acute-phase fibrinogen stays below 10-12 g/L",
            ),
            _analyte("LDH", "U/L", _ENZYME, 0, 50_000, "tumour lysis and HLH stay below about 30,000 U/L"),
            _analyte("ALT", "U/L", _ENZYME, 0, 20_000, "acute liver failure reaches about 10,000 U/L"),
            _analyte("AST", "U/L", _ENZYME, 0, 20_000, "acute liver failure reaches about 10,000 U/L"),
            # Bilirubin 584.7 g/mol: 1 mg/dL = 17.1 µmol/L, 1 mg/L = 1.71 µmol/L.
            _analyte(
                "bilirubin",
                "umol/L",
                {"umol/L": 1.0, "mg/dL": 17.1, "mg/L": 1.71},
                0,
                1000,
                "severe cholestasis stays below about 800 µmol/L",
            ),
            # Creatinine 113.1 g/mol: 1 mg/dL = 88.4 µmol/L, 1 mg/L = 8.84 µmol/L.
            _analyte(
                "creatinine",
                "umol/L",
                {"umol/L": 1.0, "mg/dL": 88.4, "mg/L": 8.84},
                5,
                3000,
                "an infant's creatinine is above 5 µmol/L; anuric kidney failure stays below 3000 µmol/L",
            ),
            # Triglycerides (as triolein, 885.4 g/mol): 1 mg/dL = 0.01129 mmol/L, 1 g/L = 1.129 mmol/L.
            _analyte(
                "triglycerides",
                "mmol/L",
                {"mmol/L": 1.0, "mg/dL": 0.01129, "g/L": 1.129},
                0,
                150,
                "chylomicronaemia reaches about 100 mmol/L",
            ),
        )
    }
)


def allowed_unit(analytes: pd.Series, units: pd.Series) -> pd.Series:
    """True where the unit is one of the analyte's, NA where either is blank; the pairs looked up as one
    index, as in `canonical_values` (row by row, this was most of the labs' validation)."""
    pairs = pd.MultiIndex.from_tuples([(a.code, unit) for a in ANALYTES.values() for unit in a.factors])
    known = analytes.notna() & units.notna()
    found = pairs.get_indexer(pd.MultiIndex.from_arrays([analytes.astype(object), units.astype(object)]))
    return pd.Series(found >= 0, index=analytes.index).astype("boolean").where(known)


def canonical_values(labs: pd.DataFrame) -> pd.Series:
    """Each value in its analyte's canonical unit (NA where the unit is not one of the analyte's); the pairs
    are looked up as one index, not row by row (labs run to tens of millions of rows in a registry)."""
    table = pd.Series(
        {(a.code, unit): f for a in ANALYTES.values() for unit, f in a.factors.items()}, dtype=float
    )
    pairs = pd.MultiIndex.from_arrays([labs["analyte"].astype(object), labs["unit"].astype(object)])
    found = table.index.get_indexer(pairs)
    factors = np.where(found >= 0, table.to_numpy()[found], np.nan)
    return pd.Series(labs["value"].astype(float).to_numpy() * factors, index=labs.index)
