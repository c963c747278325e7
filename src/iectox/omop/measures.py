"""measurement and observation: bedside values, labs, body size, and the grades, recorded and computed.

- measurement: temperature, oxygen flow, ICE and CAPD scores of each bedside observation; each lab result in its
  analyte's canonical unit (the value as reported kept in `value_source_value`); weight and height at
  infusion; each episode's recorded grade, linked to its condition_occurrence row (`measurement_event_id`,
  field concept condition_occurrence.condition_occurrence_id), its scale in `measurement_source_value`; and
  the CRS and ICANS grades iectox computes from each observation (ASTCT 2019), a local concept of their own
  so that they are never pooled with the recorded ones;
- observation: every other bedside finding ASTCT grading reads (hypotension, vasopressors, oxygen device,
  consciousness, seizure...), coded values as text.
"""

from __future__ import annotations

import pandas as pd

from iectox.grading import grade_dataset
from iectox.omop.concepts import concept_id, concept_ids
from iectox.omop.context import Context, day, ehr, moment, numbered, stacked
from iectox.schema import Kind
from iectox.schema.labs import ANALYTES, canonical_values

BEDSIDE = (
    ("temperature_c", "Cel"),
    ("oxygen_l_min", "L/min"),
    ("ice_score", "{score}"),
    ("capd_score", "{score}"),
)
COMPUTED = ("crs_grade", "icans_grade")
BODY = (("weight_kg", "kg"), ("height_cm", "cm"))
UCUM = {"10^9/L": "10*9/L"}
"""iectox's lab units that UCUM spells otherwise; the others are UCUM already."""


def _rows(
    context: Context, frame: pd.DataFrame, term: str, values: pd.Series, at: str, unit: str | None
) -> pd.DataFrame:
    """A measurement per present value of `values` (a column of `frame`), at `frame[at]`."""
    present = values.notna().to_numpy()
    frame, values = frame[present], values[present]
    return pd.DataFrame(
        {
            "person_id": context.persons(frame["infusion_id"]),
            "measurement_concept_id": concept_id(term),
            "measurement_date": day(frame[at]),
            "measurement_datetime": moment(frame, at),
            "value_as_number": values.astype("float64"),
            "unit_concept_id": None if unit is None else concept_id(f"unit={unit}"),
            "measurement_source_value": term.split("=", 1)[1],
            "unit_source_value": unit,
        }
    )


def _labs(context: Context) -> pd.DataFrame:
    labs = context.dataset["labs"]
    analyte = labs["analyte"].astype(str)
    units = analyte.map({code: UCUM.get(a.canonical, a.canonical) for code, a in ANALYTES.items()})
    reported = labs["value"].astype(str) + " " + labs["unit"].astype(str)
    return pd.DataFrame(
        {
            "person_id": context.persons(labs["infusion_id"]),
            "measurement_concept_id": concept_ids("lab", analyte),
            "measurement_date": day(labs["measured_at"]),
            "measurement_datetime": moment(labs, "measured_at"),
            "value_as_number": canonical_values(labs).astype("float64").to_numpy(),
            "unit_concept_id": concept_ids("unit", units),
            "measurement_source_value": analyte.to_numpy(),
            "unit_source_value": units.to_numpy(),
            "value_source_value": reported.to_numpy(),
        }
    )


def _recorded_grades(context: Context, conditions: pd.DataFrame) -> pd.DataFrame:
    episodes = context.dataset["toxicity_episodes"]
    graded = episodes[episodes["max_grade"].notna()]
    toxicity = conditions.dropna(subset=["iectox_episode_id"])
    condition_of = dict(zip(toxicity["iectox_episode_id"], toxicity["condition_occurrence_id"], strict=True))
    frame = _rows(context, graded, "grade=CRS", graded["max_grade"], "onset_at", None)
    syndrome = graded["syndrome"].astype(str).to_numpy()
    frame["measurement_concept_id"] = concept_ids("grade", syndrome)  # each its own syndrome's
    frame["measurement_source_value"] = [
        f"{s} grade, {scale}" for s, scale in zip(syndrome, graded["grading_scale"].astype(str), strict=True)
    ]
    frame["measurement_event_id"] = (
        graded["episode_id"].astype(str).map(condition_of).astype("Int64").to_numpy()
    )
    frame["meas_event_field_concept_id"] = concept_id("field=condition_occurrence_id")
    return frame


def measurement(context: Context, conditions: pd.DataFrame) -> pd.DataFrame:
    observations = context.dataset["observations"]
    infusions = context.dataset["infusions"]
    graded = grade_dataset(context.dataset)
    parts = [
        *(
            _rows(context, observations, f"measure={c}", observations[c], "observed_at", u)
            for c, u in BEDSIDE
        ),
        *(_rows(context, graded, f"computed={c}", graded[c], "observed_at", None) for c in COMPUTED),
        _labs(context),
        *(_rows(context, infusions, f"body={c}", infusions[c], "infusion_date", u) for c, u in BODY),
        _recorded_grades(context, conditions),
    ]
    frame = stacked(parts)
    frame["measurement_type_concept_id"] = ehr()
    return numbered(frame, "measurement_id")


def _text(values: pd.Series, kind: Kind) -> pd.Series:
    if kind is Kind.BOOLEAN:
        return values.astype("boolean").map({True: "yes", False: "no"}).astype("string")
    if kind is Kind.INTEGER:
        return values.astype("Int64").astype("string")
    return values.astype("string")


def observation(context: Context) -> pd.DataFrame:
    observations = context.dataset["observations"]
    measured = {c for c, _ in BEDSIDE}
    findings = [
        c
        for c in context.dataset.schema.table("observations").columns
        if c.name not in ("infusion_id", "observed_at", *measured)
    ]
    parts = []
    for column in findings:
        values = observations[column.name]
        present = values.notna().to_numpy()
        rows, values = observations[present], values[present]
        number = values.astype("Int64") if column.kind in (Kind.BOOLEAN, Kind.INTEGER) else None
        text = _text(values, column.kind)
        parts.append(
            pd.DataFrame(
                {
                    "person_id": context.persons(rows["infusion_id"]),
                    "observation_concept_id": concept_id(f"finding={column.name}"),
                    "observation_date": day(rows["observed_at"]),
                    "observation_datetime": moment(rows, "observed_at"),
                    "value_as_number": None if number is None else number.astype("float64"),
                    "value_as_string": text,
                    "observation_source_value": column.name,
                    "value_source_value": text,
                }
            )
        )
    frame = stacked(parts)
    frame["observation_type_concept_id"] = ehr()
    return numbered(frame, "observation_id")
