"""A dataset as the OMOP CDM v5.4 tables: each frame with exactly its DDL columns, rows lacking what OMOP
requires left out and counted.

A row is left out when a column the DDL declares `NOT NULL` would be empty (a dose whose day is unknown, an
episode without onset, a patient without birth year, and then every row of that patient), and `OmopTables.left_out`
says how many per table, so that the command can say it: nothing is dropped silently, no date is made up.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from iectox.dataset import Dataset
from iectox.omop.clinical import condition_occurrence, death, drug_exposure, person
from iectox.omop.context import Context, ehr, stacked
from iectox.omop.ddl import cdm_tables
from iectox.omop.episodes import episode, episode_event
from iectox.omop.measures import measurement, observation

DATES = {
    "condition_occurrence": ("condition_start_date", "condition_end_date"),
    "drug_exposure": ("drug_exposure_start_date", "drug_exposure_end_date"),
    "measurement": ("measurement_date",),
    "observation": ("observation_date",),
    "death": ("death_date",),
    "episode": ("episode_start_date", "episode_end_date"),
}
"""The days of each table that tell when a person was observed (their observation_period spans them)."""


@dataclass(frozen=True)
class OmopTables:
    frames: dict[str, pd.DataFrame]
    left_out: dict[str, int] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        return {name: len(frame) for name, frame in self.frames.items()}


def _complete(name: str, frame: pd.DataFrame, persons: set[int], left_out: dict[str, int]) -> pd.DataFrame:
    """The rows with every required column filled (and, but in person, of a person kept)."""
    required = [c for c in cdm_tables()[name].required if c in frame]
    keep = frame[required].notna().all(axis=1)
    if name != "person" and "person_id" in frame:
        keep &= frame["person_id"].isin(persons)
    if int((~keep).sum()):
        left_out[name] = int((~keep).sum())
    return frame[keep.to_numpy()].reset_index(drop=True)


def _observation_period(frames: dict[str, pd.DataFrame], context: Context) -> pd.DataFrame:
    outcomes = context.dataset["outcomes"]
    days = [
        pd.DataFrame(
            {"person_id": context.persons(outcomes["infusion_id"]), "day": outcomes["last_follow_up"]}
        )
    ]
    for table, columns in DATES.items():
        for column in columns:
            days.append(frames[table][["person_id", column]].set_axis(["person_id", "day"], axis=1))
    spans = stacked(days).dropna()
    spans = spans[spans["person_id"].isin(frames["person"]["person_id"])]
    span = spans.groupby("person_id")["day"].agg(["min", "max"]).reset_index()
    return pd.DataFrame(
        {
            "observation_period_id": range(1, len(span) + 1),
            "person_id": span["person_id"],
            "observation_period_start_date": pd.to_datetime(span["min"]).dt.normalize(),
            "observation_period_end_date": pd.to_datetime(span["max"]).dt.normalize(),
            "period_type_concept_id": ehr(),
        }
    )


def omop_tables(dataset: Dataset) -> OmopTables:
    """The OMOP tables of a dataset (validate it first: `iectox.omop.write_duckdb` and `write_postgres` do)."""
    context = Context.of(dataset)
    left_out: dict[str, int] = {}
    persons_frame = _complete("person", person(context), set(), left_out)
    persons = set(persons_frame["person_id"])
    conditions = _complete("condition_occurrence", condition_occurrence(context), persons, left_out)
    drugs = _complete("drug_exposure", drug_exposure(context), persons, left_out)
    episodes = _complete("episode", episode(context), persons, left_out)
    frames = {
        "person": persons_frame,
        "death": _complete("death", death(context), persons, left_out),
        "condition_occurrence": conditions,
        "drug_exposure": drugs,
        "measurement": _complete("measurement", measurement(context, conditions), persons, left_out),
        "observation": _complete("observation", observation(context), persons, left_out),
        "episode": episodes,
        "episode_event": episode_event(episodes, drugs, conditions),
    }
    frames["observation_period"] = _observation_period(frames, context)
    ordered = {}
    for name, table in cdm_tables().items():
        frame = frames[name]
        ordered[name] = pd.DataFrame({c: frame.get(c) for c in table.names}, index=frame.index)
    return OmopTables(ordered, left_out)
