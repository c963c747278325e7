"""Dataset diff: rows added, removed and changed, matched on their keys, compared exactly; `iectox diff`."""

from __future__ import annotations

import json
import time
from datetime import date, datetime

import pandas as pd
import pytest
from typer.testing import CliRunner

from factories import small_dataset
from iectox.cli.commands import app
from iectox.dataset import Dataset
from iectox.io import write_dataset
from iectox.io.diff import CellChange, diff_datasets, table_key
from iectox.render.diff import row_lines, summary_lines, value_text
from iectox.schema import CONTRACT
from iectox.synth import generate


def changed(**tables) -> Dataset:
    """The small dataset with some cells set: changed(infusions={(0, "weight_kg"): 72.0})."""
    data = small_dataset()
    frames = {name: data[name].copy() for name in data}
    for name, cells in tables.items():
        for (row, column), value in cells.items():
            frames[name].loc[row, column] = value
    return Dataset.from_frames(frames)


def test_keys_come_from_the_contract():
    keys = {t.name: table_key(t) for t in CONTRACT.tables}
    assert keys == {
        "patients": ("patient_id",),
        "infusions": ("infusion_id",),
        "toxicity_episodes": ("episode_id",),
        "administrations": ("administration_id",),
        "observations": ("infusion_id", "observed_at"),
        "labs": ("infusion_id", "measured_at"),
        "outcomes": ("infusion_id",),
    }


def test_the_same_dataset_in_every_format_has_no_difference(tmp_path):
    data = small_dataset()
    read = [write_dataset(data, tmp_path / name) for name in ("d.xlsx", "csv", "d.parquet")]
    from iectox.io import read_dataset

    for path in read:
        result = diff_datasets(data, read_dataset(path))
        assert result.same, (path, result.counts())
        assert result["infusions"].unchanged == 3
    assert summary_lines(diff_datasets(data, data)) == ["The two datasets hold the same rows and values."]


def test_floats_are_compared_exactly():
    result = diff_datasets(small_dataset(), changed(infusions={(0, "weight_kg"): 71.40000000000002}))
    (row,) = result["infusions"].changed
    assert row.key == ("INF-001",)
    assert row.changes == (CellChange("weight_kg", 71.4, 71.40000000000002),)
    assert row_lines(result) == ["infusions INF-001: weight_kg 71.4 -> 71.40000000000002"]
    assert row_lines(result, "fr") == ["infusions INF-001 : weight_kg 71,4 -> 71,40000000000002"]


def test_a_day_is_not_that_day_at_midnight():
    result = diff_datasets(small_dataset(), changed(toxicity_episodes={(1, "onset_at_time_known"): True}))
    (row,) = result["toxicity_episodes"].changed
    assert row.changes == (CellChange("onset_at", date(2023, 5, 21), datetime(2023, 5, 21, 0, 0)),)
    assert row_lines(result) == ["toxicity_episodes EP-002: onset_at 2023-05-21 -> 2023-05-21 00:00"]


def test_a_blank_is_not_a_value_and_each_kind_keeps_its_type():
    new = changed(
        infusions={(1, "height_cm"): 172.0, (0, "trial_id"): "NCT07654321", (2, "crs_status"): None},
        observations={(0, "hypotension"): True, (0, "ice_score"): 9},
        patients={(1, "birth_year"): 1962},
    )
    result = diff_datasets(small_dataset(), new)
    changes = {(r.key, c.column): (c.old, c.new) for d in result for r in d.changed for c in r.changes}
    assert changes == {
        (("INF-001",), "trial_id"): (None, "NCT07654321"),
        (("INF-002",), "height_cm"): (None, 172.0),
        (("INF-003",), "crs_status"): ("yes", None),
        (("INF-001", datetime(2023, 5, 19, 14, 0)), "hypotension"): (False, True),
        (("INF-001", datetime(2023, 5, 19, 14, 0)), "ice_score"): (10, 9),
        (("P-002",), "birth_year"): (None, 1962),
    }
    assert "observations INF-001, 2023-05-19 14:00: hypotension no -> yes; ice_score 10 -> 9" in row_lines(
        result
    )
    assert "infusions INF-003 : crs_status yes -> (vide)" in row_lines(result, "fr")


def test_rows_added_and_removed_by_key():
    data = small_dataset()
    frames = {name: data[name].copy() for name in data}
    frames["administrations"] = frames["administrations"].iloc[[0, 2]]  # ADM-002 removed
    extra = frames["administrations"].iloc[[0]].assign(administration_id="ADM-004", dose_mg=560.0)
    frames["administrations"] = pd.concat([frames["administrations"], extra])
    result = diff_datasets(data, Dataset.from_frames(frames))
    table = result["administrations"]
    assert table.counts() == {"added": 1, "removed": 1, "changed": 0, "unchanged": 2}
    (added,), (removed,) = table.added, table.removed
    assert (added.key, added.values["dose_mg"], added.values["given_at"]) == (
        ("ADM-004",),
        560.0,
        datetime(2023, 5, 20, 8, 0),
    )
    assert (removed.key, removed.values["drug"], removed.values["given_at"]) == (
        ("ADM-002",),
        "dexamethasone",
        None,
    )
    assert row_lines(result) == ["administrations ADM-002: removed", "administrations ADM-004: added"]


def test_observations_sharing_a_key_are_paired_in_their_order():
    data = small_dataset()
    twice = pd.concat([data["observations"]] * 2, ignore_index=True)
    old = Dataset.from_frames({**{n: data[n] for n in data}, "observations": twice})
    hotter = twice.copy()
    hotter.loc[1, "temperature_c"] = 39.1
    moved = hotter.copy()
    moved.loc[0, "observed_at"] = pd.Timestamp("2023-05-19 15:00")
    result = diff_datasets(old, Dataset.from_frames({**{n: data[n] for n in data}, "observations": hotter}))
    (row,) = result["observations"].changed
    assert row.changes == (CellChange("temperature_c", 38.4, 39.1),)
    after = diff_datasets(old, Dataset.from_frames({**{n: data[n] for n in data}, "observations": moved}))
    assert after["observations"].counts() == {"added": 1, "removed": 1, "changed": 1, "unchanged": 0}


def test_rows_carry_their_positions_to_apply_the_diff():
    """Rows sharing a key (observations) are told apart by their positions in the old and new tables."""
    data = small_dataset()
    twice = pd.concat([data["observations"]] * 2, ignore_index=True)
    old = Dataset.from_frames({**{n: data[n] for n in data}, "observations": twice})
    new = twice.copy()
    new.loc[0, "temperature_c"] = 39.1
    later = new.iloc[[1]].assign(observed_at=pd.Timestamp("2023-05-19 18:00"))
    new = pd.concat([later, new], ignore_index=True)  # a row added first: the others move down by one
    result = diff_datasets(old, Dataset.from_frames({**{n: data[n] for n in data}, "observations": new}))
    (row,) = result["observations"].changed
    assert (row.changes, row.old_position, row.new_position) == (
        (CellChange("temperature_c", 38.4, 39.1),),
        0,
        1,
    )
    (added,) = result["observations"].added
    assert added.position == 0
    fewer = {n: data[n] for n in data} | {"administrations": data["administrations"].iloc[[0, 2]]}
    (removed,) = diff_datasets(data, Dataset.from_frames(fewer))["administrations"].removed
    assert (removed.key, removed.position) == (("ADM-002",), 1)


def test_as_dict_is_plain_json():
    result = diff_datasets(small_dataset(), changed(toxicity_episodes={(1, "onset_at_time_known"): True}))
    data = json.loads(json.dumps(result.as_dict()))
    episodes = next(t for t in data["tables"] if t["table"] == "toxicity_episodes")
    assert episodes["changed_rows"] == [
        {
            "key": {"episode_id": "EP-002"},
            "changes": [{"column": "onset_at", "old": "2023-05-21", "new": "2023-05-21 00:00"}],
        }
    ]
    assert data["same"] is False and episodes["unchanged"] == 2


def test_value_text_shows_every_kind_exactly():
    assert [
        value_text(v) for v in (None, True, 560.0, 71.4, 3, date(2024, 3, 6), datetime(2024, 3, 6, 8, 0, 30))
    ] == [
        "(blank)",
        "yes",
        "560",
        "71.4",
        "3",
        "2024-03-06",
        "2024-03-06 08:00:30",
    ]


def test_a_registry_of_thousands_of_rows_is_compared_at_once():
    data = generate(2000, seed=3, observations=True)
    frames = {name: data[name].copy() for name in data}
    frames["infusions"].loc[10, "weight_kg"] += 1.0
    frames["observations"].loc[500, "temperature_c"] = 39.9
    start = time.perf_counter()
    result = diff_datasets(data, Dataset.from_frames(frames))
    seconds = time.perf_counter() - start
    assert {d.table: len(d.changed) for d in result if d.changed} == {"infusions": 1, "observations": 1}
    assert result["observations"].unchanged == len(data["observations"]) - 1
    assert seconds < 20, seconds


def run(*args: str):
    return CliRunner().invoke(app, ["diff", *args], terminal_width=200)


def test_cli_exit_status_as_diff(tmp_path):
    old = write_dataset(small_dataset(), tmp_path / "old.xlsx")
    new = write_dataset(changed(infusions={(0, "weight_kg"): 72.0}), tmp_path / "new")
    same = run(str(old), str(write_dataset(small_dataset(), tmp_path / "same.parquet")))
    assert same.exit_code == 0, same.output
    assert "The two datasets hold the same rows and values." in same.output
    differ = run(str(old), str(new), "--json", str(tmp_path / "diff.json"), "--lang", "fr")
    assert differ.exit_code == 1, differ.output
    assert "infusions : 0 ajoutée(s), 0 supprimée(s), 1 modifiée(s), 2 inchangée(s)" in differ.output
    assert "infusions INF-001 : weight_kg 71,4 -> 72" in differ.output
    saved = json.loads((tmp_path / "diff.json").read_text(encoding="utf-8"))
    assert next(t for t in saved["tables"] if t["table"] == "infusions")["changed"] == 1


def test_cli_an_invalid_or_missing_dataset_is_exit_2(tmp_path):
    old = write_dataset(small_dataset(), tmp_path / "old")
    (old / "infusions.csv").write_text(
        (old / "infusions.csv").read_text(encoding="utf-8").replace("71.4", "heavy"), encoding="utf-8"
    )
    result = run(str(old), str(old))
    assert result.exit_code == 2
    assert "column weight_kg" in result.output and "nothing was compared" in result.output
    missing = run(str(tmp_path / "nowhere.xlsx"), str(old))
    assert missing.exit_code == 2 and "Traceback" not in missing.output


@pytest.mark.parametrize("limit", ["0", "1"])
def test_cli_limit(tmp_path, limit):
    old = write_dataset(small_dataset(), tmp_path / "old.xlsx")
    new = write_dataset(
        changed(infusions={(0, "weight_kg"): 72.0, (1, "weight_kg"): 73.0}), tmp_path / "new.xlsx"
    )
    result = run(str(old), str(new), "--limit", limit)
    assert f"... and {2 - int(limit)} more row(s)" in result.output
