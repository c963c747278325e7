"""ASTCT 2019 grading of CRS and ICANS from bedside observations, episodes, and agreement with recorded grades.

    graded = grade_observations(dataset["observations"])      # + crs_grade, crs_reason, icans_grade, icans_reason
    episodes = episodes_from_grades(graded)                    # onset, resolution, max grade per infusion
    table = agreement(dataset, episodes)                       # recorded vs computed, ASTCT only
    concordance(dataset, "CRS", rows="Lee2014", columns="ASTCT2019")

Every grade carries its reason in words; a grade computed with missing inputs is a lower bound and says so.
Grade 5 (death) is never computed from observations: `agreement` carries it from a recorded death.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from iectox.dataset import Dataset
from iectox.grading.agreement import AGREES, DISAGREES, OTHER_SCALE, agreement, concordance, same_grade_share
from iectox.grading.astct_crs import grade_crs
from iectox.grading.astct_icans import CAPD_CONVENTIONS, DEFAULT_CAPD_AGE, grade_icans
from iectox.grading.episodes import episodes_from_grades
from iectox.grading.ice import ICE_ITEMS, ice_as_recorded, ice_score
from iectox.grading.inputs import GradingInputError

__all__ = [
    "AGREES",
    "DISAGREES",
    "GRADE_COLUMNS",
    "ICE_ITEMS",
    "OTHER_SCALE",
    "GradingInputError",
    "GradingSettings",
    "agreement",
    "capd_inputs",
    "concordance",
    "episodes_from_grades",
    "grade_dataset",
    "grade_observations",
    "ice_as_recorded",
    "ice_score",
    "observations_with_age",
    "same_grade_share",
]

GRADE_COLUMNS = ("crs_grade", "crs_reason", "icans_grade", "icans_reason")


@dataclass(frozen=True)
class GradingSettings:
    """Settings of ASTCT grading; each default is the consensus value and is printed in `docs/grading.md`.

    `capd_age`: children younger than this (`age_years`) are assessed with CAPD instead of ICE (ASTCT 2019 uses
    12 years; the cut-off is a setting because paediatric protocols differ).
    `capd_convention`: "table" (default: Lee 2019's Table 8 as written, CAPD 1-8 alone is grade 1) or
    "consciousness" (CAPD 1-8 grades nothing by itself; consciousness decides), for teams that grade so.
    """

    capd_age: float = DEFAULT_CAPD_AGE
    capd_convention: str = "table"

    def __post_init__(self) -> None:
        if not 0 <= self.capd_age <= 30:
            raise ValueError(f"capd_age must be an age in years (0-30), not {self.capd_age!r}")
        if self.capd_convention not in CAPD_CONVENTIONS:
            raise ValueError(
                f"capd_convention must be one of {', '.join(CAPD_CONVENTIONS)}, not {self.capd_convention!r}"
            )


def grade_observations(
    observations: pd.DataFrame,
    settings: GradingSettings | None = None,
    lang: str = "en",
    administrations: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The observations with `crs_grade`, `crs_reason`, `icans_grade` and `icans_reason` (in `lang`) added.

    Columns are those of the `observations` table (absent ones count as not recorded), plus optional
    `age_years` (blank = adult), `developmental_delay` (CAPD up to 21 years) and ICE items (`ICE_ITEMS`).
    Grades are Int64, blank when no input of the syndrome was recorded; reasons are categorical text.
    Vectorised: no Python runs per row.

    Fever is waived for CRS only after a febrile observation of the same infusion and antipyretic or
    anti-cytokine therapy since (`iectox.grading.fever_waiver`): the row's flag, or a dose for CRS in
    `administrations` (the dataset's table), which `grade_dataset` passes.
    """
    settings = settings or GradingSettings()
    crs_grade, crs_reason = grade_crs(observations, lang, administrations)
    icans_grade, icans_reason = grade_icans(observations, settings.capd_age, lang, settings.capd_convention)
    graded = observations.copy(deep=False)
    graded["crs_grade"] = crs_grade
    graded["crs_reason"] = pd.Series(crs_reason, index=observations.index)
    graded["icans_grade"] = icans_grade
    graded["icans_reason"] = pd.Series(icans_reason, index=observations.index)
    return graded


def capd_inputs(dataset: Dataset) -> pd.DataFrame:
    """Per infusion (the index), what decides whether CAPD replaces ICE: `age_years`, the infusion's
    `age_at_infusion`, and `developmental_delay`, its patient's (`astct_icans.uses_capd`)."""
    infusions = dataset["infusions"].drop_duplicates("infusion_id").set_index("infusion_id")
    patients = dataset["patients"].drop_duplicates("patient_id").set_index("patient_id")
    return pd.DataFrame(
        {
            "age_years": infusions["age_at_infusion"],
            "developmental_delay": infusions["patient_id"]
            .map(patients["developmental_delay"])
            .astype("boolean"),
        }
    )


def observations_with_age(dataset: Dataset) -> pd.DataFrame:
    """The dataset's observations with their infusion's `capd_inputs` (age and developmental delay)."""
    observations = dataset["observations"]
    inputs, infusion = capd_inputs(dataset), observations["infusion_id"]
    return observations.assign(
        age_years=infusion.map(inputs["age_years"]).astype("float64"),
        developmental_delay=infusion.map(inputs["developmental_delay"]).astype("boolean"),
    )


def grade_dataset(
    dataset: Dataset, settings: GradingSettings | None = None, lang: str = "en"
) -> pd.DataFrame:
    """`grade_observations` on a dataset's observations, children recognised from the infusion's age and
    fever waived by the doses for CRS of its administrations table."""
    administrations = dataset["administrations"]
    return grade_observations(observations_with_age(dataset), settings, lang, administrations)
