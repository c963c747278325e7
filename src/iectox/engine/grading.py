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
from iectox.grading.astct_crs import (
    DEVICE_GRADE_BY_CODE,
    FEVER_C,
    FLOW_CLASSED_DEVICES,
    LOW_FLOW_MAX_L_MIN,
    OTHER_HYPOTENSION_CAUSE,
    OTHER_OXYGEN_CAUSES,
)
from iectox.grading.astct_crs import INPUTS as CRS_INPUTS
from iectox.grading.astct_icans import (
    ADULT_INPUTS,
    CAPD_DELIRIUM,
    CAPD_LOW_GRADE,
    CEREBRAL_EDEMA_GRADE,
    CONSCIOUSNESS_GRADE,
    DEFAULT_CAPD_AGE,
    DELAY_CAPD_AGE,
    SEIZURE_GRADE,
)
from iectox.grading.episodes import SYNDROME_GRADES
from iectox.schema import CONTRACT, Kind, Vocabulary
from iectox.schema.vocabularies import (
    CEREBRAL_EDEMA,
    CONSCIOUSNESS,
    HYPOTENSION_CAUSE,
    OXYGEN_CAUSE,
    OXYGEN_DEVICE,
    SEIZURE,
)

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


def _crs_components() -> dict[str, str]:
    """The CRS inputs as graded by `iectox.grading.astct_crs`, each missing value at its mildest; reads the
    column `pressors` (vasopressors, vasopressin alone counting as one)."""
    device = code_grade(
        "oxygen_device", OXYGEN_DEVICE, [DEVICE_GRADE_BY_CODE[c] for c in OXYGEN_DEVICE.codes]
    )
    flow_classed = ", ".join(f"'{code}'" for code in FLOW_CLASSED_DEVICES)
    oxygen_elsewhere = ", ".join(f"'{OXYGEN_CAUSE.codes[i]}'" for i in OTHER_OXYGEN_CAUSES)
    hypotension_elsewhere = f"'{HYPOTENSION_CAUSE.codes[OTHER_HYPOTENSION_CAUSE]}'"
    return {
        "fever": f"coalesce(temperature_c >= {_number(FEVER_C)}, false)",
        # Lee 2019's waiver (iectox.grading.fever_waiver): CRS established by an earlier febrile row, then
        # therapy since (the row's flag, or a dose for CRS counted by `therapy_from`); `waivers` gives both times
        "given": (
            "coalesce(observed_at > first_fever_at OR (observed_at = first_fever_at AND ord > first_fever_ord), "
            "false) AND (coalesce(antipyretic_or_anticytokine_given, false) OR coalesce(therapy_from <= observed_at, "
            "false))"
        ),
        "hypotension_grade": (
            f"CASE WHEN coalesce(hypotension_cause IN ({hypotension_elsewhere}), false) THEN 0 "
            "WHEN pressors >= 2 THEN 4 WHEN pressors >= 1 THEN 3 WHEN coalesce(hypotension, false) THEN 2 ELSE 0 END"
        ),
        "hypoxia_grade": (
            f"CASE WHEN coalesce(oxygen_cause IN ({oxygen_elsewhere}), false) THEN 0 "
            f"WHEN oxygen_l_min IS NOT NULL AND (oxygen_device IS NULL OR oxygen_device IN ({flow_classed})) "
            f"THEN (CASE WHEN oxygen_l_min > {_number(LOW_FLOW_MAX_L_MIN)} THEN 3 WHEN oxygen_l_min > 0 THEN 2 "
            f"ELSE 0 END) ELSE {device} END"
        ),
        "crs_gradable": " OR ".join(f"{name} IS NOT NULL" for name in CRS_INPUTS[:6]),
    }


def _icans_components(capd_convention: str = "table") -> dict[str, str]:
    """The ICANS domains as graded by `iectox.grading.astct_icans`; reads `child` (CAPD instead of ICE)."""
    ice = " ".join(f"WHEN ice_score <= {top} THEN {grade}" for top, grade in ICE_GRADES)
    score = (
        f"CASE WHEN child THEN (CASE WHEN capd_score >= {CAPD_DELIRIUM} THEN 3 "
        f"WHEN capd_score >= 1 THEN {CAPD_LOW_GRADE[capd_convention]} ELSE 0 END) "
        f"ELSE (CASE {ice} ELSE 0 END) END"
    )
    sedated = "coalesce(sedated, false)"
    consciousness = code_grade("consciousness", CONSCIOUSNESS, _grades(CONSCIOUSNESS_GRADE))
    domains = [
        f"CASE WHEN {sedated} THEN 0 ELSE {score} END",
        f"CASE WHEN {sedated} THEN 0 ELSE {consciousness} END",
        code_grade("seizure", SEIZURE, _grades(SEIZURE_GRADE)),
        "CASE WHEN motor_weakness THEN 4 ELSE 0 END",
        code_grade("cerebral_edema", CEREBRAL_EDEMA, _grades(CEREBRAL_EDEMA_GRADE)),
    ]
    recorded = [
        f"(NOT {sedated} AND (CASE WHEN child THEN capd_score ELSE ice_score END) IS NOT NULL)",
        f"(NOT {sedated} AND consciousness IS NOT NULL)",
    ] + [f"{name} IS NOT NULL" for name in ADULT_INPUTS[2:]]
    return {"icans_worst": f"greatest({', '.join(domains)})", "icans_gradable": " OR ".join(recorded)}


def _grades(table: np.ndarray) -> list[int]:
    """A NumPy code-to-grade table without its last slot ("not recorded")."""
    return [int(g) for g in table[:-1]]


def graded_observations(
    source: str = "observations_aged", capd_age: float = DEFAULT_CAPD_AGE, capd_convention: str = "table"
) -> str:
    """Each observation's infusion key `k`, time, hour-known flag, position `ord`, `suspect` flag (see
    `iectox.engine.checks`) and grades (`crs_grade`, `icans_grade`, TINYINT, blank when not gradable); ties of
    time keep `ord`, as the NumPy path keeps them.

    Three layers, so that each component is computed once per row: the inputs that several rules read, the
    components of each grade, the grades."""
    vasopressin_alone = "CASE WHEN vasopressin AND coalesce(vasopressors, 0) = 0 THEN 1 ELSE 0 END"
    inputs = (
        f"SELECT o.*, w.first_fever_at, w.first_fever_ord, w.therapy_from, "
        f"coalesce(vasopressors, 0) + {vasopressin_alone} AS pressors, "
        f"coalesce(age_years < {_number(capd_age)} OR "
        f"(developmental_delay AND age_years < {_number(DELAY_CAPD_AGE)}), false) AS child "
        f"FROM {source} o LEFT JOIN waivers w ON o.k = w.k"
    )
    parts = {**_crs_components(), **_icans_components(capd_convention)}
    components = ", ".join(f"{sql} AS {name}" for name, sql in parts.items())
    layer = (
        "SELECT k, observed_at, coalesce(observed_at_time_known, true) AS known, ord, suspect, "
        f"{components}, greatest(hypotension_grade, hypoxia_grade) AS organ FROM ({inputs}) AS inputs"
    )
    crs = "CASE WHEN fever THEN greatest(organ, 1) WHEN given AND organ > 0 THEN organ ELSE 0 END"
    return (
        "SELECT k, observed_at, known, ord, suspect, "
        f"CAST(CASE WHEN crs_gradable THEN {crs} END AS TINYINT) AS crs_grade, "
        "CAST(CASE WHEN icans_gradable THEN icans_worst END AS TINYINT) AS icans_grade "
        f"FROM ({layer}) AS components"
    )


def first_fevers(source: str = "observations_aged") -> tuple[list[tuple[str, str]], str]:
    """Per infusion key with a febrile observation, its first one's time and position (`first_fever_at`,
    `first_fever_ord`): what `iectox.grading.fever_waiver.first_fevers` finds, as two grouped passes (no sort)
    to compute in turn, and the query that returns them."""
    fever = f"temperature_c >= {_number(FEVER_C)} AND observed_at IS NOT NULL"
    steps = [
        (
            "fever_times",
            f"SELECT k, min(observed_at) AS first_fever_at FROM {source} WHERE {fever} GROUP BY k",
        ),
    ]
    query = (
        "SELECT o.k, f.first_fever_at, min(o.ord) AS first_fever_ord FROM "
        f"{source} o JOIN fever_times f ON o.k = f.k AND o.observed_at = f.first_fever_at WHERE {fever} "
        "GROUP BY o.k, f.first_fever_at"
    )
    return steps, query


LATER = 1 << 62  # added to a row position to rank a later time after every row of an earlier one


def _spans(p: str, grade: str) -> str:
    """Pass 1, per infusion: rows with this grade, maximum, first time >= 1, first >= 2, last time >= 1."""
    return (
        f"count({grade}) AS {p}_rows, max({grade}) AS {p}_max, "
        f"min(observed_at) FILTER (WHERE {grade} >= 1) AS {p}_onset_at, "
        f"min(observed_at) FILTER (WHERE {grade} >= 2) AS {p}_g2_at, "
        f"max(observed_at) FILTER (WHERE {grade} >= 1) AS {p}_last_at"
    )


def _marks(p: str, grade: str) -> str:
    """Pass 2: among rows at the same time, which came first (the hour flag of the onset and of the first
    grade >= 2), the position of the last row >= 1, and the first later time back at grade 0."""
    return (
        f"min_by(g.known, g.ord) FILTER (WHERE g.{grade} >= 1 AND g.observed_at = s.{p}_onset_at) "
        f"AS {p}_onset_known, "
        f"min_by(g.known, g.ord) FILTER (WHERE g.{grade} >= 2 AND g.observed_at = s.{p}_g2_at) AS {p}_g2_known, "
        f"max(g.ord) FILTER (WHERE g.{grade} >= 1 AND g.observed_at = s.{p}_last_at) AS {p}_last_ord, "
        f"min(g.observed_at) FILTER (WHERE g.{grade} = 0 AND g.observed_at > s.{p}_last_at) AS {p}_next_at"
    )


def _resolution(p: str, grade: str) -> str:
    """Pass 3: the first row back to grade 0 after the last row >= 1: at the same time and later in the
    dataset, else at the first later time (the earliest of those rows)."""
    after = (
        f"g.{grade} = 0 AND ((g.observed_at = m.{p}_last_at AND g.ord > m.{p}_last_ord) "
        f"OR g.observed_at = m.{p}_next_at)"
    )
    rank = f"CASE WHEN g.observed_at = m.{p}_last_at THEN g.ord ELSE g.ord + {LATER} END"
    return (
        f"min(g.observed_at) FILTER (WHERE {after}) AS {p}_resolved_at, "
        f"min_by(g.known, {rank}) FILTER (WHERE {after}) AS {p}_resolved_known"
    )


def episode_steps(graded: str = "graded", keys: str = "infusion_keys") -> tuple[list[tuple[str, str]], str]:
    """Per infusion and syndrome, the episode `iectox.grading.episodes_from_grades` makes: onset (first grade
    >= 1), resolution (first grade 0 after the last grade >= 1), maximum grade, hours between onset and
    resolution when both hours are known, first grade >= 2, from the rows with a time and that grade; rows at
    the same time are ordered by their position in the dataset.

    Returns the tables to compute in turn (`spans`, `marks`, `resolutions`: three grouped passes over the
    graded rows, both syndromes at once, keyed by plain numbers and times, no sort of the rows) and the final
    query. Each table is materialised before the next reads it: as CTEs an engine may compute one twice."""
    grades = {syndrome.lower(): column for syndrome, column in SYNDROME_GRADES.items()}
    spans = ", ".join(_spans(p, c) for p, c in grades.items())
    marks = ", ".join(_marks(p, c) for p, c in grades.items())
    resolutions = ", ".join(_resolution(p, c) for p, c in grades.items())
    last = ", ".join(f"s.{p}_last_at" for p in grades)
    steps = [
        ("spans", f"SELECT k, {spans} FROM {graded} WHERE observed_at IS NOT NULL GROUP BY k"),
        (
            "marks",
            f"SELECT g.k, {marks}, {last} FROM {graded} g JOIN spans s ON g.k = s.k "
            f"WHERE g.observed_at IS NOT NULL GROUP BY g.k, {last}",
        ),
        (
            "resolutions",
            f"SELECT g.k, {resolutions} FROM {graded} g JOIN marks m ON g.k = m.k "
            "WHERE g.observed_at IS NOT NULL GROUP BY g.k",
        ),
    ]
    selects = []
    for syndrome in SYNDROME_GRADES:
        p = syndrome.lower()
        selects.append(
            f"SELECT i.infusion_id, '{syndrome}' AS syndrome, s.{p}_onset_at AS onset_at, "
            f"m.{p}_onset_known AS onset_at_time_known, e.{p}_resolved_at AS resolved_at, "
            f"e.{p}_resolved_known AS resolved_at_time_known, CAST(s.{p}_max AS INTEGER) AS max_grade, "
            f"CASE WHEN m.{p}_onset_known AND e.{p}_resolved_known THEN "
            f"CAST(date_diff('microsecond', s.{p}_onset_at, e.{p}_resolved_at) AS DOUBLE) "
            "/ CAST(3600000000 AS DOUBLE) END AS duration_h, "
            f"s.{p}_g2_at AS first_grade2_at, m.{p}_g2_known AS first_grade2_at_time_known "
            f"FROM spans s JOIN marks m ON s.k = m.k JOIN resolutions e ON s.k = e.k JOIN {keys} i ON s.k = i.k "
            f"WHERE s.{p}_rows > 0"
        )
    return steps, " UNION ALL ".join(selects)


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
