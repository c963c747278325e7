"""Plausibility constants of the synthetic cohort: which product treats what, and how each product behaves.

Nothing here is calibrated on the published table: these are the ranges of the pivotal trials and labels
summarised in `clinical_rules.md` ("use them only as plausibility ranges in the synthetic cohort generator").
They decide *who* gets what (which patient has CRS, which product a patient got); the calibrated counts
decide *how many*.
"""

from __future__ import annotations

from dataclasses import dataclass

AXI = "axicabtagene_ciloleucel"
TISA = "tisagenlecleucel"
LISO = "lisocabtagene_maraleucel"
BREXU = "brexucabtagene_autoleucel"
IDE = "idecabtagene_vicleucel"
CILTA = "ciltacabtagene_autoleucel"
OBE = "obecabtagene_autoleucel"
INVESTIGATIONAL = "investigational_car_t"

#  Product mix of authorised CAR-T per indication in routine care (EU), before availability by date.
SOC_PRODUCTS: dict[str, dict[str, float]] = {
    "dlbcl_3l_plus": {AXI: 0.5, TISA: 0.25, LISO: 0.25},
    "dlbcl_2l": {AXI: 0.75, LISO: 0.25},
    "pmbcl": {AXI: 0.8, LISO: 0.2},
    "fl": {AXI: 0.5, TISA: 0.5},
    "mcl": {BREXU: 1.0},
    "b_all": {TISA: 0.45, BREXU: 0.55},
    "multiple_myeloma": {IDE: 0.4, CILTA: 0.6},
}
#  Trials give commercial products before (or beyond) their authorisation, and investigational constructs.
TRIAL_PRODUCTS: dict[str, dict[str, float]] = {
    "dlbcl_2l": {AXI: 0.35, LISO: 0.25, TISA: 0.1, INVESTIGATIONAL: 0.3},
    "dlbcl_3l_plus": {AXI: 0.3, LISO: 0.3, INVESTIGATIONAL: 0.4},
    "pmbcl": {AXI: 0.4, LISO: 0.3, INVESTIGATIONAL: 0.3},
    "b_all": {BREXU: 0.4, OBE: 0.3, INVESTIGATIONAL: 0.3},
    "multiple_myeloma": {CILTA: 0.4, IDE: 0.3, INVESTIGATIONAL: 0.3},
    "mcl": {BREXU: 0.5, LISO: 0.2, INVESTIGATIONAL: 0.3},
    "fl": {AXI: 0.4, TISA: 0.3, INVESTIGATIONAL: 0.3},
    "cll": {LISO: 0.5, INVESTIGATIONAL: 0.5},
}
FALLBACK_PRODUCTS = {INVESTIGATIONAL: 1.0}

#  Indications that fill a published "Other" row, with their relative frequency, per setting.
OTHER_INDICATIONS: dict[str, dict[str, float]] = {
    "standard_of_care": {"mcl": 0.35, "b_all": 0.25, "fl": 0.2, "pmbcl": 0.2},
    "clinical_trial": {"multiple_myeloma": 0.35, "mcl": 0.25, "fl": 0.2, "cll": 0.1, "dlbcl_3l_plus": 0.1},
}

#  Age labels: tisagenlecleucel in B-ALL up to 25 years; brexucabtagene in B-ALL from 26 years (EU SmPC).
AGE_BANDS: dict[tuple[str, str, str], tuple[float, float]] = {
    ("standard_of_care", TISA, "b_all"): (18.0, 25.9),
    ("standard_of_care", BREXU, "b_all"): (26.0, 80.0),
}
ADULT_AGE = (18.0, 85.0)
TRIAL_AGE = (18.0, 80.0)
WEIGHT_KG = (40.0, 180.0)
#  Where each indication's patients sit in the age distribution, in SDs (PMBCL: young adults).
AGE_SHIFT_SD = {
    "pmbcl": -1.6,
    "b_all": -0.8,
    "multiple_myeloma": 0.15,
    "mcl": 0.35,
    "cll": 0.4,
    "dlbcl_2l": 0.1,
}


@dataclass(frozen=True)
class Profile:
    """Pivotal-trial behaviour of a product: any-grade CRS, grade >= 3 CRS, any ICANS, median CRS onset."""

    crs: float
    crs_severe: float
    icans: float
    onset_days: float


PROFILES: dict[str, Profile] = {
    AXI: Profile(0.94, 0.13, 0.87, 2.0),
    TISA: Profile(0.74, 0.23, 0.30, 3.0),
    LISO: Profile(0.42, 0.02, 0.30, 5.0),
    BREXU: Profile(0.91, 0.18, 0.63, 3.0),
    IDE: Profile(0.84, 0.05, 0.18, 1.0),
    CILTA: Profile(0.95, 0.04, 0.17, 7.0),
    OBE: Profile(0.69, 0.024, 0.23, 8.0),
    INVESTIGATIONAL: Profile(0.80, 0.08, 0.30, 3.0),
}
