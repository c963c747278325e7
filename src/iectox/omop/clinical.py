"""person, death, drug_exposure and condition_occurrence from the dataset's patients, infusions, doses and
episodes.

A row whose date OMOP requires is unknown (a dose with no time, an episode with no onset, a patient with no
birth year) cannot be written; it is left out and counted by `iectox.omop.tables`, never given a made-up date.
"""

from __future__ import annotations

import pandas as pd

from iectox.omop.concepts import concept_id, concept_ids
from iectox.omop.context import (
    Context,
    day,
    ehr,
    infusion_rows,
    moment,
    named,
    numbered,
    stacked,
    toxicity_rows,
)

NO_MATCH = "no_matching_concept"
SEX = {"male": "sex=male", "female": "sex=female"}


def person(context: Context) -> pd.DataFrame:
    patients = context.dataset["patients"]
    sex = patients["sex"].astype(str)
    return pd.DataFrame(
        {
            "person_id": patients["patient_id"].astype(str).map(context.person_of_patient).astype("Int64"),
            "gender_concept_id": [concept_id(SEX.get(s, NO_MATCH)) for s in sex],
            "year_of_birth": patients["birth_year"].astype("Int64"),
            "race_concept_id": concept_id(NO_MATCH),
            "ethnicity_concept_id": concept_id(NO_MATCH),
            "person_source_value": patients["patient_id"].astype(str),
            "gender_source_value": sex,
        }
    )


def death(context: Context) -> pd.DataFrame:
    """One row per person who died, on the earliest death date recorded (the cause, free text, is not
    exported: it could identify)."""
    outcomes = context.dataset["outcomes"]
    dead = outcomes[outcomes["status"].astype(str).eq("dead")]
    frame = pd.DataFrame(
        {"person_id": context.persons(dead["infusion_id"]), "death_date": day(dead["death_date"])}
    )
    frame = frame.sort_values(["person_id", "death_date"]).drop_duplicates("person_id")
    return frame.assign(death_type_concept_id=ehr()).reset_index(drop=True)


def drug_exposure(context: Context) -> pd.DataFrame:
    """The infusions of the CAR-T product or bispecific first, then every dose of the administrations table,
    each one day long (a dose is given, not dispensed)."""
    doses = context.dataset["administrations"]
    infused = named(
        infusion_rows(context, "drug", "therapy"), "drug_concept_id", "drug_exposure", "drug_source_value"
    ).assign(iectox_reason=pd.NA)
    given = pd.DataFrame(
        {
            "person_id": context.persons(doses["infusion_id"]),
            "drug_concept_id": concept_ids("drug", doses["drug"].astype(str)),
            "drug_exposure_start_date": day(doses["given_at"]),
            "drug_exposure_start_datetime": moment(doses, "given_at"),
            "quantity": doses["dose_mg"].astype("Float64"),
            "route_source_value": doses["route"].astype("string"),
            "drug_source_value": doses["drug"].astype(str),
            "dose_unit_source_value": doses["dose_mg"].notna().map({True: "mg", False: None}),
            "iectox_infusion_id": doses["infusion_id"].astype(str),
            "iectox_reason": doses["reason"].astype("string"),
        }
    )
    frame = stacked([infused, given])
    frame["drug_exposure_end_date"] = frame["drug_exposure_start_date"]
    frame["drug_exposure_end_datetime"] = frame.get("drug_exposure_start_datetime")
    frame["drug_type_concept_id"] = ehr()
    frame["iectox_infusion_row"] = [True] * len(infused) + [False] * len(given)
    return numbered(frame, "drug_exposure_id")


def condition_occurrence(context: Context) -> pd.DataFrame:
    """Each CRS, ICANS or IEC-HS episode from its onset to its resolution, then each infusion's indication
    from the infusion day."""
    names = ("condition_concept_id", "condition", "condition_source_value")
    toxicity = named(toxicity_rows(context), *names)
    indication = named(infusion_rows(context, "indication", "indication"), *names)
    frame = stacked([toxicity, indication])
    frame["condition_type_concept_id"] = ehr()
    return numbered(frame, "condition_occurrence_id")
