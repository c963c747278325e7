"""What real hospital spreadsheets contain: day-first dates, decimal commas, stray spaces, Excel serials."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pandas as pd
import pytest

from factories import small_dataset
from iectox.errors import DatasetInvalid, SourceError
from iectox.io import check_path, read_dataset, write_dataset
from iectox.validate import Settings


def _csv_folder(tmp_path):
    folder = tmp_path / "data"
    write_dataset(small_dataset(), folder)
    return folder


def _edit(path, old, new):
    path.write_text(path.read_text().replace(old, new))


def test_day_first_dates_only_when_the_study_says_so(tmp_path):
    folder = _csv_folder(tmp_path)
    _edit(folder / "infusions.csv", "2023-05-17", "17/05/2023")
    with pytest.raises(DatasetInvalid) as caught:
        read_dataset(folder)
    assert [(i.rule, i.row, i.column, i.value) for i in caught.value.issues] == [
        ("date_order", 2, "infusion_date", "17/05/2023")
    ]
    dataset = read_dataset(folder, Settings(date_order="dmy"))
    assert dataset["infusions"].loc[0, "infusion_date"] == pd.Timestamp("2023-05-17")


def test_month_first_when_the_study_says_so(tmp_path):
    folder = _csv_folder(tmp_path)
    _edit(folder / "toxicity_episodes.csv", "2023-05-19 14:30", "05/19/2023 14:30")
    dataset = read_dataset(folder, Settings(date_order="mdy"))
    assert dataset["toxicity_episodes"].loc[0, "onset_at"] == pd.Timestamp("2023-05-19 14:30")


def test_semicolon_csv_with_decimal_commas_stray_spaces_and_windows_encoding(tmp_path):
    folder = _csv_folder(tmp_path)
    frame = pd.read_csv(folder / "infusions.csv", dtype=str, keep_default_na=False)
    frame.loc[0, "weight_kg"] = " 71,4 "
    frame.loc[0, "therapy"] = "  Yescarta"
    frame.loc[0, "setting"] = "Real-life "
    frame.loc[1, "indication"] = "DLBCL 2L"
    (folder / "infusions.csv").write_bytes(frame.to_csv(index=False, sep=";").encode("cp1252"))
    _edit(folder / "patients.csv", "1961,CHU-A", "1961,CHU-Évry")
    (folder / "patients.csv").write_bytes((folder / "patients.csv").read_text().encode("cp1252"))
    dataset = read_dataset(folder)
    row = dataset["infusions"].iloc[0]
    assert (row["weight_kg"], row["therapy"], row["setting"]) == (
        71.4,
        "axicabtagene_ciloleucel",
        "standard_of_care",
    )
    assert dataset["infusions"].loc[1, "indication"] == "dlbcl_2l"
    assert dataset["patients"].loc[0, "centre"] == "CHU-Évry"


def test_excel_serial_dates_in_text_and_in_cells(tmp_path):
    folder = _csv_folder(tmp_path)
    _edit(folder / "infusions.csv", "2023-05-17", "45063")
    _edit(folder / "toxicity_episodes.csv", "2023-05-19 14:30", "45065.6041666667")
    dataset = read_dataset(folder)
    assert dataset["infusions"].loc[0, "infusion_date"] == pd.Timestamp("2023-05-17")
    assert dataset["toxicity_episodes"].loc[0, "onset_at"] == pd.Timestamp("2023-05-19 14:30")
    assert bool(dataset["toxicity_episodes"].loc[0, "onset_at_time_known"]) is True


def test_workbook_typed_by_hand(tmp_path):
    """Native Excel dates, numbers typed as numbers, ids typed as numbers, time-less datetime cells."""
    path = write_dataset(small_dataset(), tmp_path / "book.xlsx")
    book = openpyxl.load_workbook(path)
    book["patients"]["D2"] = "CHU-A "
    book["infusions"]["I2"] = 71.4
    book["infusions"]["D2"] = dt.datetime(2023, 5, 17)
    book["toxicity_episodes"]["D2"] = dt.datetime(2023, 5, 19, 14, 30)
    book["toxicity_episodes"]["D2"].number_format = "dd/mm/yyyy hh:mm"
    book["administrations"]["D2"] = dt.datetime(2023, 5, 20)
    book["administrations"]["D2"].number_format = "dd/mm/yyyy"
    book["outcomes"]["A2"] = "INF-001"
    book.save(path)
    dataset = read_dataset(path)
    assert dataset["toxicity_episodes"].loc[0, "onset_at"] == pd.Timestamp("2023-05-19 14:30")
    assert bool(dataset["toxicity_episodes"].loc[0, "onset_at_time_known"])
    assert not bool(dataset["administrations"].loc[0, "given_at_time_known"])


def test_blank_rows_keep_the_row_numbers_the_user_sees(tmp_path):
    path = write_dataset(small_dataset(), tmp_path / "book.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book["patients"]
    sheet.insert_rows(3, amount=2)
    sheet["B6"] = "mal"
    book.save(path)
    _, issues = check_path(path)
    assert [(i.sheet, i.row, i.column, i.value) for i in issues] == [("patients", 6, "sex", "mal")]


def test_headers_missing_unknown_and_tables_missing(tmp_path):
    folder = _csv_folder(tmp_path)
    _edit(folder / "infusions.csv", "weight_kg", "wieght_kg")
    _edit(folder / "patients.csv", "patient_id,sex", "Patient ID,SEX")
    (folder / "outcomes.csv").rename(folder / "outcome.csv")
    _, issues = check_path(folder)
    assert [(i.severity, i.file, i.rule, i.message) for i in issues] == [
        (
            "error",
            "data",
            "missing_table",
            "table 'outcomes' is missing (expected a sheet or a file named outcomes)",
        ),
        (
            "warning",
            "data",
            "unknown_table",
            "'outcome.csv' is not a table of the dataset and was not read; did you mean 'outcomes'?",
        ),
        (
            "error",
            "infusions.csv",
            "unknown_column",
            "column 'wieght_kg' is not part of the infusions table; did you mean 'weight_kg'?",
        ),
    ]


def test_missing_required_column(tmp_path):
    folder = _csv_folder(tmp_path)
    frame = pd.read_csv(folder / "patients.csv", dtype=str).drop(columns="sex")
    frame.to_csv(folder / "patients.csv", index=False)
    _, issues = check_path(folder)
    assert [(i.row, i.column, i.rule, i.message) for i in issues] == [
        (1, "sex", "missing_column", "required column 'sex' is missing from patients")
    ]


def test_not_a_workbook(tmp_path):
    bad = tmp_path / "x.xlsx"
    bad.write_text("hello")
    with pytest.raises(SourceError, match="is not an XLSX workbook"):
        read_dataset(bad)
