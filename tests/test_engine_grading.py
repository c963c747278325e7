"""The engine (SQL on DuckDB) grades and makes episodes exactly as the pandas path, and validates the same way."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from factories import seed_cohort
from iectox.dataset import Dataset
from iectox.engine import run, translate
from iectox.engine.run import observation_grades
from iectox.errors import DatasetInvalid, SourceError
from iectox.grading import agreement, episodes_from_grades, grade_dataset
from iectox.io.parquet import read_parquet_dataset, write_parquet_dataset
from iectox.schema.vocabularies import (
    CEREBRAL_EDEMA,
    CONSCIOUSNESS,
    HYPOTENSION_CAUSE,
    OXYGEN_CAUSE,
    OXYGEN_DEVICE,
    SEIZURE,
)

ENGINE = {"memory_limit": "1GB", "threads": 2}


@pytest.fixture(scope="module")
def seed(tmp_path_factory):
    folder = write_parquet_dataset(seed_cohort(), tmp_path_factory.mktemp("seed") / "seed.parquet")
    return folder, read_parquet_dataset(folder)


def _codes(rng, n, vocabulary, blank=0.1):
    values = np.array(vocabulary.codes, dtype=object)[rng.integers(0, len(vocabulary.codes), n)]
    values[rng.random(n) < blank] = None
    return pd.array(values, dtype="string")


def _numbers(rng, values, dtype, blank=0.1):
    values = pd.Series(values.astype("float64"))
    return values.mask(rng.random(len(values)) < blank).astype(dtype)


def _flags(rng, n, p, blank=0.1):
    return pd.array(np.where(rng.random(n) < blank, None, rng.random(n) < p), dtype="boolean")


def varied(dataset: Dataset, n: int = 30_000, seed: int = 7) -> Dataset:
    """`dataset` with random observations: every code, blanks in every input, children graded by CAPD,
    day-only times and several observations at the same time (ties keep their order)."""
    rng = np.random.default_rng(seed)
    tables = dict(dataset.tables)
    infusions = tables["infusions"].copy()
    children = rng.random(len(infusions)) < 0.15
    infusions["age_at_infusion"] = infusions["age_at_infusion"].mask(children, 8.5)
    # Young patients on either side of 21 years, some with developmental delay: CAPD up to 21 years.
    young = rng.random(len(infusions)) < 0.15
    ages = pd.Series(rng.choice([15.0, 21.5, 22.0], len(infusions)), index=infusions.index)
    infusions["age_at_infusion"] = infusions["age_at_infusion"].mask(young, ages)
    patients = tables["patients"].copy()
    patients["birth_year"] = pd.array([None] * len(patients), dtype="Int64")
    patients["developmental_delay"] = _flags(rng, len(patients), 0.5)
    ids = infusions["infusion_id"].to_numpy()
    days = infusions.set_index("infusion_id")["infusion_date"]
    infusion = ids[rng.integers(0, len(ids), n)]
    slot = rng.integers(0, 40, n)  # few distinct times per infusion: ties
    at = days.reindex(infusion).to_numpy() + (slot * 6).astype("timedelta64[h]")
    day_only = rng.random(n) < 0.1
    at = np.where(day_only, at.astype("datetime64[D]").astype("datetime64[ns]"), at)
    tables["observations"] = pd.DataFrame(
        {
            "infusion_id": infusion,
            "observed_at": at,
            "observed_at_time_known": ~day_only,
            "temperature_c": _numbers(rng, np.round(rng.normal(38.0, 0.9, n), 1).clip(34, 42), "float64"),
            "hypotension": _flags(rng, n, 0.2),
            "vasopressors": _numbers(rng, rng.choice(4, n, p=[0.85, 0.08, 0.05, 0.02]), "Int64"),
            "vasopressin": _flags(rng, n, 0.1),
            "oxygen_device": _codes(rng, n, OXYGEN_DEVICE),
            "oxygen_l_min": _numbers(rng, rng.choice([0, 1, 2, 4, 6, 6.5, 8, 15, 40], n), "float64"),
            "ice_score": _numbers(rng, rng.integers(0, 11, n), "Int64"),
            "consciousness": _codes(rng, n, CONSCIOUSNESS),
            "seizure": _codes(rng, n, SEIZURE),
            "motor_weakness": _flags(rng, n, 0.05),
            "cerebral_edema": _codes(rng, n, CEREBRAL_EDEMA),
            "capd_score": _numbers(rng, rng.integers(0, 20, n), "Int64"),
            "antipyretic_or_anticytokine_given": _flags(rng, n, 0.3),
        }
    )
    causes = np.random.default_rng(11)  # a stream of its own: the columns above stay as they were drawn
    tables["observations"] = tables["observations"].assign(
        oxygen_cause=_codes(causes, n, OXYGEN_CAUSE),
        hypotension_cause=_codes(causes, n, HYPOTENSION_CAUSE),
        sedated=_flags(causes, n, 0.1),
    )
    tables["observations"].loc[rng.random(n) < 0.02, ["temperature_c", "hypotension", "vasopressors"]] = None
    tables["infusions"], tables["patients"] = infusions, patients
    return Dataset.from_frames(tables)


@pytest.fixture(scope="module")
def larger(seed, tmp_path_factory):
    dataset = varied(seed[1])
    folder = write_parquet_dataset(dataset, tmp_path_factory.mktemp("varied") / "varied.parquet")
    return folder, read_parquet_dataset(folder)


def _key(grade) -> int:
    return -1 if pd.isna(grade) else int(grade)


def _same_grades(folder, dataset):
    graded = grade_dataset(dataset)
    ours = observation_grades(folder, **ENGINE)
    assert ours["row"].tolist() == list(range(2, len(graded) + 2))
    for column in ("crs_grade", "icans_grade"):
        pd.testing.assert_series_equal(ours[column], graded[column].reset_index(drop=True), check_names=False)
    return graded


def test_every_seed_observation_gets_the_pandas_grade(seed):
    graded = _same_grades(*seed)
    assert graded["crs_grade"].max() == 3 and graded["icans_grade"].max() == 4


def test_every_varied_observation_gets_the_pandas_grade(larger):
    graded = _same_grades(*larger)
    assert set(graded["crs_grade"].dropna()) == {0, 1, 2, 3, 4}
    assert set(graded["icans_grade"].dropna()) == {0, 1, 2, 3, 4}
    assert graded["crs_grade"].isna().sum() > 0  # not gradable rows stay blank


@pytest.mark.parametrize("which", ["seed", "larger"])
def test_episodes_and_tables_equal_the_pandas_path(which, request):
    folder, dataset = request.getfixturevalue(which)
    result = run(folder, **ENGINE)
    expected = episodes_from_grades(grade_dataset(dataset))
    pd.testing.assert_frame_equal(result.episodes, expected, check_exact=True)
    assert len(expected) == 2 * dataset["observations"]["infusion_id"].nunique()
    assert result.observations == len(dataset["observations"])
    graded = grade_dataset(dataset)
    for syndrome, column in (("CRS", "crs_grade"), ("ICANS", "icans_grade")):
        rows = result.grade_counts[result.grade_counts["syndrome"] == syndrome]
        ours = {_key(g): int(n) for g, n in zip(rows["grade"], rows["observations"], strict=True)}
        assert ours == {_key(g): int(n) for g, n in graded[column].value_counts(dropna=False).items()}
    pd.testing.assert_frame_equal(result.agreement, agreement(dataset, expected))


def test_partitioned_observations_keep_their_order(larger, tmp_path):
    folder, dataset = larger
    copy = write_parquet_dataset(dataset, tmp_path / "parts.parquet")
    whole = pq.read_table(copy / "observations.parquet")
    (copy / "observations.parquet").unlink()
    (copy / "observations.parquet").mkdir()
    for i, start in enumerate(range(0, whole.num_rows, 7_000)):
        pq.write_table(whole.slice(start, 7_000), copy / "observations.parquet" / f"part-{i:03d}.parquet")
    pd.testing.assert_frame_equal(run(copy, **ENGINE).episodes, run(folder, **ENGINE).episodes)


def test_bad_observations_give_the_validation_issues_and_nothing_else(seed, tmp_path):
    folder = write_parquet_dataset(seed[1], tmp_path / "bad.parquet")
    table = pq.read_table(folder / "observations.parquet")
    temperature = table.column("temperature_c").to_pylist()
    temperature[4] = 48.0
    devices = table.column("oxygen_device").to_pylist()
    devices[9] = "helmet"
    ids = table.column("infusion_id").to_pylist()
    ids[11] = "INF-9999"
    table = table.set_column(
        table.schema.get_field_index("temperature_c"), "temperature_c", pa.array(temperature)
    )
    table = table.set_column(
        table.schema.get_field_index("oxygen_device"), "oxygen_device", pa.array(devices)
    )
    table = table.set_column(table.schema.get_field_index("infusion_id"), "infusion_id", pa.array(ids))
    pq.write_table(table, folder / "observations.parquet")
    with pytest.raises(DatasetInvalid) as caught:
        run(folder, **ENGINE)
    found = [(i.rule, i.file, i.row, i.column, i.value) for i in caught.value.issues]
    assert found == [
        ("range", "observations.parquet", 6, "temperature_c", "48"),
        ("vocabulary", "observations.parquet", 11, "oxygen_device", "helmet"),
        ("reference", "observations.parquet", 13, "infusion_id", "INF-9999"),
    ]
    assert caught.value.issues[0].message == "temperature_c 48 is outside the plausible range 30-44 °C"


def test_observations_stored_with_other_types_are_refused_with_the_fix(seed, tmp_path):
    folder = write_parquet_dataset(seed[1], tmp_path / "typed.parquet")
    table = pq.read_table(folder / "observations.parquet")
    index = table.schema.get_field_index("temperature_c")
    table = table.set_column(index, "temperature_c", table.column(index).cast(pa.string()))
    pq.write_table(table, folder / "observations.parquet")
    with pytest.raises(SourceError, match="temperature_c is stored as string, not double"):
        run(folder, **ENGINE)


def test_the_sql_is_written_once_and_translated_for_spark():
    sql = "SELECT min_by(known, {'at': observed_at, 'ord': ord}) FROM graded"
    assert translate(sql, "duckdb") == sql
    assert (
        translate(sql, "spark") == "SELECT MIN_BY(known, STRUCT(observed_at AS at, ord AS ord)) FROM graded"
    )
    with pytest.raises(ValueError, match="unknown engine"):
        translate(sql, "oracle")


def test_the_small_tables_are_validated_as_any_dataset_and_observations_are_needed(seed, tmp_path):
    folder = write_parquet_dataset(seed[1], tmp_path / "small.parquet")
    table = pq.read_table(folder / "infusions.parquet")
    weights = table.column("weight_kg").to_pylist()
    weights[0] = 900.0
    index = table.schema.get_field_index("weight_kg")
    pq.write_table(table.set_column(index, "weight_kg", pa.array(weights)), folder / "infusions.parquet")
    with pytest.raises(DatasetInvalid) as caught:
        run(folder, **ENGINE)
    assert [(i.rule, i.file, i.row, i.column) for i in caught.value.issues] == [
        ("range", "infusions.parquet", 2, "weight_kg")
    ]
    pq.write_table(table, folder / "infusions.parquet")
    (folder / "observations.parquet").unlink()
    with pytest.raises(SourceError, match=r"has no observations\.parquet"):
        run(folder, **ENGINE)
