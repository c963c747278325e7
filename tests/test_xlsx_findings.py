"""Values a workbook holds but a reader could lose while `validate` says valid: each is now reported at its cell."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from openpyxl.utils import get_column_letter

from iectox.errors import SourceError
from iectox.io import check_path, read_dataset
from xlsx_files import dataset_workbook, edited, rezipped, sheet_part


def _found(path, rule=None):
    _, issues = check_path(path)
    return [
        (i.severity, i.sheet, i.row, i.column, i.rule, i.message)
        for i in issues
        if rule is None or i.rule == rule
    ]


def test_a_formula_never_calculated_is_an_error_not_a_blank(tmp_path):
    def formula(book):
        book["infusions"]["D2"] = "=DATE(2021,6,15)"  # openpyxl writes it without a calculated value

    assert _found(edited(tmp_path, formula)) == [
        (
            "error",
            "infusions",
            2,
            "infusion_date",
            "uncalculated_formula",
            "cell D2 holds the formula =DATE(2021,6,15), which was never calculated; open and save the file "
            "in Excel, or type the value",
        )
    ]


def test_cached_values_are_placeholders_when_the_workbook_asks_to_be_recalculated(tmp_path):
    """Tools that cannot calculate (xlsxwriter) write 0 as the cached value and ask Excel to recalculate."""

    def formula(book):
        book["patients"]["C2"] = "=1960+1"

    def cached(part, data):
        if part.endswith(sheet_part(path, "patients")):
            return data.replace(b"<f>1960+1</f><v></v>", b"<f>1960+1</f><v>0</v>")
        return data

    path = edited(tmp_path, formula)
    issues = _found(rezipped(path, cached), "uncalculated_formula")
    assert [(row, column) for _, _, row, column, _, _ in issues] == [(2, "birth_year")]


@pytest.mark.parametrize("error", ["#N/A", "#REF!", "#DIV/0!", "#VALUE!", "#NAME?", "#NUM!", "#NULL!"])
def test_an_excel_error_is_an_error_not_text(tmp_path, error):
    """`#N/A` used to be the text "#N/A", and satisfied the rule that a trial names its trial_id."""

    def spoil(book):
        book["infusions"]["F3"] = error  # openpyxl stores these strings as error cells

    assert _found(edited(tmp_path, spoil)) == [
        (
            "error",
            "infusions",
            3,
            "trial_id",
            "excel_error",
            f"cell F3 holds the Excel error {error}, not a value; correct the formula or type the value",
        )
    ]


# (sheet, row, column) of cells whose loss would be a second error: required, a key others refer to, the
# trial id of a trial; each in its own row, so that the cells of one workbook never meet.
SPOILED = (
    ("patients", 3, "patient_id"),
    ("patients", 2, "centre"),
    ("infusions", 3, "trial_id"),
    ("infusions", 2, "therapy"),
    ("toxicity_episodes", 2, "syndrome"),
    ("outcomes", 2, "last_follow_up"),
    ("labs", 2, "value"),
)
UNREADABLE = {
    "excel_error": lambda sheet, cell: sheet.__setitem__(cell, "#REF!"),
    "uncalculated_formula": lambda sheet, cell: sheet.__setitem__(cell, "=A1"),
    "merged_cells": lambda sheet, cell: sheet.merge_cells(
        f"{cell}:{sheet.cell(sheet[cell].row + 1, sheet[cell].column).coordinate}"
    ),
}


@pytest.mark.parametrize("rule", list(UNREADABLE))
def test_a_cell_the_reader_cannot_read_is_one_error_not_also_blank(tmp_path, rule):
    """An error value, a formula never calculated or a merge leaves a cell blank: the finding is its one
    error, never also "required and blank", "trial_id is required" or a dangling reference (the cells are
    refused as a cell of the wrong type is)."""

    def spoil(book):
        for sheet, row, column in SPOILED:
            headers = [cell.value for cell in book[sheet][1]]
            UNREADABLE[rule](book[sheet], f"{get_column_letter(headers.index(column) + 1)}{row}")

    found = _found(edited(tmp_path, spoil))
    assert sorted((sheet, row, column, rule) for _, sheet, row, column, rule, _ in found) == sorted(
        (sheet, row, column, rule) for sheet, row, column in SPOILED
    )


def test_merged_cells_are_an_error_naming_the_range(tmp_path):
    def merge(book):
        book["patients"].merge_cells("D2:D3")  # one centre typed for two patients

    assert _found(edited(tmp_path, merge), "merged_cells") == [
        (
            "error",
            "patients",
            2,
            "centre",
            "merged_cells",
            "cells D2:D3 are merged: only D2 holds the value and the others would be read as blank; unmerge "
            "them and type the value in each cell",
        )
    ]


def test_values_right_of_the_last_header_are_reported_not_dropped(tmp_path):
    def beyond(book):
        book["patients"]["F2"] = "note"
        book["patients"]["F4"] = "other note"

    assert _found(edited(tmp_path, beyond)) == [
        (
            "error",
            "patients",
            2,
            "Unnamed: F",
            "unnamed_column",
            "column 'Unnamed: F' of patients has no header but holds 2 value(s), in rows 2, 4",
        )
    ]


@pytest.mark.parametrize("how", ["blank", "merged"])
def test_a_blank_or_merged_last_header_keeps_its_column(tmp_path, how):
    def header(book):
        sheet = book["patients"]
        if how == "blank":
            sheet["D1"] = None
        else:
            sheet["C1"], sheet["D1"] = "birth_year", None
            sheet.merge_cells("C1:D1")

    found = _found(edited(tmp_path, header))
    assert ("error", "patients", 2, "Unnamed: D", "unnamed_column") in [f[:5] for f in found]
    assert ("error", "patients", 1, "centre", "missing_column") in [f[:5] for f in found]


def test_two_sheets_for_one_table_is_an_error(tmp_path):
    def second(book):
        copy = book.copy_worksheet(book["patients"])
        copy.title = "patients "  # a trailing space: another sheet for Excel, the same table for iectox

    assert _found(edited(tmp_path, second)) == [
        (
            "error",
            "patients ",
            None,
            None,
            "duplicate_table",
            "sheet 'patients ' is a second patients table (beside sheet 'patients') and was not read; keep one",
        )
    ]


@pytest.mark.parametrize("name", [b"Patients", b"patients"])
def test_a_crafted_second_sheet_of_the_same_name_is_an_error(tmp_path, name):
    """Excel forbids two sheets whose names differ only by case; a crafted workbook.xml does not."""
    path = dataset_workbook(tmp_path)

    def rename(part, data):
        return (
            data.replace(b'name="infusions"', b'name="' + name + b'"') if part == "xl/workbook.xml" else data
        )

    found = _found(rezipped(path, rename))
    assert ("error", name.decode(), None, None, "duplicate_table") in [f[:5] for f in found]
    assert "missing_table" in [f[4] for f in found]  # infusions


def test_a_sheet_whose_part_is_missing_is_refused_by_name(tmp_path):
    path = dataset_workbook(tmp_path)
    part = sheet_part(path, "infusions")
    damaged = rezipped(path, lambda name, data: None if name == part else data)
    with pytest.raises(
        SourceError, match=r"sheet infusions: is damaged: the data of this sheet .* is missing"
    ):
        check_path(damaged)


def test_a_time_hidden_by_a_date_format_is_a_warning_and_the_date_is_kept(tmp_path):
    def hidden(book):
        book["toxicity_episodes"]["D2"] = dt.datetime(2023, 5, 19, 14, 30)
        book["toxicity_episodes"]["D2"].number_format = "dd/mm/yyyy"

    path = edited(tmp_path, hidden)
    assert _found(path) == [
        (
            "warning",
            "toxicity_episodes",
            2,
            "onset_at",
            "time_not_shown",
            "cell D2 holds 14:30 but shows only the date; the hour is not used: format the cell as date and time "
            "to keep it",
        )
    ]
    episode = read_dataset(path)["toxicity_episodes"].iloc[0]
    assert episode["onset_at"] == pd.Timestamp("2023-05-19")
    assert bool(episode["onset_at_time_known"]) is False
