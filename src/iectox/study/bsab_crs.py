"""CRS per dose of a bispecific antibody, for the report: per product, per step-up dose and for the treatment
doses of cycle 1, the patients dosed, those with a CRS after that dose (any grade, grade >= 2 on the study's
scale) and the median hours from that dose to the CRS onset. Numbers only; `iectox.render.bsab_crs` words
them. A CRS "follows" a dose as `iectox.analysis.bsab` says: its onset at or after the dose, before the
course's next one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from iectox.analysis.bsab import STEP_UP, crs_after_doses
from iectox.dataset import Dataset
from iectox.schema.vocabularies import BSAB_DRUG_CODES

# The rows of each product, in schedule order: the step-up doses, then the treatment doses of cycle 1.
CYCLE_1_TREATMENT = "treatment_cycle_1"
ROWS = (*STEP_UP, CYCLE_1_TREATMENT)


@dataclass(frozen=True)
class DoseCrs:
    """One dose of one product: `dosed` patients given it, `crs` of them with a CRS after it, `crs_grade2`
    with one of grade >= 2; `median_hours` from the dose to that CRS onset over the `timed` patients whose
    onset hour was recorded (None when none was)."""

    dose: str  # a step-up step, or CYCLE_1_TREATMENT
    dosed: int
    crs: int
    crs_grade2: int
    median_hours: float | None
    timed: int


@dataclass(frozen=True)
class ProductCrs:
    product: str  # the antibody's code (DRUG vocabulary)
    patients: int  # patients given at least one dose of it
    doses: tuple[DoseCrs, ...]  # only the doses given to at least one patient


@dataclass(frozen=True)
class BsabCrs:
    scale: str  # the grading scale of "grade >= 2"
    products: tuple[ProductCrs, ...]  # in the vocabulary's order


def _row(doses: pd.DataFrame) -> pd.Series:
    """Each dose's row of the table: its step-up step, the cycle-1 treatment doses, or none (blank)."""
    step = doses["dose_step"].astype("string")
    row = step.where(step.isin(STEP_UP))
    cycle_1 = (step == "treatment") & (pd.to_numeric(doses["cycle"], errors="coerce") == 1)
    return row.mask(cycle_1.fillna(False), CYCLE_1_TREATMENT)


def _dose_crs(dose: str, rows: pd.DataFrame) -> DoseCrs:
    """A patient counts once: CRS after any of their doses of that row; the hours are those from the
    earliest of their doses that a CRS followed."""
    hit = rows[rows["crs"]].sort_values("given_at", kind="stable").drop_duplicates("patient_id")
    hours = hit["hours"].dropna().to_numpy(dtype="float64")
    return DoseCrs(
        dose=dose,
        dosed=int(rows["patient_id"].nunique()),
        crs=len(hit),
        crs_grade2=int(rows.loc[rows["crs_grade2"], "patient_id"].nunique()),
        median_hours=float(np.median(hours)) if len(hours) else None,
        timed=len(hours),
    )


def bsab_crs_by_dose(dataset: Dataset, scale: str) -> BsabCrs | None:
    """The table's numbers, or None when the dataset holds no timed dose of a bispecific antibody."""
    doses = crs_after_doses(dataset["administrations"], dataset["toxicity_episodes"], scale)
    if doses.empty:
        return None
    patients = dataset["infusions"].drop_duplicates("infusion_id").set_index("infusion_id")["patient_id"]
    doses = doses.assign(patient_id=doses["infusion_id"].map(patients), row=_row(doses))
    products = []
    for product in (code for code in BSAB_DRUG_CODES if (doses["drug"] == code).any()):
        given = doses[doses["drug"] == product]
        lines = tuple(
            _dose_crs(row, given[given["row"] == row]) for row in ROWS if (given["row"] == row).any()
        )
        products.append(ProductCrs(product, int(given["patient_id"].nunique()), lines))
    return BsabCrs(scale, tuple(products))


__all__ = ["CYCLE_1_TREATMENT", "ROWS", "BsabCrs", "DoseCrs", "ProductCrs", "bsab_crs_by_dose"]
