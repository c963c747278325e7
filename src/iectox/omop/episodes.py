"""The oncology extension's episode and episode_event tables.

- a treatment episode (Treatment Regimen) per infusion, from the infusion day, its object the CAR-T product or
  bispecific, its events the infusion's drug_exposure row and, for a bispecific, every dose of that product
  given after that start (step-up and treatment doses);
- a disease episode (Disease Episode) per CRS, ICANS or IEC-HS episode, from its onset to its resolution, its
  object the syndrome, its parent the infusion's treatment episode, its events the condition_occurrence row
  (whose recorded grade the measurement table links to) and the doses given for that syndrome after that
  infusion (tocilizumab, corticosteroids, anakinra...).
"""

from __future__ import annotations

import pandas as pd

from iectox.omop.concepts import concept_id
from iectox.omop.context import Context, infusion_rows, named, numbered, stacked, toxicity_rows


def episode(context: Context) -> pd.DataFrame:
    names = ("episode_object_concept_id", "episode", "iectox_code")
    treatment = named(infusion_rows(context, "drug", "therapy"), *names)
    treatment = treatment.assign(
        episode_concept_id=concept_id("episode=treatment_regimen"),
        episode_source_value=treatment["iectox_infusion_id"],
        iectox_episode_id=pd.NA,
    )
    disease = named(toxicity_rows(context), *names)
    disease = disease.assign(
        episode_concept_id=concept_id("episode=disease_episode"),
        episode_source_value=disease["iectox_episode_id"],
    )
    frame = numbered(stacked([treatment, disease]), "episode_id")
    frame["episode_type_concept_id"] = concept_id("episode_type=ehr_defined")
    is_treatment = frame["iectox_episode_id"].isna()
    parent = dict(
        zip(frame.loc[is_treatment, "iectox_infusion_id"], frame.loc[is_treatment, "episode_id"], strict=True)
    )
    frame["episode_parent_id"] = frame["iectox_infusion_id"].map(parent).where(~is_treatment).astype("Int64")
    return frame


def episode_event(episodes: pd.DataFrame, drugs: pd.DataFrame, conditions: pd.DataFrame) -> pd.DataFrame:
    """Links of each episode to the rows it groups (written tables only: the caller passes what it kept)."""
    treatment = episodes[episodes["iectox_episode_id"].isna()]
    disease = episodes[episodes["iectox_episode_id"].notna()]
    doses = drugs[~drugs["iectox_infusion_row"] & drugs["iectox_reason"].notna()]
    drug_field = concept_id("field=drug_exposure_id")
    condition_field = concept_id("field=condition_occurrence_id")
    regimen = treatment.merge(
        drugs,
        left_on=["iectox_infusion_id", "episode_object_concept_id"],
        right_on=["iectox_infusion_id", "drug_concept_id"],
    )  # the infusion itself, and a bispecific's doses (step-up, treatment) after that start
    links = [
        regimen[["episode_id", "drug_exposure_id"]]
        .set_axis(["episode_id", "event_id"], axis=1)
        .assign(episode_event_field_concept_id=drug_field),
        disease.merge(conditions.dropna(subset=["iectox_episode_id"]), on="iectox_episode_id")[
            ["episode_id", "condition_occurrence_id"]
        ]
        .set_axis(["episode_id", "event_id"], axis=1)
        .assign(episode_event_field_concept_id=condition_field),
        disease.assign(iectox_reason=disease["episode_source_value"].map(_syndrome_of(conditions)))
        .merge(doses, on=["iectox_infusion_id", "iectox_reason"])[["episode_id", "drug_exposure_id"]]
        .set_axis(["episode_id", "event_id"], axis=1)
        .assign(episode_event_field_concept_id=drug_field),
    ]
    return pd.concat(links, ignore_index=True).sort_values(["episode_id", "event_id"], kind="stable")


def _syndrome_of(conditions: pd.DataFrame) -> dict[str, str]:
    toxicity = conditions.dropna(subset=["iectox_episode_id"])
    return dict(zip(toxicity["iectox_episode_id"], toxicity["condition_source_value"], strict=True))
