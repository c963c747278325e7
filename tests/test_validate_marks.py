"""Nothing guessed, nothing hidden: uncertainty marks, invisible characters and control characters in cells."""

from __future__ import annotations

import pytest

from iectox.schema.vocabularies import SETTING, SYNDROME, TOXICITY_STATUS

UNCERTAIN = "is marked uncertain ('?'): confirm the value and remove the '?', or leave the cell blank"

# (table, row, column, value): every kind of cell that is read rather than kept as written
MARKED = [
    ("infusions", 2, "setting", "real life??"),
    ("toxicity_episodes", 2, "syndrome", "CRS?"),
    ("infusions", 2, "crs_status", "yes?"),
    ("observations", 2, "hypotension", "yes?"),
    ("infusions", 2, "weight_kg", "72?"),
    ("patients", 2, "birth_year", "1961?"),
    ("infusions", 2, "infusion_date", "2023-05-17?"),
    ("toxicity_episodes", 2, "onset_at", "2023-05-19 14:30 ?"),
    ("outcomes", 2, "status", "?"),
    ("infusions", 2, "therapy", "Yescarta ?"),
    ("administrations", 2, "drug", "toci？"),
]


@pytest.mark.parametrize(("table", "row", "column", "value"), MARKED, ids=[m[2] for m in MARKED])
def test_a_value_marked_uncertain_is_one_error_saying_what_to_do(raw, table, row, column, value):
    errors = raw.set(table, row, column, value).errors()
    assert [(e.rule, e.file, e.row, e.column, e.message) for e in errors] == [
        ("uncertain_value", f"{table}.csv", row, column, f"{column} '{value.strip()}' {UNCERTAIN}")
    ]
    assert "incertaine" in errors[0].text("fr")


def test_the_vocabulary_never_folds_a_question_mark_away():
    assert SETTING.normalise("real life") == "standard_of_care"
    assert SETTING.normalise("real life??") is None
    assert SYNDROME.normalise("CRS?") is None
    assert TOXICITY_STATUS.normalise("¿yes") is None


def test_identifiers_and_free_text_keep_their_question_mark_as_written(raw):
    raw.set("outcomes", 3, "death_cause", "progression? or CRS")
    assert raw.errors() == []
    errors = (
        raw.set("patients", 4, "centre", "CHU-B")
        .set("administrations", 4, "administration_id", "ADM-3?")
        .errors()
    )
    assert [(e.rule, e.column) for e in errors] == [("pattern", "administration_id")]


def test_a_zero_width_space_in_a_code_is_removed_with_a_warning(raw):
    raw.set("toxicity_episodes", 2, "syndrome", "CRS\u200b").set("patients", 3, "centre", "\ufeffCHU\u2060-A")
    raw.set("infusions", 2, "weight_kg", "71\u200c,4").set("patients", 2, "patient_id", "P-001\u200d")
    issues = raw.issues()
    assert [(i.severity, i.rule, i.file, i.row, i.column, i.message) for i in issues] == [
        (
            "warning",
            "invisible_character",
            "patients.csv",
            2,
            "patient_id",
            "patient_id 'P-001<U+200D>' holds an invisible character (U+200D), removed: read as 'P-001'",
        ),
        (
            "warning",
            "invisible_character",
            "patients.csv",
            3,
            "centre",
            "centre '<U+FEFF>CHU<U+2060>-A' holds an invisible character (U+FEFF, U+2060), removed: read as "
            "'CHU-A'",
        ),
        (
            "warning",
            "invisible_character",
            "infusions.csv",
            2,
            "weight_kg",
            "weight_kg '71<U+200C>,4' holds an invisible character (U+200C), removed: read as '71,4'",
        ),
        (
            "warning",
            "invisible_character",
            "toxicity_episodes.csv",
            2,
            "syndrome",
            "syndrome 'CRS<U+200B>' holds an invisible character (U+200B), removed: read as 'CRS'",
        ),
    ]
    from iectox.validate import RawTable, check_raw

    tables = {name: RawTable(f"{name}.csv", None, frame) for name, frame in raw.tables.items()}
    dataset = check_raw(tables)[0]
    assert dataset["patients"].loc[1, "centre"] == "CHU-A"
    assert dataset["toxicity_episodes"].loc[0, "syndrome"] == "CRS"
    assert dataset["infusions"].loc[0, "weight_kg"] == 71.4


@pytest.mark.parametrize(
    ("column", "value", "shown", "chars"),
    [
        ("centre", "CHU\x01A", "CHU<U+0001>A", "U+0001"),
        ("centre", "\x1b[31mCHU-A\x1b[0m", "<U+001B>[31mCHU-A<U+001B>[0m", "U+001B"),
        ("sex", "fem\x00ale", "fem<U+0000>ale", "U+0000"),
        ("birth_year", "19\x7f61", "19<U+007F>61", "U+007F"),
        ("centre", "CHU\x9bA", "CHU<U+009B>A", "U+009B"),
        ("centre", "CHU\ufffeA", "CHU<U+FFFE>A", "U+FFFE"),
    ],
)
def test_a_control_character_is_an_error_naming_the_cell_and_never_printed_raw(
    raw, column, value, shown, chars
):
    errors = raw.set("patients", 3, column, value).errors()
    assert [(e.rule, e.row, e.column, e.value, e.message) for e in errors] == [
        (
            "control_character",
            3,
            column,
            shown,
            f"{column} '{shown}' holds a control character ({chars}): retype the value without it",
        )
    ]
    french = errors[0].text("fr")
    assert shown in french and value not in french


def test_tabs_and_line_breaks_inside_free_text_are_kept(raw):
    assert raw.set("outcomes", 3, "death_cause", "progression\nthen\tsepsis").errors() == []
