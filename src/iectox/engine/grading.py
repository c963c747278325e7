"""ASTCT 2019 CRS and ICANS grades as SQL, generated from the declarations of `iectox.grading`.

Every threshold and every code-to-grade table below is read from `iectox.grading.astct_crs` and
`iectox.grading.astct_icans` (fever 38 °C, the 6 L/min low-flow boundary, each oxygen device's grade, the ICE
and CAPD cut-offs, the consciousness, seizure and oedema grades), so the SQL cannot drift from the NumPy
grading: it is the same rule written for a dataframe engine, and `tests/test_engine_grading.py` proves both give
the same grade on every observation. As there, a missing input counts at its mildest value, and a grade is blank
only when no input of its syndrome was recorded. The reasons in words stay with the NumPy grading (`iectox
grade`): at national scale the engine returns the grades and the episodes they make.

The SQL is written once, in DuckDB's dialect; `iectox.engine.dialect` translates it for the other engines.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from iectox.dataset import time_known_column
from iectox.grading.astct_crs import DEVICE_GRADE_BY_CODE, FEVER_C, LOW_FLOW_MAX_L_MIN
from iectox.grading.astct_crs import INPUTS as CRS_INPUTS
from iectox.grading.astct_icans import (
    ADULT_INPUTS,
    CAPD_DELIRIUM,
    CEREBRAL_EDEMA_GRADE,
    CONSCIOUSNESS_GRADE,
    DEFAULT_CAPD_AGE,
    SEIZURE_GRADE,
)
from iectox.grading.episodes import SYNDROME_GRADES
from iectox.schema import CONTRACT, Kind, Vocabulary
from iectox.schema.vocabularies import CEREBRAL_EDEMA, CONSCIOUSNESS, OXYGEN_DEVICE, SEIZURE

# ICE thresholds of ASTCT 2019 Table 6, as `icans_ice_grade` applies them: (highest score, grade).
ICE_GRADES = ((2, 3), (6, 2), (9, 1))


def _number(value: float) -> str:
    return repr(float(value))


def code_grade(column: str, vocabulary: Vocabulary, grades: Iterable[int]) -> str:
    """`CASE column WHEN code THEN grade ... ELSE 0 END`: the grade of each code, 0 when not recorded."""
    pairs = " ".join(
        f"WHEN '{code}' THEN {int(g)}" for code, g in zip(vocabulary.codes, grades, strict=False) if g
    )
    return f"CASE {column} {pairs} ELSE 0 END" if pairs else "0"


def crs_grade() -> str:
    """The ASTCT CRS grade of an observation row (see `iectox.grading.astct_crs`)."""
    fever = f"coalesce(temperature_c >= {_number(FEVER_C)}, false)"
    vasopressin_alone = "CASE WHEN vasopressin AND coalesce(vasopressors, 0) = 0 THEN 1 ELSE 0 END"
    pressors = f"(coalesce(vasopressors, 0) + {vasopressin_alone})"
    hypotension = (
        f"CASE WHEN {pressors} >= 2 THEN 4 WHEN {pressors} >= 1 THEN 3 "
        "WHEN coalesce(hypotension, false) THEN 2 ELSE 0 END"
    )
    device = code_grade(
        "oxygen_device", OXYGEN_DEVICE, [DEVICE_GRADE_BY_CODE[c] for c in OXYGEN_DEVICE.codes]
    )
    hypoxia = (
        f"CASE WHEN oxygen_device = 'nasal_cannula' AND oxygen_l_min > {_number(LOW_FLOW_MAX_L_MIN)} THEN 3 "
        "WHEN oxygen_device IS NULL AND oxygen_l_min > 0 THEN 2 "
        f"ELSE {device} END"
    )
    organ = f"greatest({hypotension}, {hypoxia})"
    given = "coalesce(antipyretic_or_anticytokine_given, false)"
    graded = (
        f"CASE WHEN {fever} THEN greatest({organ}, 1) WHEN {given} AND {organ} > 0 THEN {organ} ELSE 0 END"
    )
    gradable = " OR ".join(f"{name} IS NOT NULL" for name in CRS_INPUTS[:6])
    return f"CASE WHEN {gradable} THEN {graded} END"


def icans_grade(capd_age: float = DEFAULT_CAPD_AGE) -> str:
    """The ASTCT ICANS grade of an observation row, children (`age_years` below `capd_age`) by CAPD."""
    child = f"coalesce(age_years < {_number(capd_age)}, false)"
    ice = " ".join(f"WHEN ice_score <= {top} THEN {grade}" for top, grade in ICE_GRADES)
    score = (
        f"CASE WHEN {child} THEN (CASE WHEN capd_score >= {CAPD_DELIRIUM} THEN 3 ELSE 0 END) "
        f"ELSE (CASE {ice} ELSE 0 END) END"
    )
    domains = [
        score,
        code_grade("consciousness", CONSCIOUSNESS, _grades(CONSCIOUSNESS_GRADE)),
        code_grade("seizure", SEIZURE, _grades(SEIZURE_GRADE)),
        "CASE WHEN motor_weakness THEN 4 ELSE 0 END",
        code_grade("cerebral_edema", CEREBRAL_EDEMA, _grades(CEREBRAL_EDEMA_GRADE)),
    ]
    recorded = [f"(CASE WHEN {child} THEN capd_score ELSE ice_score END) IS NOT NULL"] + [
        f"{name} IS NOT NULL" for name in ADULT_INPUTS[1:]
    ]
    return f"CASE WHEN {' OR '.join(recorded)} THEN greatest({', '.join(domains)}) END"


def _grades(table: np.ndarray) -> list[int]:
    """A NumPy code-to-grade table without its last slot ("not recorded")."""
    return [int(g) for g in table[:-1]]


def graded_observations(source: str = "observations_aged", capd_age: float = DEFAULT_CAPD_AGE) -> str:
    """Each observation's identity, time and grades: `infusion_id, observed_at, known, ord, crs_grade,
    icans_grade`; `ord` is the row's position in the dataset (ties of time keep it, as the NumPy path)."""
    return (
        "SELECT infusion_id, observed_at, coalesce(observed_at_time_known, true) AS known, ord, "
        f"CAST({crs_grade()} AS INTEGER) AS crs_grade, CAST({icans_grade(capd_age)} AS INTEGER) AS icans_grade "
        f"FROM {source}"
    )


def _first(condition: str, name: str) -> str:
    """Time and hour-known flag of the first row (by time, then position) where `condition` holds."""
    key = "{'at': observed_at, 'ord': ord}"
    return (
        f"min(observed_at) FILTER (WHERE {condition}) AS {name}, "
        f"min_by(known, {key}) FILTER (WHERE {condition}) AS {name}_time_known"
    )


def episodes(graded: str = "graded") -> str:
    """Per infusion and syndrome, the episode `iectox.grading.episodes_from_grades` makes: onset (first grade
    >= 1), resolution (first grade 0 after the last grade >= 1), maximum grade, hours between onset and
    resolution when both hours are known, first grade >= 2. Two grouped passes, no sort of the rows."""
    parts = []
    for syndrome, column in SYNDROME_GRADES.items():
        rows = (
            f"SELECT infusion_id, observed_at, known, ord, {column} AS grade FROM {graded} "
            f"WHERE {column} IS NOT NULL AND observed_at IS NOT NULL AND infusion_id IS NOT NULL"
        )
        ill = (
            f"SELECT infusion_id, max(grade) AS max_grade, {_first('grade >= 1', 'onset_at')}, "
            f"{_first('grade >= 2', 'first_grade2_at')}, "
            "max_by(observed_at, {'at': observed_at, 'ord': ord}) FILTER (WHERE grade >= 1) AS last_at, "
            "max_by(ord, {'at': observed_at, 'ord': ord}) FILTER (WHERE grade >= 1) AS last_ord "
            "FROM rows GROUP BY infusion_id"
        )
        after = "r.grade = 0 AND (r.observed_at > s.last_at OR (r.observed_at = s.last_at AND r.ord > s.last_ord))"
        resolved = (
            "SELECT r.infusion_id, min(r.observed_at) AS resolved_at, "
            "min_by(r.known, {'at': r.observed_at, 'ord': r.ord}) AS resolved_at_time_known "
            f"FROM rows r JOIN spans s ON r.infusion_id = s.infusion_id WHERE {after} GROUP BY r.infusion_id"
        )
        parts.append(
            f"(WITH rows AS ({rows}), spans AS ({ill}), resolutions AS ({resolved}) "
            f"SELECT s.infusion_id, '{syndrome}' AS syndrome, s.onset_at, "
            "CASE WHEN s.onset_at IS NOT NULL THEN s.onset_at_time_known END AS onset_at_time_known, "
            "e.resolved_at, e.resolved_at_time_known, s.max_grade, "
            "CASE WHEN s.onset_at_time_known AND e.resolved_at_time_known "
            "THEN date_diff('microsecond', s.onset_at, e.resolved_at) / 3600000000.0 END AS duration_h, "
            "s.first_grade2_at, "
            "CASE WHEN s.first_grade2_at IS NOT NULL THEN s.first_grade2_at_time_known END "
            "AS first_grade2_at_time_known "
            "FROM spans s LEFT JOIN resolutions e ON s.infusion_id = e.infusion_id)"
        )
    return " UNION ALL ".join(parts)


SQL_TYPES = {
    Kind.TEXT: "VARCHAR",
    Kind.CATEGORY: "VARCHAR",
    Kind.INTEGER: "BIGINT",
    Kind.NUMBER: "DOUBLE",
    Kind.BOOLEAN: "BOOLEAN",
    Kind.DATE: "DATE",
    Kind.DATETIME: "TIMESTAMP",
}
OBSERVATION_INPUTS = (
    *((c.name, SQL_TYPES[c.kind]) for c in CONTRACT.table("observations").columns),
    (time_known_column("observed_at"), "BOOLEAN"),
)
"""Every column the grading SQL reads, with its SQL type: one absent from the files is blank on every row."""

GRADE_COUNT_DTYPES = {"syndrome": "string", "grade": "Int64", "observations": "Int64"}


def grade_counts(graded: str = "graded") -> str:
    """Observations per syndrome and computed grade (blank: not gradable), for the report."""
    return " UNION ALL ".join(
        f"SELECT '{syndrome}' AS syndrome, {column} AS grade, count(*) AS observations FROM {graded} "
        f"GROUP BY {column}"
        for syndrome, column in SYNDROME_GRADES.items()
    )
