"""Recorded vs computed grades (ASTCT only, other scales never pooled) and the CD22 Lee 2014 vs ASTCT table."""

from __future__ import annotations

import csv
from collections import Counter
from importlib import import_module
from pathlib import Path

import pandas as pd
import pytest

from factories import seed_cohort, small_dataset
from iectox.dataset import Dataset
from iectox.grading import agreement, concordance, episodes_from_grades, grade_dataset, same_grade_share
from iectox.io.mapping import import_mapped

ROWS = import_module(
    "iectox.grading.agreement"
)  # the module (the package's name `agreement` is the function)
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "cd22_crs"
T = pd.Timestamp


def registry() -> Dataset:
    """The small dataset, with observations for three infusions and a fatal CRS episode for INF-002."""
    tables = {name: frame.copy() for name, frame in small_dataset().tables.items()}
    tables["infusions"]["crs_status"] = [None, "yes", "yes"]
    episodes = tables["toxicity_episodes"]
    fatal = {
        "episode_id": "EP-004",
        "infusion_id": "INF-002",
        "syndrome": "CRS",
        "onset_at": T("2024-01-11"),
        "onset_at_time_known": False,
        "max_grade": 5,
        "grading_scale": "ASTCT2019",
        "outcome": "death",
    }
    tables["toxicity_episodes"] = pd.concat([episodes, pd.DataFrame([fatal])], ignore_index=True)
    base = tables["observations"].iloc[0].to_dict()
    rows = [
        {**base, "observed_at": T("2023-05-19 08:00"), "temperature_c": 37.0, "oxygen_device": "none"},
        base,  # INF-001: fever and 4 L/min nasal cannula, ICE 10: CRS 2, ICANS 0
        {**base, "observed_at": T("2023-05-21 08:00"), "temperature_c": 36.9, "oxygen_device": "none"},
        {**base, "infusion_id": "INF-002", "observed_at": T("2024-01-11 10:00"), "oxygen_device": "bipap"},
        {**base, "infusion_id": "INF-003", "observed_at": T("2024-11-09 10:00"), "vasopressors": 1},
    ]
    tables["observations"] = pd.DataFrame(rows)
    return Dataset.from_frames(tables)


def test_recorded_against_computed():
    dataset = registry()
    table = agreement(dataset, episodes_from_grades(grade_dataset(dataset)))
    rows = {
        (r.infusion_id, r.syndrome, r.recorded_scale if pd.notna(r.recorded_scale) else None): (
            None if pd.isna(r.max_grade) else int(r.max_grade),
            None if pd.isna(r.recorded_max_grade) else int(r.recorded_max_grade),
            None if pd.isna(r.agrees) else r.agrees,
        )
        for r in table.itertuples()
    }
    assert rows == {
        ("INF-001", "CRS", "ASTCT2019"): (2, 2, "yes"),
        ("INF-001", "ICANS", "ASTCT2019"): (0, 1, "no"),
        ("INF-002", "CRS", "ASTCT2019"): (5, 5, "yes"),  # grade 5 carried from the recorded death
        ("INF-002", "ICANS", None): (0, 0, "yes"),  # icans_status blank and no episode: none recorded
        ("INF-003", "CRS", "Lee2014"): (3, 3, "other scale, not compared"),
        ("INF-003", "ICANS", None): (0, None, None),  # icans_status unknown: nothing to compare
    }
    onset = table.set_index(["infusion_id", "syndrome"]).loc[("INF-001", "CRS")]
    assert (onset["onset_at"], onset["resolved_at"]) == (T("2023-05-19 14:00"), T("2023-05-21 08:00"))
    assert list(table.columns) == [
        "infusion_id",
        "syndrome",
        "onset_at",
        "onset_at_time_known",
        "resolved_at",
        "resolved_at_time_known",
        "max_grade",
        "recorded_max_grade",
        "recorded_scale",
        "agrees",
    ]


def test_grade_5_is_never_invented():
    dataset = registry()
    graded = grade_dataset(dataset)
    assert graded["crs_grade"].max() == 4
    no_death = Dataset.from_frames(
        {**dataset.tables, "toxicity_episodes": dataset["toxicity_episodes"].query("episode_id != 'EP-004'")}
    )
    table = agreement(no_death, episodes_from_grades(graded)).set_index(["infusion_id", "syndrome"])
    assert table.loc[("INF-002", "CRS"), "max_grade"] == 4


def test_recorded_episodes_without_observations_are_listed():
    dataset = small_dataset()
    without = Dataset.from_frames({k: v for k, v in dataset.tables.items() if k != "observations"})
    table = agreement(dataset, episodes_from_grades(grade_dataset(without)))
    assert table["max_grade"].isna().all()
    assert table["recorded_max_grade"].tolist() == [2, 1, 3]
    assert table["agrees"].fillna("").tolist() == ["", "", "other scale, not compared"]


@pytest.fixture(scope="module")
def cd22_counts() -> Counter:
    with open(EXAMPLE / "crs_by_patient.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    pairs = [(r["Max Grade CRS_Lee"], r["Max Grade CRS_ASBMT"]) for r in rows]
    return Counter((int(lee), int(astct)) for lee, astct in pairs if "N/A" not in (lee, astct))


def test_cd22_concordance_matches_the_file(cd22_counts):
    table = concordance(import_mapped(EXAMPLE / "mapping.toml"), "CRS", rows="Lee2014", columns="ASTCT2019")
    top = max(max(pair) for pair in cd22_counts)
    grades = list(range(top + 1))
    assert table.index.tolist() == [*grades, "total"] and table.columns.tolist() == [*grades, "total"]
    for lee in grades:
        for astct in grades:
            assert table.loc[lee, astct] == cd22_counts[(lee, astct)], (lee, astct)
    n = sum(cd22_counts.values())
    assert table.loc["total", "total"] == n == table.attrs["n"] == 59
    for grade in grades:
        assert table.loc[grade, "total"] == sum(v for (lee, _), v in cd22_counts.items() if lee == grade)
        assert table.loc["total", grade] == sum(v for (_, astct), v in cd22_counts.items() if astct == grade)
    same = sum(v for (lee, astct), v in cd22_counts.items() if lee == astct) / n
    assert table.attrs["same_grade"] == pytest.approx(same) == same_grade_share(table)
    assert round(100 * same, 1) == 76.3


def test_concordance_refuses_unknown_scales():
    with pytest.raises(ValueError, match="not a grading scale"):
        concordance(small_dataset(), rows="Lee2015")


def _edge_cases() -> Dataset:
    """The registry above, and: INF-001's ICANS also recorded on CARTOX and once ungraded on ASTCT, INF-003's
    CRS recorded without a scale, INF-002 'no' ICANS although observed, an episode's outcome blank."""
    dataset = registry()
    tables = dict(dataset.tables)
    extra = [
        {
            "episode_id": "EP-010",
            "infusion_id": "INF-001",
            "syndrome": "ICANS",
            "grading_scale": "CARTOX",
            "max_grade": 2,
            "outcome": None,
        },
        {
            "episode_id": "EP-011",
            "infusion_id": "INF-001",
            "syndrome": "ICANS",
            "grading_scale": "ASTCT2019",
            "max_grade": None,
            "outcome": "resolved",
        },
        {
            "episode_id": "EP-012",
            "infusion_id": "INF-003",
            "syndrome": "CRS",
            "grading_scale": None,
            "max_grade": 1,
            "outcome": "death",
        },
        {
            "episode_id": "EP-013",
            "infusion_id": "INF-003",
            "syndrome": "ICANS",
            "grading_scale": "ASTCT2019",
            "max_grade": 5,
            "outcome": "death",
        },
    ]
    tables["toxicity_episodes"] = pd.concat(
        [tables["toxicity_episodes"], pd.DataFrame(extra)], ignore_index=True
    )
    tables["infusions"] = tables["infusions"].assign(icans_status=[None, "no", None])
    return Dataset.from_frames(tables)


def _patients(dataset: Dataset, step: int) -> list[Dataset]:
    infusions = dataset["infusions"]
    alone = []
    for patient in list(dataset["patients"]["patient_id"])[::step]:
        codes = set(infusions.loc[infusions["patient_id"] == patient, "infusion_id"])
        alone.append(
            Dataset.from_frames(
                {
                    name: frame[
                        (frame["patient_id"] == patient)
                        if "patient_id" in frame
                        else frame["infusion_id"].isin(codes)
                    ]
                    for name, frame in dataset.tables.items()
                }
            )
        )
    return alone


def test_the_row_by_row_path_of_a_few_rows_gives_the_whole_column_paths_table(monkeypatch):
    datasets = [registry(), _edge_cases(), small_dataset(), *_patients(seed_cohort(), 20)]
    cases = []
    for dataset in datasets:
        computed = episodes_from_grades(grade_dataset(dataset))
        cases += [
            (dataset, computed),
            (dataset, computed.iloc[:0]),
            (dataset, computed[computed["syndrome"] == "ICANS"]),
        ]
    few = [agreement(dataset, computed) for dataset, computed in cases]
    assert all(ROWS._few(dataset, computed) for dataset, computed in cases)
    monkeypatch.setattr(ROWS, "FEW", -1)  # every input to the whole-column path
    assert not any(ROWS._few(dataset, computed) for dataset, computed in cases)
    for (dataset, computed), got in zip(cases, few, strict=True):
        pd.testing.assert_frame_equal(got, agreement(dataset, computed), check_exact=True)
    edge = few[3].set_index(["infusion_id", "syndrome", "recorded_scale"])
    assert edge.loc[("INF-001", "ICANS", "CARTOX"), "agrees"] == "other scale, not compared"
    assert pd.isna(edge.loc[("INF-001", "ICANS", "ASTCT2019"), "recorded_max_grade"])
    assert edge.loc[("INF-003", "ICANS", "ASTCT2019"), "max_grade"] == 0  # a death, but no ICANS observed
