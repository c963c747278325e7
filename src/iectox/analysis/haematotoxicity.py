"""The lab-based columns of the analysis table: CAR-HEMATOTOX, ICAHT and IEC-HS per infusion.

Each is computed by its grading module (`iectox.grading.car_hematotox`, `icaht`, `hines_iechs`), named after its
source; this module only puts their numbers on the infusion rows. Without labs every column is blank.
"""

from __future__ import annotations

import pandas as pd

from iectox.dataset import Dataset
from iectox.grading.car_hematotox import car_hematotox
from iectox.grading.hines_iechs import iechs
from iectox.grading.icaht import icaht
from iectox.grading.lab_days import lab_days

COLUMNS = (
    "hematotox_score",
    "hematotox_risk",
    "icaht_early",
    "severe_neutropenia_days",
    "icaht_late",
    "iechs_lab_criteria",
    "iechs_grade",
)


def haematotoxicity(dataset: Dataset, infusions: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """Per infusion (the index of `infusions`, by infusion_id): scores, grades and their reasons."""
    ids = pd.Index(infusions["infusion_id"].astype(object), name="infusion_id")
    days = lab_days(dataset["labs"], infusions)
    parts = [
        car_hematotox(days, ids, lang),
        icaht(days, ids, lang),
        iechs(days, ids, dataset["administrations"], infusions, dataset["toxicity_episodes"], lang),
    ]
    return pd.concat(parts, axis=1).set_axis(infusions.index)
