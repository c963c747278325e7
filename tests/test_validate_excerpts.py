"""Messages quote the offending cell only, at most 60 characters of it, with hidden characters made visible."""

from __future__ import annotations

from iectox.validate import RawTable, check_raw
from iectox.validate.excerpt import excerpt, short_name, visible


def test_a_long_cell_is_cut_after_60_characters_with_its_length(raw):
    long = "7" * 30 + "x" + "8" * 9_969  # a number column that swallowed 10,000 characters
    [error] = raw.set("infusions", 2, "weight_kg", long).errors()
    assert error.rule == "number"
    assert error.message == f"'{long[:60]}… (10000 characters)' is not a number (decimal point or comma)"
    assert f"« {long[:60]}… (10000 caractères) »" in error.text("fr")
    assert error.value == long  # the whole cell stays in --errors-json


def test_a_long_value_in_a_cross_field_message_is_cut(raw):
    trial = "NCT" + "9" * 500
    [error] = raw.set("infusions", 3, "trial_id", trial).errors()
    assert error.rule == "trial_id_format"
    assert len(error.message) < 160 and "(503 characters)" in error.message
    assert trial[:60] + "…" in error.message and trial not in error.message


def test_a_long_header_is_cut_in_its_message_and_its_location(raw):
    header = "note " * 100
    raw.tables["patients"][header] = "x"
    [error] = [e for e in raw.errors() if e.rule == "unknown_column"]
    assert len(error.message) < 160 and "(500 characters)" in error.message
    assert error.column == header[:60] + "…"


def test_control_and_invisible_characters_are_shown_as_code_points():
    assert visible("CHU\x01A") == "CHU<U+0001>A"
    assert visible("\x1b[31mred\x1b[0m") == "<U+001B>[31mred<U+001B>[0m"
    assert visible("P-0001\u200b") == "P-0001<U+200B>"
    assert visible("Hôpital Nord-Est 72,5 kg") == "Hôpital Nord-Est 72,5 kg"
    assert excerpt("a\tb") == "a<U+0009>b"
    assert short_name("x" * 61) == "x" * 60 + "…"


def test_a_header_with_an_escape_code_is_never_printed_raw(raw):
    tables = {name: RawTable(f"{name}.csv", None, frame) for name, frame in raw.tables.items()}
    tables["patients"].frame["\x1b[2Jcentre2"] = None
    issues = check_raw(tables)[1]
    [error] = [e for e in issues if e.rule == "unknown_column"]
    assert "\x1b" not in error.message + error.text("fr") + error.where() + str(error.value)
    assert "<U+001B>[2Jcentre2" in error.message
