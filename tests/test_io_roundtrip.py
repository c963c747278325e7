"""CSV <-> XLSX round trips give back exactly the same data, incomplete times included."""

from __future__ import annotations

import pandas as pd
import pytest

from factories import small_dataset
from iectox.errors import DatasetInvalid
from iectox.io import read_dataset, write_dataset


@pytest.mark.parametrize("name", ["dataset", "dataset.xlsx"])
def test_round_trip_is_exact(tmp_path, name):
    original = small_dataset()
    written = write_dataset(original, tmp_path / name)
    again = read_dataset(written)
    for table in original:
        pd.testing.assert_frame_equal(again[table], original[table], check_exact=True)


def test_csv_to_xlsx_to_csv(tmp_path):
    original = small_dataset()
    write_dataset(original, tmp_path / "a")
    write_dataset(read_dataset(tmp_path / "a"), tmp_path / "b.xlsx")
    write_dataset(read_dataset(tmp_path / "b.xlsx"), tmp_path / "c")
    for table in original:
        assert (tmp_path / "a" / f"{table}.csv").read_text() == (tmp_path / "c" / f"{table}.csv").read_text()


def test_day_only_and_midnight_stay_distinct(tmp_path):
    """'2024-11-12 00:00' (recorded at midnight) and '2023-05-24' (hour not recorded) survive both formats."""
    for name in ("d", "d.xlsx"):
        episodes = read_dataset(write_dataset(small_dataset(), tmp_path / name))["toxicity_episodes"]
        assert episodes["resolved_at_time_known"].tolist()[0] is False
        assert episodes["resolved_at_time_known"].tolist()[2] is True
        assert episodes["resolved_at"].tolist()[2] == pd.Timestamp("2024-11-12 00:00")
    text = (tmp_path / "d" / "toxicity_episodes.csv").read_text().splitlines()
    assert text[1].split(",")[4] == "2023-05-24"
    assert text[3].split(",")[4] == "2024-11-12 00:00"


def test_floats_are_written_to_full_precision(tmp_path):
    dataset = small_dataset()
    dataset["infusions"].loc[0, "weight_kg"] = 71.40000000000001
    again = read_dataset(write_dataset(dataset, tmp_path / "p"))
    assert again["infusions"].loc[0, "weight_kg"] == 71.40000000000001


def test_an_invalid_dataset_is_not_written_and_the_old_one_is_kept(tmp_path):
    target = tmp_path / "registry"
    write_dataset(small_dataset(), target)
    before = {p.name: p.read_bytes() for p in target.iterdir()}
    broken = small_dataset()
    broken["infusions"].loc[0, "weight_kg"] = 900.0
    with pytest.raises(DatasetInvalid) as caught:
        write_dataset(broken, target)
    assert [(i.rule, i.file, i.row, i.column) for i in caught.value.issues] == [
        ("range", "infusions.csv", 2, "weight_kg")
    ]
    assert {p.name: p.read_bytes() for p in target.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["registry"]


@pytest.mark.parametrize("name", ["registry", "registry.xlsx"])
def test_a_write_that_fails_midway_leaves_nothing_half_written(tmp_path, monkeypatch, name):
    target = tmp_path / name
    write_dataset(small_dataset(), target)
    snapshot = sorted((p.name, p.read_bytes()) for p in tmp_path.rglob("*") if p.is_file())

    def disk_full(*args, **kwargs):
        raise OSError("No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_csv", disk_full)  # a CSV of the folder cannot be written
    monkeypatch.setattr("iectox.io.atomic.os.replace", disk_full)  # the finished workbook cannot be moved in
    with pytest.raises(OSError):
        write_dataset(small_dataset(), target)
    assert sorted((p.name, p.read_bytes()) for p in tmp_path.rglob("*") if p.is_file()) == snapshot
