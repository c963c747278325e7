"""What every OMOP table of one export shares: the dataset, its persons' ids, and the way times are written.

Ids are integers numbered in the dataset's order (person 1 is the first patient), so the same dataset gives the
same export; the iectox identifiers are kept in the `*_source_value` columns, and nothing else identifies a
patient (no name, no date of birth beyond the year iectox holds).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from iectox.dataset import Dataset, time_known_column
from iectox.omop.concepts import concept_id, concept_ids

EHR = "type=EHR"


@dataclass(frozen=True)
class Context:
    dataset: Dataset
    person_of_patient: dict[str, int]
    person_of_infusion: dict[str, int]

    @classmethod
    def of(cls, dataset: Dataset) -> Context:
        patients = dataset["patients"]["patient_id"].astype(str)
        person_of_patient = {p: i for i, p in enumerate(patients, start=1)}
        infusions = dataset["infusions"]
        person_of_infusion = {
            str(i): person_of_patient[str(p)]
            for i, p in zip(infusions["infusion_id"], infusions["patient_id"], strict=True)
        }
        return cls(dataset, person_of_patient, person_of_infusion)

    def persons(self, infusion_ids: pd.Series) -> pd.Series:
        return infusion_ids.astype(str).map(self.person_of_infusion).astype("Int64")


def day(moments: pd.Series) -> pd.Series:
    """The calendar day of each moment (NaT stays missing). A dataset's times are datetime64 already
    (`iectox.dataset.conform`); `pd.to_datetime` again would box thousands of them to decide on its cache."""
    return moments.dt.normalize()


def moment(frame: pd.DataFrame, column: str) -> pd.Series:
    """The time of day where it was recorded, else missing: a day-only record never gets an invented hour."""
    at = frame[column]
    known_column = time_known_column(column)
    if known_column not in frame:
        return at
    known = frame[known_column].astype("boolean").fillna(False).to_numpy(dtype=bool)
    return at.where(known)


def infusion_rows(context: Context, kind: str, column: str) -> pd.DataFrame:
    """One row per infusion on its day, coded `kind=` its `column` (the therapy, the indication), under the
    neutral names `named` gives each table's: drug_exposure, condition_occurrence and episode all start one."""
    infusions = context.dataset["infusions"]
    code = infusions[column].astype(str)
    return pd.DataFrame(
        {
            "person_id": context.persons(infusions["infusion_id"]),
            "concept_id": concept_ids(kind, code),
            "start_date": day(infusions["infusion_date"]),
            "source_value": code,
            "iectox_infusion_id": infusions["infusion_id"].astype(str),
        }
    )


def toxicity_rows(context: Context) -> pd.DataFrame:
    """One row per CRS, ICANS or IEC-HS episode from its onset to its resolution, coded by its syndrome, under
    the neutral names `named` gives each table's (condition_occurrence and episode both hold them)."""
    episodes = context.dataset["toxicity_episodes"]
    syndrome = episodes["syndrome"].astype(str)
    return pd.DataFrame(
        {
            "person_id": context.persons(episodes["infusion_id"]),
            "concept_id": concept_ids("syndrome", syndrome),
            "start_date": day(episodes["onset_at"]),
            "start_datetime": moment(episodes, "onset_at"),
            "end_date": day(episodes["resolved_at"]),
            "end_datetime": moment(episodes, "resolved_at"),
            "source_value": syndrome,
            "iectox_episode_id": episodes["episode_id"].astype(str),
            "iectox_infusion_id": episodes["infusion_id"].astype(str),
        }
    )


def named(frame: pd.DataFrame, concept: str, dates: str, source: str) -> pd.DataFrame:
    """Rows of `infusion_rows` or `toxicity_rows` under a table's names: `concept` for the concept id,
    `{dates}_start_date`, `{dates}_end_datetime`... for the times, `source` for the source value."""
    times = {c: f"{dates}_{c}" for c in ("start_date", "start_datetime", "end_date", "end_datetime")}
    return frame.rename(columns={"concept_id": concept, "source_value": source, **times})


def numbered(frame: pd.DataFrame, id_column: str, start: int = 1) -> pd.DataFrame:
    """`frame` with `id_column` numbered from `start` in its order."""
    frame = frame.reset_index(drop=True)
    frame.insert(0, id_column, np.arange(start, start + len(frame), dtype=np.int64))
    return frame


def stacked(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """The parts one below the other, with every part's columns; a column empty in a part does not type it."""
    columns = list(dict.fromkeys(c for p in parts for c in p.columns))
    filled = [p.dropna(axis=1, how="all") for p in parts if len(p)]
    if not filled:
        return pd.DataFrame(columns=columns)
    return pd.concat(filled, ignore_index=True).reindex(columns=columns)


def ehr() -> int:
    return concept_id(EHR)
