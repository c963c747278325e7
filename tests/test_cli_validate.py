"""`iectox validate` on a workbook with planted errors: each at the right sheet, row and column."""

from __future__ import annotations

import json

import openpyxl
from typer.testing import CliRunner

from factories import small_dataset
from iectox.cli.commands import app
from iectox.io import write_dataset

PLANTED = [
    # sheet, cell, value, (row, column, rule)
    ("patients", "B3", "mle", (3, "sex", "vocabulary")),
    ("infusions", "C2", "Yescarte", (2, "therapy", "vocabulary")),
    ("infusions", "F3", None, (3, "trial_id", "trial_id_required")),
    ("infusions", "I4", 1, (4, "weight_kg", "range")),
    ("toxicity_episodes", "D4", "2024-10-30 10:00", (4, "onset_at", "onset_not_before_infusion")),
    ("administrations", "E3", -10, (3, "dose_mg", "range")),
    ("outcomes", "C2", "dead", (2, "death_date", "death_date_matches_status")),
]


def test_planted_errors_are_each_reported_where_they_are(tmp_path):
    path = write_dataset(small_dataset(), tmp_path / "registry.xlsx")
    book = openpyxl.load_workbook(path)
    for sheet, cell, value, _ in PLANTED:
        book[sheet][cell] = value
    book.save(path)
    report = tmp_path / "errors.json"
    result = CliRunner().invoke(
        app, ["validate", str(path), "--errors-json", str(report)], terminal_width=200
    )
    assert result.exit_code == 1
    errors = json.loads(report.read_text())
    assert [(e["sheet"], e["row"], e["column"], e["rule"]) for e in errors] == [
        (sheet, *expected) for sheet, _, _, expected in PLANTED
    ]
    assert all(e["file"] == "registry.xlsx" for e in errors)
    assert {"file", "sheet", "row", "column", "value", "rule", "message"} <= set(errors[0])
    assert errors[1]["message"].startswith(
        "'Yescarte' is not an allowed therapy; did you mean 'axicabtagene_ciloleucel'?"
    )
    assert "registry.xlsx, sheet infusions, row 2, column therapy" in result.output
    assert "7 error(s); nothing was loaded" in result.output


def test_a_valid_workbook_passes(tmp_path):
    path = write_dataset(small_dataset(), tmp_path / "registry.xlsx")
    result = CliRunner().invoke(app, ["validate", str(path)], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "valid (3 patients, 3 infusions" in result.output


def test_unreadable_path_exits_2(tmp_path):
    result = CliRunner().invoke(app, ["validate", str(tmp_path / "nope.xlsx")])
    assert result.exit_code == 2


def test_planted_errors_are_printed_in_french(tmp_path):
    path = write_dataset(small_dataset(), tmp_path / "registry.xlsx")
    book = openpyxl.load_workbook(path)
    for sheet, cell, value, _ in PLANTED:
        book[sheet][cell] = value
    book.save(path)
    report = tmp_path / "errors.json"
    result = CliRunner().invoke(
        app, ["validate", str(path), "--lang", "fr", "--errors-json", str(report)], terminal_width=300
    )
    assert result.exit_code == 1
    assert "registry.xlsx, feuille infusions, ligne 2, colonne therapy" in result.output
    assert (
        "« Yescarte » n'est pas une valeur admise pour therapy ; vouliez-vous dire « axicabtagene_ciloleucel » ?"
        in result.output
    )
    assert "weight_kg 1 est hors des bornes plausibles 2-250 kg" in result.output
    assert "7 erreur(s) ; rien n'a été chargé" in result.output
    errors = json.loads(report.read_text())
    therapy = errors[1]
    assert therapy["template"].startswith("'{value}' is not an allowed {column}; did you mean '{hint}'?")
    assert therapy["values"]["hint"] == "axicabtagene_ciloleucel"
    assert therapy["message"].startswith("'Yescarte' is not an allowed therapy")
    assert therapy["text"].startswith("« Yescarte » n'est pas une valeur admise")


def test_a_valid_workbook_passes_in_french(tmp_path):
    path = write_dataset(small_dataset(), tmp_path / "registry.xlsx")
    result = CliRunner().invoke(app, ["validate", str(path), "--lang", "fr"], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "registry.xlsx : valide (3 patients" in result.output


def test_unreadable_cells_are_explained_in_french(tmp_path):
    path = write_dataset(small_dataset(), tmp_path / "registry.xlsx")
    book = openpyxl.load_workbook(path)
    book["infusions"]["I2"] = "lourd"
    book["infusions"]["D3"] = "hier"
    book.save(path)
    result = CliRunner().invoke(app, ["validate", str(path), "--lang", "fr"], terminal_width=300)
    assert result.exit_code == 1
    assert "« lourd » n'est pas un nombre (point ou virgule décimale)" in result.output
    assert "« hier » n'est pas une date (AAAA-MM-JJ)" in result.output
    english = CliRunner().invoke(app, ["validate", str(path)], terminal_width=300)
    assert "'lourd' is not a number (decimal point or comma)" in english.output
