"""The Parquet dataset format: exact round trips, and validation exactly as for CSV, all-or-nothing."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factories import seed_cohort, small_dataset
from iectox.dataset import Dataset
from iectox.errors import DatasetInvalid, SourceError
from iectox.io import check_path, read_dataset, write_dataset
from iectox.io.parquet import (
    arrow_schema,
    check_parquet,
    is_parquet_dataset,
    read_parquet_dataset,
    write_parquet_dataset,
)
from iectox.schema import CONTRACT, Kind
from iectox.schema.vocabularies import CEREBRAL_EDEMA, CONSCIOUSNESS, OXYGEN_DEVICE, SEIZURE

OBSERVATIONS = CONTRACT.table("observations")


def assert_same(again: Dataset, original: Dataset) -> None:
    for table in original:
        pd.testing.assert_frame_equal(again[table], original[table], check_exact=True)


def test_small_dataset_round_trip_is_exact(tmp_path):
    original = small_dataset()
    folder = write_parquet_dataset(original, tmp_path / "registry.parquet")
    assert sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")) == sorted(
        f"{t}.parquet" for t in CONTRACT.table_names
    )
    again = read_parquet_dataset(folder)
    assert_same(again, original)
    episodes = again["toxicity_episodes"]
    assert episodes["resolved_at_time_known"].tolist()[:1] == [False]
    assert episodes["resolved_at"].tolist()[2] == pd.Timestamp("2024-11-12 00:00")
    assert episodes["resolved_at_time_known"].tolist()[2] is True


def test_seed_cohort_round_trip_is_exact(tmp_path):
    original = seed_cohort()
    assert_same(read_parquet_dataset(write_parquet_dataset(original, tmp_path / "seed.parquet")), original)


def test_files_carry_the_contract_types(tmp_path):
    folder = write_parquet_dataset(small_dataset(), tmp_path / "r.parquet")
    stored = pq.read_schema(folder / "toxicity_episodes.parquet")
    assert stored.field("onset_at").type == pa.timestamp("us")
    assert stored.field("onset_at_time_known").type == pa.bool_()
    assert stored.field("max_grade").type == pa.int64()
    assert pq.read_schema(folder / "infusions.parquet").field("infusion_date").type == pa.date32()
    assert stored.names == arrow_schema(CONTRACT.table("toxicity_episodes")).names


def _observations(draw, ids: list[str], n: int) -> pd.DataFrame:
    """`n` random valid observation rows: every kind of column, blanks, day-only and full times."""

    def maybe(strategy):
        return st.one_of(st.none(), strategy)

    def column(strategy):
        return draw(st.lists(strategy, min_size=n, max_size=n))

    # From the last infusion day of the small dataset on: an observation is never before its infusion day.
    minutes = st.datetimes(dt.datetime(2024, 11, 2), dt.datetime(2030, 12, 31)).map(
        lambda t: t.replace(second=0, microsecond=0)
    )
    day_only = column(st.booleans())
    at = [
        pd.Timestamp(t).normalize() if d else pd.Timestamp(t)
        for t, d in zip(column(minutes), day_only, strict=True)
    ]

    def numbers(low, high):
        return maybe(st.floats(low, high, allow_nan=False).map(lambda v: float(v)))

    def codes(vocabulary):
        return maybe(st.sampled_from(vocabulary.codes))

    frame = pd.DataFrame(
        {
            "infusion_id": column(st.sampled_from(ids)),
            "observed_at": at,
            "observed_at_time_known": [not d for d in day_only],
            "temperature_c": column(numbers(30, 44)),
            "hypotension": column(maybe(st.booleans())),
            "vasopressors": column(maybe(st.integers(0, 6))),
            "vasopressin": column(maybe(st.booleans())),
            "oxygen_device": column(codes(OXYGEN_DEVICE)),
            "oxygen_l_min": column(numbers(0, 80)),
            "ice_score": column(maybe(st.integers(0, 10))),
            "consciousness": column(codes(CONSCIOUSNESS)),
            "seizure": column(codes(SEIZURE)),
            "motor_weakness": column(maybe(st.booleans())),
            "cerebral_edema": column(codes(CEREBRAL_EDEMA)),
            "capd_score": column(maybe(st.integers(0, 32))),
            "antipyretic_or_anticytokine_given": column(maybe(st.booleans())),
        }
    )
    return frame


@st.composite
def datasets(draw) -> Dataset:
    base = small_dataset()
    tables = dict(base.tables)
    ids = base["infusions"]["infusion_id"].tolist()
    tables["observations"] = _observations(draw, ids, draw(st.integers(0, 12)))
    patients = tables["patients"].copy()
    text = st.text(
        st.characters(categories=("L", "N"), include_characters="-_ ()'éà"), min_size=1, max_size=12
    )
    patients["centre"] = [draw(text.map(str.strip).filter(bool)) for _ in range(len(patients))]
    tables["patients"] = patients
    return Dataset.from_frames(tables)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(datasets())
def test_generated_tables_round_trip_exactly(tmp_path_factory, dataset):
    folder = write_parquet_dataset(dataset, tmp_path_factory.mktemp("p") / "d.parquet")
    assert_same(read_parquet_dataset(folder), dataset)


def _write(folder, name: str, table: pa.Table) -> None:
    pq.write_table(table, folder / f"{name}.parquet")


def _rewrite(folder, name: str, change) -> None:
    table = pq.read_table(folder / f"{name}.parquet")
    _write(folder, name, change(table))


def _set(table: pa.Table, name: str, values: list, type_: pa.DataType | None = None) -> pa.Table:
    return table.set_column(table.schema.get_field_index(name), name, pa.array(values, type=type_))


def test_columns_of_another_type_are_read_as_csv_cells(tmp_path):
    """Text numbers with a decimal comma, yes/no words and ISO text dates read as from a CSV file."""
    folder = write_parquet_dataset(small_dataset(), tmp_path / "r.parquet")
    _rewrite(folder, "infusions", lambda t: _set(t, "weight_kg", ["71,4", "80.3", None]))
    _rewrite(
        folder,
        "toxicity_episodes",
        lambda t: _set(
            t.drop_columns(["onset_at_time_known"]),
            "onset_at",
            ["2023-05-19 14:30", "2023-05-21", "2024-11-09 08:15:30"],
        ),
    )
    again = read_parquet_dataset(folder)
    assert again["infusions"]["weight_kg"].tolist()[:2] == [71.4, 80.3]
    assert again["toxicity_episodes"]["onset_at_time_known"].tolist() == [True, False, True]
    assert again["toxicity_episodes"]["onset_at"].tolist()[1] == pd.Timestamp("2023-05-21")


def test_a_date_type_in_a_date_time_column_is_a_day_without_its_hour(tmp_path):
    folder = write_parquet_dataset(small_dataset(), tmp_path / "r.parquet")
    days = [dt.date(2023, 5, 20), None, dt.date(2024, 11, 10)]
    _rewrite(
        folder,
        "administrations",
        lambda t: _set(t.drop_columns(["given_at_time_known"]), "given_at", days, pa.date32()),
    )
    doses = read_parquet_dataset(folder)["administrations"]
    assert doses["given_at_time_known"].tolist() == [False, pd.NA, False]
    assert doses["given_at"].tolist()[0] == pd.Timestamp("2023-05-20")


def test_bad_cells_are_named_like_csv_and_nothing_is_loaded(tmp_path):
    folder = write_parquet_dataset(small_dataset(), tmp_path / "r.parquet")
    _rewrite(folder, "infusions", lambda t: _set(t, "weight_kg", ["heavy", "80.3", None]))
    _rewrite(folder, "observations", lambda t: _set(t, "temperature_c", [48.0]))
    with pytest.raises(DatasetInvalid) as caught:
        read_parquet_dataset(folder)
    found = [(i.rule, i.file, i.row, i.column, i.value) for i in caught.value.issues if i.severity == "error"]
    assert found == [
        ("number", "infusions.parquet", 2, "weight_kg", "heavy"),
        ("range", "observations.parquet", 2, "temperature_c", "48"),
    ]


def test_structure_problems_use_the_reading_rules(tmp_path):
    folder = write_parquet_dataset(small_dataset(), tmp_path / "r.parquet")
    (folder / "outcomes.parquet").unlink()
    _rewrite(folder, "patients", lambda t: t.append_column("weight_lb", pa.array(["a", "b", "c"])))
    _write(folder, "notes", pa.table({"x": [1]}))
    dataset, issues = check_parquet(folder)
    assert dataset is None
    assert sorted((i.rule, i.severity, i.column) for i in issues) == [
        ("missing_table", "error", None),
        ("unknown_column", "error", "weight_lb"),
        ("unknown_table", "warning", None),
    ]


def test_observations_may_be_a_folder_of_parts_read_in_name_order(tmp_path):
    original = seed_cohort()
    folder = write_parquet_dataset(original, tmp_path / "seed.parquet")
    whole = pq.read_table(folder / "observations.parquet")
    (folder / "observations.parquet").unlink()
    parts = folder / "observations.parquet"
    parts.mkdir()
    half = whole.num_rows // 2
    pq.write_table(whole.slice(half), parts / "part-1.parquet")
    pq.write_table(whole.slice(0, half), parts / "part-0.parquet")
    assert is_parquet_dataset(folder)
    assert_same(read_parquet_dataset(folder), original)


def test_an_unreadable_file_is_a_source_error(tmp_path):
    folder = write_parquet_dataset(small_dataset(), tmp_path / "r.parquet")
    (folder / "patients.parquet").write_bytes(b"not parquet")
    with pytest.raises(SourceError, match=r"patients\.parquet"):
        check_parquet(folder)


def test_times_finer_than_a_microsecond_are_refused_not_truncated(tmp_path):
    dataset = small_dataset()
    dataset["administrations"].loc[0, "given_at"] = pd.Timestamp("2023-05-20 08:00:00.000000001")
    with pytest.raises(pa.ArrowInvalid):
        write_parquet_dataset(dataset, tmp_path / "r.parquet")
    assert not (tmp_path / "r.parquet").exists()


def test_every_column_kind_has_an_arrow_type():
    kinds = {c.kind for t in CONTRACT.tables for c in t.columns}
    assert kinds == set(Kind)


def test_the_dataset_functions_read_and_write_parquet_folders(tmp_path):
    """`iectox.io` (and so every command that reads or writes a dataset) takes a `.parquet` folder."""
    original = small_dataset()
    folder = write_dataset(original, tmp_path / "registry.parquet")
    assert sorted(p.name for p in folder.glob("*.parquet")) == sorted(f"{t}.parquet" for t in original.tables)
    assert_same(read_dataset(folder), original)
    (folder / "outcomes.parquet").unlink()
    dataset, issues = check_path(folder)
    assert dataset is None and [i.rule for i in issues if i.severity == "error"] == ["missing_table"]
