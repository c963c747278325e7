"""A dataset read and validated is written without being validated again; any change since is validated.

Every writer (CSV/XLSX/Parquet, FHIR, SDTM, OMOP, crosswalks, REDCap) checks the dataset it is given with
`iectox.validate.ensure_valid`; a dataset carries the mark of a validation that found no error
(`Dataset.validated`), with a copy of its cells, so that a change to any cell, in place or not, is seen.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import iectox.validate as validate
from factories import small_dataset
from iectox.crosswalk import shipped_form
from iectox.crosswalk.write import write_crosswalks
from iectox.errors import DatasetInvalid
from iectox.io import read_dataset, write_dataset
from iectox.io.fhir import write_bundles
from iectox.io.redcap.records import write_records
from iectox.io.sdtm import write_sdtm
from iectox.omop import write_duckdb
from iectox.validate import Settings


@pytest.fixture
def validations(monkeypatch) -> list[int]:
    """One entry per validation of an in-memory dataset (`validate_dataset`), however a writer reaches it."""
    calls: list[int] = []
    real = validate.validate_dataset

    def counted(dataset, settings=None):
        calls.append(1)
        return real(dataset, settings)

    monkeypatch.setattr(validate, "validate_dataset", counted)
    return calls


@pytest.fixture(scope="module")
def cohort_folder(tmp_path_factory) -> Path:
    """A small dataset with a row in every table (REDCap's records need an observation), as files; its
    times to the minute, as REDCap holds them."""
    dataset = small_dataset()
    for frame in dataset.tables.values():
        for name in frame.select_dtypes("datetime").columns:
            frame[name] = frame[name].dt.floor("min")
    return write_dataset(dataset, tmp_path_factory.mktemp("cohort") / "cohort")


WRITERS = {
    "csv": lambda dataset, out: write_dataset(dataset, out / "csv"),
    "xlsx": lambda dataset, out: write_dataset(dataset, out / "data.xlsx"),
    "parquet": lambda dataset, out: write_dataset(dataset, out / "data.parquet"),
    "fhir": lambda dataset, out: write_bundles(dataset, out / "fhir"),
    "sdtm": lambda dataset, out: write_sdtm(dataset, out / "sdtm", "IECTOX-TEST"),
    "omop": lambda dataset, out: write_duckdb(dataset, out / "omop.duckdb"),
    "crosswalk": lambda dataset, out: write_crosswalks(dataset, [shipped_form("cibmtr-4100")], out / "cw"),
    "redcap": lambda dataset, out: write_records(dataset, out / "records.csv"),
}


@pytest.mark.parametrize("writer", WRITERS)
def test_a_dataset_read_is_written_without_a_second_validation(writer, cohort_folder, validations, tmp_path):
    dataset = read_dataset(cohort_folder)
    WRITERS[writer](dataset, tmp_path)
    assert validations == []


@pytest.mark.parametrize("writer", ["csv", "fhir", "omop", "crosswalk"])
def test_a_dataset_changed_in_place_after_reading_is_validated_and_refused(
    writer, cohort_folder, validations, tmp_path
):
    dataset = read_dataset(cohort_folder)
    dataset["toxicity_episodes"].loc[0, "infusion_id"] = "INF-404"  # in place: the same arrays, one cell
    with pytest.raises(DatasetInvalid):
        WRITERS[writer](dataset, tmp_path)
    assert validations == [1]
    assert not any(tmp_path.iterdir())


def test_a_valid_change_is_validated_once_then_trusted(cohort_folder, validations, tmp_path):
    dataset = read_dataset(cohort_folder)
    dataset.tables["patients"] = dataset["patients"].assign(centre="CHU-Z")  # a new frame: valid
    write_dataset(dataset, tmp_path / "a")
    write_bundles(dataset, tmp_path / "b")
    assert validations == [1]  # the second writer trusts the first's validation of the same cells


def test_a_dataset_never_validated_is_validated(validations, tmp_path):
    dataset = small_dataset()
    assert dataset.validated is None
    write_dataset(dataset, tmp_path / "csv")
    assert validations == [1]


def test_stricter_settings_are_validated_again(cohort_folder, validations, tmp_path):
    dataset = read_dataset(cohort_folder)
    later = Settings(study_start=pd.Timestamp("2100-01-01").date())  # every infusion before the study
    with pytest.raises(DatasetInvalid):
        write_dataset(dataset, tmp_path / "csv", later)
    assert validations == [1]
    write_dataset(dataset, tmp_path / "csv", Settings(date_order="dmy"))  # reading text only: no new check
    assert validations == [1]


def test_the_mark_sees_every_kind_of_change(cohort_folder):
    dataset = read_dataset(cohort_folder)
    key = dataset.validated.key
    assert dataset.valid_under(key)

    def heavier(dataset):
        infusions = dataset["infusions"]
        infusions["weight_kg"] = infusions["weight_kg"] + 1  # a new column in the same frame

    changes = [
        lambda d: d["infusions"].loc[0, "weight_kg"],  # reading changes nothing
        heavier,
        lambda d: d["infusions"].loc.__setitem__((1, "infusion_date"), pd.Timestamp("2024-01-01")),
        lambda d: d["patients"].loc.__setitem__((0, "birth_year"), 1900),
        lambda d: d.tables.__setitem__("outcomes", d["outcomes"].iloc[:-1]),
        lambda d: d["administrations"].drop(columns="route", inplace=True),
    ]
    held = [True, False, False, False, False, False]
    for change, still in zip(changes, held, strict=True):
        dataset = read_dataset(cohort_folder)
        change(dataset)
        assert dataset.valid_under(key) is still
