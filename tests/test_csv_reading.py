"""CSV files read without losing or changing a value: encodings, NUL bytes and odd layouts.

Each problem is an issue naming the file, the row as the user sees it (header = row 1), the column and the
value, so nothing is dropped, shifted or decoded in silence; what is certain (a declared `sep=;`, a trailing
separator on every line, a UTF-16 file with its byte-order mark) is read as meant.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from factories import small_dataset
from iectox.errors import SourceError
from iectox.io import check_path, read_dataset, write_dataset
from iectox.io.csvdir import read_csv_table


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return write_dataset(small_dataset(), tmp_path / "data")


def _edit(path: Path, edit) -> None:
    path.write_bytes(edit(path.read_bytes()))


def _found(folder: Path) -> list[tuple]:
    dataset, issues = check_path(folder)
    assert dataset is None
    return [(i.rule, i.file, i.row, i.column, i.value) for i in issues]


def _same_as_written(folder: Path) -> None:
    again, original = read_dataset(folder), small_dataset()
    for table in original:
        pd.testing.assert_frame_equal(again[table], original[table], check_exact=True)


def test_a_nul_byte_is_reported_with_its_cell_not_cut_at(folder):
    _edit(folder / "patients.csv", lambda b: b.replace(b"1961,CHU-A", b"1961,CHU\0-A"))
    assert _found(folder) == [("nul_character", "patients.csv", 2, "centre", "CHU␀-A")]


def test_a_file_mixing_utf8_and_windows_1252_names_rows_of_each(folder):
    def mix(data: bytes) -> bytes:
        data = data.replace(b"1961,CHU-A", "1961,CHU-Évry".encode())
        return data.replace(b"1990,CHU-B", "1990,CHU-Béziers".encode("cp1252"))

    _edit(folder / "patients.csv", mix)
    _, issues = check_path(folder)
    assert [(i.rule, i.row, i.column) for i in issues] == [("mixed_encoding", 4, None)]
    assert issues[0].message.startswith(
        "the file mixes two encodings: UTF-8 in rows 2 and Windows-1252 (ANSI) in rows 4,"
    )
    raw = read_csv_table(folder / "patients.csv")
    assert raw.frame["centre"].tolist() == ["CHU-Évry", "CHU-A", "CHU-Béziers"]


def test_windows_1252_alone_is_read(folder):
    _edit(folder / "patients.csv", lambda b: b.replace(b"CHU-B", "CHU-Béziers".encode("cp1252")))
    assert read_dataset(folder)["patients"]["centre"].tolist() == ["CHU-A", "CHU-A", "CHU-Béziers"]


def test_excel_unicode_text_is_read_exactly(folder):
    """Excel's "Unicode text": UTF-16 with a byte-order mark, tab-separated."""
    for path in folder.glob("*.csv"):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        path.write_bytes(frame.to_csv(index=False, sep="\t").encode("utf-16"))
    _same_as_written(folder)


def test_utf16_without_byte_order_mark_is_refused(folder):
    _edit(folder / "patients.csv", lambda b: b.decode().encode("utf-16-le"))
    with pytest.raises(SourceError, match="UTF-16 without a byte-order mark"):
        check_path(folder)


def test_a_decimal_comma_in_a_comma_separated_file_names_the_row_and_the_extra_value(folder):
    _edit(folder / "patients.csv", lambda b: b.replace(b"P-003,male,1990,CHU-B", b"P-003,male,1990,CHU,B"))
    _, issues = check_path(folder)
    # B shifted into developmental_delay, and its blank beyond the header
    assert [(i.rule, i.row, i.value) for i in issues] == [("too_many_values", 4, "''"), ("boolean", 4, "B")]
    assert "6 values for the 5 columns of the header" in issues[0].message
    assert "decimal comma" in issues[0].message


def test_a_decimal_comma_is_reported_even_when_its_extra_cell_is_empty(folder):
    """71,4 in weight_kg shifts every later cell; the last two are empty, so the extra one is too."""
    _edit(folder / "infusions.csv", lambda b: b.replace(b"61.5,71.4,165,,", b"61.5,71,4,165,,"))
    found = _found(folder)
    assert found[0] == ("too_many_values", "infusions.csv", 2, None, "''")


def test_a_longer_first_row_is_reported_not_shifted(folder):
    """pandas would take the first column as an index and shift every value of the file by one."""
    _edit(folder / "patients.csv", lambda b: b.replace(b"1961,CHU-A,", b"1961,CHU-A,,x"))
    assert _found(folder) == [("too_many_values", "patients.csv", 2, None, "'x'")]


def test_shorter_rows_are_blanks(folder):
    _edit(folder / "patients.csv", lambda b: b.replace(b"P-002,male,,CHU-A", b"P-002,male"))
    assert _found(folder) == [("required", "patients.csv", 3, "centre", None)]


@pytest.mark.parametrize("line", [b"sep=;\n", b'"sep=;"\r\n', b"SEP=;;;\n"])
def test_an_excel_sep_line_declares_the_separator(folder, line):
    written = read_csv_table(folder / "infusions.csv").frame
    _edit(folder / "infusions.csv", lambda b: line + b.replace(b",", b";"))
    again = read_csv_table(folder / "infusions.csv").frame
    pd.testing.assert_frame_equal(again, written)
    assert again.index.tolist() == [2, 3, 4]


def test_rows_below_a_sep_line_are_numbered_as_excel_shows_them(folder):
    """Excel hides the sep= line: the header is still row 1."""
    _edit(
        folder / "infusions.csv", lambda b: b"sep=;\r\n" + b.replace(b",", b";").replace(b"61.5;", b"61,5;")
    )
    _same_as_written(folder)
    _edit(folder / "infusions.csv", lambda b: b.replace(b"dlbcl_2l", b"dlbcl_2"))
    assert _found(folder) == [("vocabulary", "infusions.csv", 3, "indication", "dlbcl_2")]


def test_a_trailing_separator_on_every_line_is_an_empty_column(folder):
    _edit(folder / "patients.csv", lambda b: b.replace(b"\n", b",\n"))
    _edit(folder / "outcomes.csv", lambda b: b.replace(b"\nINF", b",\nINF").rstrip(b"\n") + b",\n")
    _same_as_written(folder)


def test_a_trailing_separator_on_some_rows_only_is_reported(folder):
    _edit(folder / "patients.csv", lambda b: b.replace(b"CHU-B,\n", b"CHU-B,,\n"))
    assert _found(folder) == [("too_many_values", "patients.csv", 4, None, "''")]


def test_an_unclosed_quote_names_the_row_where_it_opens(folder):
    _edit(folder / "patients.csv", lambda b: b.replace(b"P-002,male,,CHU-A", b'P-002,male,,"CHU-A'))
    found = _found(folder)
    assert found[0] == ("unclosed_quote", "patients.csv", 3, "centre", "CHU-A,")  # the quote holds the comma


def test_a_header_repeated_inside_the_data_names_its_row(folder):
    header = b"patient_id,sex,birth_year,centre,developmental_delay\n"
    _edit(folder / "patients.csv", lambda b: b + header + b"P-004,female,1970,CHU-A,\n")
    assert _found(folder) == [("repeated_header", "patients.csv", 5, None, None)]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "is empty"),
        (b"\n\nP-001,female,1961,CHU-A\n", "is empty"),
        (b"sep=,\n", "is empty"),
        (b"PK\x03\x04\x14\x00", "ZIP archive"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1", "old Excel workbook"),
        (b"patient_id\n\x81\x8d\n", "neither UTF-8 nor Windows-1252 text: line 2 holds the byte 0x81"),
    ],
)
def test_files_that_are_not_csv_text_are_refused(folder, content, reason):
    (folder / "patients.csv").write_bytes(content)
    with pytest.raises(SourceError, match=reason):
        check_path(folder)


def test_an_unclosed_quote_early_in_a_large_file(folder):
    """The quoted cell runs over every later line: more than the csv module's default cell size (128 KiB)."""
    rows = b"".join(b"P-%06d,male,1990,CHU-B,\n" % n for n in range(10, 20000))
    _edit(
        folder / "patients.csv",
        lambda b: b.replace(b"P-001,female,1961,CHU-A", b'P-001,female,1961,"CHU-A') + rows,
    )
    found = _found(folder)
    assert found[0] == ("unclosed_quote", "patients.csv", 2, "centre", "CHU-A,")


def test_thousands_of_unnamed_columns_are_named_quickly(folder):
    _edit(folder / "patients.csv", lambda b: b.replace(b"\n", b"," * 2_000 + b"\n"))
    raw = read_csv_table(folder / "patients.csv")
    assert raw.frame.columns[-1] == "Unnamed: 2004" and not raw.issues


def test_a_file_wider_than_a_spreadsheet_is_refused_before_it_is_parsed(folder):
    _edit(folder / "patients.csv", lambda b: b.replace(b"\n", b"," * 20_000 + b"\n", 1))
    with pytest.raises(SourceError, match="has 20005 columns, more than a spreadsheet holds \\(16384\\)"):
        read_csv_table(folder / "patients.csv")
