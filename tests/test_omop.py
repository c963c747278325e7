"""OMOP CDM v5.4 export: a 40-infusion synthetic cohort written into DuckDB and read back, counted table by table
against the dataset; the DDL round trip; every concept id in the shipped concept table; rows OMOP cannot take
left out and counted on the hand-made dataset; whole-or-nothing writes, into DuckDB and into PostgreSQL (a
throwaway cluster: tests/postgres_support.py); the command."""

from __future__ import annotations

import csv
import re

import duckdb
import pandas as pd
import pytest
from typer.testing import CliRunner

from factories import small_dataset
from iectox.cli.main import app
from iectox.dataset import Dataset
from iectox.errors import DatasetInvalid, OutputRefused
from iectox.grading import grade_dataset
from iectox.io import write_dataset
from iectox.omop import (
    LOCAL_FROM,
    MARK,
    cdm_tables,
    concepts,
    omop_tables,
    write_duckdb,
    write_postgres,
    writer,
)
from iectox.omop.concepts import concept_id, concepts_text
from iectox.omop.ddl import ddl_text
from iectox.schema import CONTRACT
from iectox.schema.labs import ANALYTES
from iectox.synth import generate

BEDSIDE = ("temperature_c", "oxygen_l_min", "ice_score", "capd_score")


@pytest.fixture(scope="module")
def cohort():
    return generate(40, observations=True)


@pytest.fixture(scope="module")
def written(cohort, tmp_path_factory):
    path = tmp_path_factory.mktemp("omop") / "cohort.duckdb"
    export = write_duckdb(cohort, path)
    with duckdb.connect(str(path), read_only=True) as con:
        frames = {name: con.execute(f"SELECT * FROM main.{name}").fetchdf() for name in cdm_tables()}
        columns = con.execute(
            "SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns "
            "WHERE table_schema = 'main' ORDER BY table_name, ordinal_position"
        ).fetchall()
        mark = dict(con.execute(f"SELECT key, value FROM main.{MARK}").fetchall())
    return export, frames, columns, mark


def _present(frame: pd.DataFrame, columns) -> int:
    return int(sum(frame[c].notna().sum() for c in columns))


def test_rows_per_table_equal_the_dataset(cohort, written):
    export, frames, _, _ = written
    episodes, infusions, observations = (
        cohort["toxicity_episodes"],
        cohort["infusions"],
        cohort["observations"],
    )
    graded = grade_dataset(cohort)
    findings = [
        c.name
        for c in CONTRACT.table("observations").columns
        if c.name not in ("infusion_id", "observed_at", *BEDSIDE)
    ]
    expected = {
        "person": len(cohort["patients"]),
        "observation_period": len(cohort["patients"]),
        "death": int(cohort["outcomes"]["status"].eq("dead").sum()),
        "condition_occurrence": len(episodes) + len(infusions),
        "drug_exposure": len(infusions) + len(cohort["administrations"]),
        "measurement": _present(observations, BEDSIDE)
        + _present(graded, ("crs_grade", "icans_grade"))
        + len(cohort["labs"])
        + _present(infusions, ("weight_kg", "height_cm"))
        + int(episodes["max_grade"].notna().sum()),
        "observation": _present(observations, findings),
        "episode": len(infusions) + len(episodes),
    }
    counts = {name: len(frame) for name, frame in frames.items()}
    assert {k: counts[k] for k in expected} == expected
    assert expected["person"] == 40 and expected["drug_exposure"] == 120 and expected["measurement"] > 3192
    assert export.counts == counts and export.left_out == {}
    assert sorted(frames["person"]["person_source_value"]) == sorted(cohort["patients"]["patient_id"])


def test_the_tables_are_those_of_the_official_ddl_and_required_columns_are_filled(written):
    _, frames, columns, mark = written
    read_back: dict[str, list[tuple[str, str, bool]]] = {}
    for table, column, kind, nullable in columns:
        read_back.setdefault(table, []).append((column, kind, nullable == "YES"))
    types = {"integer": "INTEGER", "date": "DATE", "timestamp": "TIMESTAMP", "numeric": "DECIMAL(18,3)"}
    for name, table in cdm_tables().items():
        expected = [(c.name, types.get(c.kind, "VARCHAR"), not c.required) for c in table.columns]
        assert read_back[name] == expected, name
        assert not frames[name][table.required].isna().any().any(), name
    assert set(read_back) == {*cdm_tables(), MARK}
    assert mark["cdm_version"] == "5.4"
    ddl = ddl_text()
    assert len(re.findall(r"CREATE TABLE @cdmDatabaseSchema\.\w+ \(", ddl)) == 9
    assert "person_id integer NOT NULL" in ddl and "episode_event_field_concept_id integer NOT NULL" in ddl


def test_every_concept_id_written_is_in_the_shipped_concept_table(written):
    _, frames, _, _ = written
    shipped = {c.concept_id for c in concepts().values()}
    used = set()
    for frame in frames.values():
        for column in frame.columns:
            if column.endswith("concept_id"):
                used |= set(frame[column].dropna().astype(int))
    assert used <= shipped
    assert {40171288, 1518254, 3020891, 32531, 32533, 1147127, 8645} <= used  # tocilizumab, dexamethasone...


def test_the_concept_table_says_where_each_id_comes_from_and_covers_every_code():
    rows = list(csv.DictReader(concepts_text().splitlines()))
    assert len(rows) == len(concepts()) == 102
    for row in rows:
        assert row["source"], row
        local = int(row["concept_id"]) > LOCAL_FROM
        if row["concept_id"] == "0":  # "No matching concept": neither standard nor local, OMOP's own
            continue
        assert local == (row["vocabulary_id"] == "iectox") == (row["standard_concept"] == ""), row
    assert concepts()["drug=tocilizumab"].code == "612865" and not concepts()["drug=tocilizumab"].local
    assert concepts()["syndrome=CRS"].local  # no standard id confirmed: a local one, said so
    for kind, table, column in (
        ("drug", "administrations", "drug"),
        ("drug", "infusions", "therapy"),
        ("syndrome", "toxicity_episodes", "syndrome"),
        ("indication", "infusions", "indication"),
    ):
        codes = CONTRACT.table(table).column(column).vocabulary.codes
        assert all(f"{kind}={code}" in concepts() for code in codes), column
    assert all(f"lab={code}" in concepts() for code in ANALYTES)


def test_recorded_grades_episodes_and_their_links(cohort, written):
    _, frames, _, _ = written
    conditions, episodes, events, measures = (
        frames[n] for n in ("condition_occurrence", "episode", "episode_event", "measurement")
    )
    recorded = cohort["toxicity_episodes"].dropna(subset=["max_grade"])
    grades = measures[measures["meas_event_field_concept_id"] == concept_id("field=condition_occurrence_id")]
    linked = grades.merge(conditions, left_on="measurement_event_id", right_on="condition_occurrence_id")
    assert len(linked) == len(recorded)
    assert sorted(linked["value_as_number"].astype(int)) == sorted(recorded["max_grade"].astype(int))
    assert set(linked["measurement_source_value"]) <= {
        f"{s} grade, ASTCT2019" for s in ("CRS", "ICANS", "IEC-HS")
    }
    disease = episodes[episodes["episode_concept_id"] == 32533]
    treatment = episodes[episodes["episode_concept_id"] == 32531].set_index("episode_id")
    assert len(disease) == len(recorded) and len(treatment) == 40
    parents = treatment.loc[disease["episode_parent_id"].astype(int), "episode_source_value"].tolist()
    infusion_of = dict(
        zip(
            cohort["toxicity_episodes"]["episode_id"], cohort["toxicity_episodes"]["infusion_id"], strict=True
        )
    )
    assert parents == [infusion_of[e] for e in disease["episode_source_value"]]
    to_conditions = events[events["episode_event_field_concept_id"] == 1147127]
    assert sorted(to_conditions["episode_id"]) == sorted(disease["episode_id"])
    computed = measures[measures["measurement_concept_id"] == concept_id("computed=crs_grade")]
    assert sorted(computed["value_as_number"]) == sorted(
        grade_dataset(cohort)["crs_grade"].dropna().astype(float)
    )


def test_rows_omop_cannot_take_are_left_out_and_counted_never_dated_by_guess():
    tables = omop_tables(small_dataset())
    # P-002 has no birth year: its person row goes, and with it its infusion (drug_exposure and treatment
    # episode), indication, weight and death; ADM-002 has no day.
    assert tables.left_out == {
        "person": 1,
        "death": 1,
        "condition_occurrence": 1,
        "drug_exposure": 2,
        "measurement": 1,
        "episode": 1,
    }
    assert tables.counts()["person"] == 2 and tables.counts()["drug_exposure"] == 4
    conditions = tables.frames["condition_occurrence"].set_index("condition_source_value")
    assert pd.isna(conditions.loc["ICANS", "condition_start_datetime"])  # onset recorded as a day only
    assert conditions.loc["ICANS", "condition_start_date"] == pd.Timestamp("2023-05-21")
    doses = tables.frames["drug_exposure"]
    assert list(doses["quantity"].dropna()) == [571.2, 640.0]


def test_an_invalid_dataset_or_a_file_iectox_did_not_write_is_refused(tmp_path):
    broken = small_dataset()
    broken["administrations"].loc[0, "infusion_id"] = "INF-404"
    with pytest.raises(DatasetInvalid):
        write_duckdb(broken, tmp_path / "broken.duckdb")
    assert not (tmp_path / "broken.duckdb").exists()
    foreign = tmp_path / "foreign.duckdb"
    foreign.write_text("the user's own file")
    with pytest.raises(OutputRefused):
        write_duckdb(small_dataset(), foreign)
    assert foreign.read_text() == "the user's own file"
    long_id = small_dataset()
    for table in ("patients", "infusions"):
        long_id[table].loc[0, "patient_id"] = "P-" + "7" * 60  # a valid iectox id, too long for OMOP's 50
    with pytest.raises(OutputRefused, match=r"person\.person_source_value holds at most 50 characters"):
        write_duckdb(long_id, tmp_path / "long.duckdb")
    assert not (tmp_path / "long.duckdb").exists()
    own = tmp_path / "own.duckdb"
    write_duckdb(small_dataset(), own)
    write_duckdb(small_dataset(), own)  # an earlier export of iectox is replaced
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_the_command_writes_the_file_and_says_what_it_left_out(tmp_path):
    write_dataset(small_dataset(), tmp_path / "data")
    result = CliRunner().invoke(app, ["omop", str(tmp_path / "data"), "--out", str(tmp_path / "omop.duckdb")])
    assert result.exit_code == 0, result.output
    assert "2 person" in result.output and "4 drug_exposure" in result.output
    assert "2 drug_exposure row(s) left out" in result.output
    refused = CliRunner().invoke(app, ["omop", str(tmp_path / "data")])
    assert refused.exit_code == 2


def _pg_counts(postgres, database: str, schema: str) -> dict[str, int]:
    query = " UNION ALL ".join(f"SELECT '{n}', count(*) FROM {schema}.{n}" for n in cdm_tables())
    lines = postgres.sql(query, database=database).split()
    return {line.split("|")[0]: int(line.split("|")[1]) for line in lines if "|" in line}


def test_postgres_gets_the_same_tables_in_one_transaction(postgres, cohort, written, monkeypatch):
    url = postgres.create_database("omop")
    export = write_postgres(cohort, url, "cdm")
    assert _pg_counts(postgres, "omop", "cdm") == written[0].counts == export.counts
    again = write_postgres(small_dataset(), url, "cdm")  # replaces its own export, in one transaction
    assert _pg_counts(postgres, "omop", "cdm") == again.counts
    assert postgres.sql(
        "SELECT year_of_birth FROM cdm.person ORDER BY person_id", database="omop"
    ).split() == [
        "1961",
        "1990",
    ]

    python_rows = writer._python

    def last_table_fails(frame, table):  # a value PostgreSQL refuses, in the last table written
        rows = python_rows(frame, table)
        return [("not a number", *row[1:]) for row in rows] if table.name == "episode_event" else rows

    monkeypatch.setattr(writer, "_python", last_table_fails)
    with pytest.raises(OutputRefused, match="PostgreSQL did not take the export"):
        write_postgres(cohort, url, "cdm")
    assert _pg_counts(postgres, "omop", "cdm") == again.counts


def test_postgres_refuses_a_schema_holding_someone_elses_omop_tables(postgres):
    url = postgres.create_database("their_cdm")
    postgres.sql(
        "CREATE SCHEMA cdm; CREATE TABLE cdm.person (person_id integer); INSERT INTO cdm.person VALUES (7);",
        database="their_cdm",
    )
    with pytest.raises(OutputRefused, match="did not write"):
        write_postgres(small_dataset(), url, "cdm")
    assert postgres.sql("SELECT person_id FROM cdm.person", database="their_cdm").split() == ["7"]
    secret = url.replace("@", ":wrong@", 1) if "@" in url else url
    with pytest.raises(OutputRefused) as refused:
        write_postgres(small_dataset(), re.sub(r"//([^:@/]+)(:[^@/]*)?@", r"//\1:hunter2@", secret), "cdm")
    assert "hunter2" not in refused.value.text()


def test_values_and_times_read_back_as_recorded(cohort, written):
    _, frames, _, _ = written
    measures = frames["measurement"]
    temperature = measures[measures["measurement_concept_id"] == 3020891]
    observations = cohort["observations"].dropna(subset=["temperature_c"])
    assert sorted(temperature["value_as_number"].astype(float)) == sorted(
        observations["temperature_c"].round(3)
    )
    assert sorted(temperature["measurement_datetime"]) == sorted(observations["observed_at"])
    doses = frames["drug_exposure"].dropna(subset=["quantity"])
    assert sorted(doses["quantity"].astype(float)) == sorted(cohort["administrations"]["dose_mg"].dropna())


def test_a_dataset_without_doses_observations_labs_or_episodes_exports_what_it_has():
    full = small_dataset()
    bare = Dataset.from_frames({t: full[t] for t in ("patients", "infusions", "outcomes")})
    tables = omop_tables(bare)
    assert tables.counts() == {
        "person": 2,
        "observation_period": 2,
        "death": 0,
        "condition_occurrence": 2,
        "drug_exposure": 2,
        "measurement": 3,  # weight and height at infusion
        "observation": 0,
        "episode": 2,
        "episode_event": 2,
    }


def test_keys_are_unique_and_every_reference_leads_to_a_row(written):
    _, frames, _, _ = written
    keys = {  # the primary keys of the official DDL (inst/ddl/5.4/*_primary_keys.sql)
        "person": "person_id",
        "observation_period": "observation_period_id",
        "condition_occurrence": "condition_occurrence_id",
        "drug_exposure": "drug_exposure_id",
        "measurement": "measurement_id",
        "observation": "observation_id",
        "episode": "episode_id",
    }
    for table, key in keys.items():
        assert frames[table][key].is_unique, table
    persons = set(frames["person"]["person_id"])
    for name, frame in frames.items():
        if "person_id" in frame:
            assert set(frame["person_id"]) <= persons, name
    episodes = frames["episode"]
    assert set(episodes["episode_parent_id"].dropna()) <= set(episodes["episode_id"])
    events = frames["episode_event"]
    assert set(events["episode_id"]) <= set(episodes["episode_id"])
    targets = {1147127: "condition_occurrence", 1147094: "drug_exposure"}
    for field, table in targets.items():
        linked = events.loc[events["episode_event_field_concept_id"] == field, "event_id"]
        assert len(linked) and set(linked) <= set(frames[table][keys[table]]), table
    grades = frames["measurement"]["measurement_event_id"].dropna()
    assert len(grades) and set(grades) <= set(frames["condition_occurrence"]["condition_occurrence_id"])


def test_a_bispecifics_doses_belong_to_its_treatment_episode():
    full = small_dataset()
    frames = {t: full[t].copy() for t in ("patients", "infusions", "administrations", "outcomes")}
    frames["infusions"].loc[2, "therapy"] = "teclistamab"
    steps = pd.DataFrame(
        {
            "administration_id": ["ADM-101", "ADM-102"],
            "infusion_id": ["INF-003", "INF-003"],
            "drug": ["teclistamab", "teclistamab"],
            "given_at": [pd.Timestamp("2024-11-04 09:00"), pd.Timestamp("2024-11-06 09:00")],
            "given_at_time_known": [True, True],
            "dose_mg": [4.8, 24.0],
            "route": ["SC", "SC"],
            "reason": ["treatment", "treatment"],
        }
    )
    frames["administrations"] = pd.concat([frames["administrations"], steps], ignore_index=True)
    tables = omop_tables(Dataset.from_frames(frames))
    drugs, episodes, events = (tables.frames[n] for n in ("drug_exposure", "episode", "episode_event"))
    teclistamab = episodes.loc[episodes["episode_source_value"] == "INF-003", "episode_id"].item()
    linked = drugs.set_index("drug_exposure_id").loc[
        events.loc[events["episode_id"] == teclistamab, "event_id"]
    ]
    assert list(linked["drug_concept_id"]) == [741578] * 3  # the start, then its two step-up doses
    assert sorted(linked["quantity"].dropna()) == [4.8, 24.0]
