"""The tocilizumab dose for cytokine release syndrome, as the label states it, in one place.

Source: tocilizumab labels (RoActemra SmPC 4.2 posology, Actemra USPI section 2 dosage, "Cytokine Release
Syndrome"), repeated in the CAR-T product labels and NCCN: 8 mg/kg IV over 1 hour for patients weighing
30 kg or more, 12 mg/kg for patients under 30 kg, at most 800 mg per infusion. Every other module (the
synthetic cohort, vial planning, the management audit) asks this function rather than multiplying by 8.
"""

from __future__ import annotations

from typing import overload

import numpy as np
import numpy.typing as npt

TOCILIZUMAB_CRS_MG_PER_KG = 8.0  # patients of 30 kg or more
TOCILIZUMAB_CRS_MG_PER_KG_UNDER_30_KG = 12.0
TOCILIZUMAB_CRS_WEIGHT_CUTOFF_KG = 30.0  # 30.0 kg itself takes 8 mg/kg ("30 kg or more")
TOCILIZUMAB_CRS_MAX_DOSE_MG = 800.0  # per infusion, whatever the weight


@overload
def tocilizumab_dose_mg(weight_kg: float) -> float: ...


@overload
def tocilizumab_dose_mg(weight_kg: npt.ArrayLike) -> npt.NDArray[np.float64]: ...


def tocilizumab_dose_mg(weight_kg: npt.ArrayLike) -> float | npt.NDArray[np.float64]:
    """The label dose (mg) of one tocilizumab infusion for CRS at this actual body weight (kg).

    8 mg/kg from 30 kg, 12 mg/kg below 30 kg, capped at 800 mg (so every patient from 100 kg gets 800 mg).
    A scalar gives a float; an array (or Series) gives an array, element by element. A missing weight (NaN)
    gives a missing dose; a weight that is not positive is a bug upstream and raises ValueError.

    The dose is not rounded: rounding to whole vials is a pharmacy decision (`iectox.management.vials`).
    """
    weight = np.asarray(weight_kg, dtype=np.float64)
    dose = np.minimum(tocilizumab_mg_per_kg(weight) * weight, TOCILIZUMAB_CRS_MAX_DOSE_MG)
    return float(dose) if dose.ndim == 0 else dose


@overload
def tocilizumab_mg_per_kg(weight_kg: float) -> float: ...


@overload
def tocilizumab_mg_per_kg(weight_kg: npt.ArrayLike) -> npt.NDArray[np.float64]: ...


def tocilizumab_mg_per_kg(weight_kg: npt.ArrayLike) -> float | npt.NDArray[np.float64]:
    """The label's mg/kg at this weight (12 below 30 kg, 8 from 30 kg), before the 800 mg cap: the branch of
    the label rule a dose came from, so that a page can show "8 mg/kg = 560 mg" and a reader check it.
    A missing weight (NaN) gives NaN."""
    weight = np.asarray(weight_kg, dtype=np.float64)
    if np.any(weight <= 0) or np.any(np.isinf(weight)):
        raise ValueError(f"a body weight must be a positive number of kg, got {weight_kg!r}")
    per_kg = np.where(
        weight < TOCILIZUMAB_CRS_WEIGHT_CUTOFF_KG,
        TOCILIZUMAB_CRS_MG_PER_KG_UNDER_30_KG,
        TOCILIZUMAB_CRS_MG_PER_KG,
    )
    per_kg = np.where(np.isnan(weight), np.nan, per_kg)  # a missing weight has no branch
    return float(per_kg) if per_kg.ndim == 0 else per_kg
