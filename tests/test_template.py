"""The XLSX template is the contract made into a workbook: sheets, headers, drop-downs and checks."""

from __future__ import annotations

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from typer.testing import CliRunner

from factories import small_dataset
from iectox.cli.commands import app
from iectox.i18n import tr
from iectox.io import read_dataset
from iectox.io.template import DEFAULT_ROWS, LISTS_SHEET, list_name, list_values, write_template
from iectox.io.text import table_text
from iectox.schema import CONTRACT, Kind


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    path = write_template(tmp_path_factory.mktemp("template") / "template.xlsx")
    return openpyxl.load_workbook(path)


def _validations(sheet):
    """Data validations of a sheet keyed by the column letter they cover."""
    found = {}
    for validation in sheet.data_validations.dataValidation:
        for cell_range in validation.sqref.ranges:
            found[get_column_letter(cell_range.min_col)] = (validation, str(cell_range))
    return found


def _list_values(book, formula):
    sheet_name, cells = formula.split("!")
    assert sheet_name.strip("'") == LISTS_SHEET
    return tuple(c.value for row in book[LISTS_SHEET][cells.replace("$", "")] for c in row)


def test_sheets_are_the_tables_in_contract_order_plus_hidden_lists(book):
    assert book.sheetnames == [*CONTRACT.table_names, LISTS_SHEET]
    assert book[LISTS_SHEET].sheet_state == "hidden"
    assert all(book[name].sheet_state == "visible" for name in CONTRACT.table_names)


def test_headers_are_the_contract_columns_bold_when_required_and_frozen(book):
    for table in CONTRACT.tables:
        sheet = book[table.name]
        header = [c.value for c in sheet[1]]
        assert header == list(table.column_names)
        assert [bool(c.font.b) for c in sheet[1]] == [c.required for c in table.columns]
        assert sheet.freeze_panes == "A2"
        assert sheet.max_row == 1  # blank: no phantom rows for readers


def test_every_header_has_a_comment_with_description_type_and_example(book):
    for table in CONTRACT.tables:
        for cell, column in zip(book[table.name][1], table.columns, strict=True):
            text = cell.comment.text
            assert column.description in text
            assert f"Type: {column.kind.value}." in text
            assert ("Required." in text) == column.required
            if column.unit:
                assert f"Unit: {column.unit}." in text
            if column.example:
                assert f"Example: {column.example}" in text
    assert "How to fill this workbook" in book["patients"]["A1"].comment.text


def test_drop_down_on_every_category_and_yes_no_column_with_the_labels(book):
    checked = 0
    for table in CONTRACT.tables:
        validations = _validations(book[table.name])
        for index, column in enumerate(table.columns, start=1):
            if list_name(column) is None:
                continue
            letter = get_column_letter(index)
            validation, cells = validations[letter]
            assert validation.type == "list"
            assert cells == f"{letter}2:{letter}{DEFAULT_ROWS + 1}"
            expected = (
                tuple(t.label for t in column.vocabulary.terms)
                if column.kind is Kind.CATEGORY
                else ("yes", "no")
            )
            assert _list_values(book, validation.formula1) == expected
            checked += 1
    assert checked == sum(list_name(c) is not None for t in CONTRACT.tables for c in t.columns)


def test_lists_sheet_holds_each_vocabulary_once(book):
    lists = book[LISTS_SHEET]
    names = [c.value for c in lists[1]]
    assert len(names) == len(set(names))
    therapy = names.index("therapy") + 1
    labels = [lists.cell(row=r, column=therapy).value for r in range(2, lists.max_row + 1)]
    labels = [label for label in labels if label]
    assert labels[0] == "Axicabtagene ciloleucel (Yescarta)"
    assert len(labels) == len(CONTRACT.table("infusions").column("therapy").vocabulary.codes)
    # The reason the lists live on a sheet: Excel refuses inline lists over 255 characters.
    assert len(",".join(labels)) > 255


def test_numeric_and_date_checks_name_their_rule(book):
    infusions = _validations(book["infusions"])
    age, _ = infusions["H"]
    assert (age.type, age.operator, age.formula1, age.formula2) == ("decimal", "between", "0", "110")
    assert "age_at_infusion (years): a number from 0 to 110" in age.error
    date, _ = infusions["D"]
    assert date.type == "date" and "yyyy-mm-dd" in date.error
    dose, _ = _validations(book["administrations"])["E"]
    assert (dose.type, dose.operator, dose.formula1) == ("decimal", "greaterThan", "0")
    grade, _ = _validations(book["toxicity_episodes"])["F"]
    assert (grade.type, grade.operator, grade.formula1, grade.formula2) == ("whole", "between", "0", "5")
    assert all(v.errorStyle == "stop" for v in (age, date, dose, grade))


def test_date_columns_formatted_and_date_time_columns_left_to_excel(book):
    for table in CONTRACT.tables:
        sheet = book[table.name]
        for index, column in enumerate(table.columns, start=1):
            number_format = sheet.column_dimensions[get_column_letter(index)].number_format
            if column.kind is Kind.DATE:
                assert number_format == "yyyy-mm-dd"
            elif column.kind is Kind.DATETIME:
                # A preset time format would turn a date typed alone into a recorded midnight.
                assert "h" not in number_format.lower()


def test_rows_setting_sets_the_extent_of_checks(tmp_path):
    book = openpyxl.load_workbook(write_template(tmp_path / "t.xlsx", rows=50))
    _, cells = _validations(book["patients"])["B"]
    assert cells == "B2:B51"


def test_a_filled_template_reads_back_as_the_dataset(tmp_path):
    path = write_template(tmp_path / "filled.xlsx")
    book = openpyxl.load_workbook(path)
    expected = small_dataset()
    for table in CONTRACT.tables:
        text = table_text(expected[table.name], table)
        for row in text.itertuples(index=False):
            book[table.name].append([value or None for value in row])
    book.save(path)
    assert read_dataset(path).equals(expected)


def test_cli_writes_the_template_and_refuses_to_overwrite(tmp_path):
    runner = CliRunner()
    target = tmp_path / "entry.xlsx"
    result = runner.invoke(app, ["template", str(target)])
    assert result.exit_code == 0, result.output
    assert openpyxl.load_workbook(target).sheetnames[0] == CONTRACT.table_names[0]
    assert runner.invoke(app, ["template", str(target)]).exit_code != 0
    assert runner.invoke(app, ["template", str(target), "--force"]).exit_code == 0
    assert runner.invoke(app, ["template", str(tmp_path / "entry.csv")]).exit_code != 0


@pytest.fixture(scope="module")
def french(tmp_path_factory):
    path = write_template(tmp_path_factory.mktemp("modele") / "modele.xlsx", lang="fr")
    return openpyxl.load_workbook(path)


def test_french_template_has_french_help_and_the_contract_headers(french):
    patients = french["patients"]
    assert [c.value for c in patients[1]] == list(CONTRACT.table("patients").column_names)
    first = patients["A1"].comment.text
    assert first.startswith("Comment remplir ce classeur")
    assert "Feuille « patients » : Une ligne par patient (pseudonymisé)." in first
    assert "Obligatoire." in first and "Type : texte." in first
    age = french["infusions"]["H1"].comment.text
    assert "Unité : ans." in age and "Valeurs admises : un nombre de 0 à 110." in age
    validation, _ = _validations(french["infusions"])["H"]
    assert validation.errorTitle == "Valeur non admise"
    assert "age_at_infusion (ans): un nombre de 0 à 110." in validation.error


def test_french_drop_downs_offer_french_labels(french):
    therapy = CONTRACT.table("infusions").column("therapy")
    validation, _ = _validations(french["infusions"])["C"]
    offered = _list_values(french, validation.formula1)
    assert offered == list_values(therapy, "fr")
    assert "Axicabtagène ciloleucel (Yescarta)" in offered
    setting, _ = _validations(french["infusions"])["E"]
    assert _list_values(french, setting.formula1) == ("Essai clinique", "Soins courants")
    assert validation.prompt == "Choisissez une valeur de la liste « therapy »."


def _fill(path, dataset, lang):
    """Type the dataset into a blank template the way a user would: labels from the drop-downs."""
    book = openpyxl.load_workbook(path)
    for table in CONTRACT.tables:
        text = table_text(dataset[table.name], table)
        for row in text.itertuples(index=False):
            cells = []
            for column, value in zip(table.columns, row, strict=True):
                if value and column.vocabulary is not None:
                    value = tr(column.vocabulary.term(value).label, lang)
                elif value and column.kind is Kind.BOOLEAN:
                    value = tr(value, lang)
                cells.append(value or None)
            book[table.name].append(cells)
    book.save(path)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_labels_picked_from_the_drop_downs_read_back_as_codes(tmp_path, lang):
    path = write_template(tmp_path / f"filled-{lang}.xlsx", lang=lang)
    expected = small_dataset()
    _fill(path, expected, lang)
    assert read_dataset(path).equals(expected)


def test_cli_writes_a_french_template(tmp_path):
    target = tmp_path / "saisie.xlsx"
    result = CliRunner().invoke(app, ["template", str(target), "--lang", "fr"])
    assert result.exit_code == 0, result.output
    assert "Modèle écrit dans" in result.output
    assert openpyxl.load_workbook(target)["patients"]["A1"].comment.text.startswith("Comment remplir")


def test_cli_language_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("IECTOX_LANG", "fr_FR.UTF-8")
    result = CliRunner().invoke(app, ["template", str(tmp_path / "t.xlsx")])
    assert "Modèle écrit dans" in result.output
    monkeypatch.setenv("IECTOX_LANG", "en")
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    result = CliRunner().invoke(app, ["template", str(tmp_path / "t.xlsx"), "--force"])
    assert "Template written to" in result.output
