"""Any table of text cells written as CSV, in any of the encodings and separators iectox accepts, reads
back exactly: no value lost, cut, shifted or changed by the reader."""

from __future__ import annotations

import csv
import io
import re

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from iectox.io.csvdir import read_csv_table
from iectox.io.csvsplit import arrow_frame, objects_frame, parsed, regular
from iectox.validate import columnar

CELL = st.text(
    alphabet=st.characters(codec="cp1252", exclude_characters="\x00", exclude_categories=("Cs",)), max_size=8
)
ROWS = st.integers(min_value=2, max_value=4).flatmap(
    lambda width: st.lists(st.lists(CELL, min_size=width, max_size=width), min_size=1, max_size=6)
)
ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=ROWS, sep=st.sampled_from([",", ";", "\t"]), encoding=ENCODINGS, sep_line=st.booleans())
def test_written_text_reads_back_exactly(tmp_path_factory, rows, sep, encoding, sep_line):
    header = [f"column_{n}" for n in range(len(rows[0]))]
    text = io.StringIO()
    if sep_line:
        text.write(f"sep={sep}\r\n")
    csv.writer(text, delimiter=sep).writerows([header, *rows])
    data = text.getvalue().encode(encoding)
    # Windows-1252 letters that happen to spell UTF-8 ("Ã©" is the bytes of "é") are read as UTF-8, or as a
    # mixed file: such text is already garbled, and a real Windows-1252 file almost never holds it.
    assume(encoding != "cp1252" or not re.search(rb"[\xc2-\xf4][\x80-\xbf]", data))
    path = tmp_path_factory.mktemp("csv") / "table.csv"
    path.write_bytes(data)
    raw = read_csv_table(path)
    expected = pd.DataFrame(rows, columns=header, index=range(2, len(rows) + 2), dtype=object)
    blank = [all(cell == "" for cell in row) for row in rows]
    assert not raw.issues
    read = raw.frame.fillna("")
    pd.testing.assert_frame_equal(read[~np.array(blank)], expected[~np.array(blank)], check_index_type=False)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=ROWS, sep=st.sampled_from([",", ";"]))
def test_a_trailing_separator_on_every_row_reads_as_without_it(tmp_path_factory, rows, sep):
    """The header has none, so the rows have one cell more than the header: the fast parser refuses the file
    and the careful line-by-line reading must cut every row as the fast one cuts the same file without it."""
    header = [f"column_{n}" for n in range(len(rows[0]))]
    plain, trailing = io.StringIO(), io.StringIO()
    csv.writer(plain, delimiter=sep).writerows([header, *rows])
    csv.writer(trailing, delimiter=sep).writerows([header, *[[*row, ""] for row in rows]])
    folder = tmp_path_factory.mktemp("csv")
    (folder / "plain.csv").write_text(plain.getvalue(), encoding="utf-8")
    (folder / "trailing.csv").write_text(trailing.getvalue(), encoding="utf-8")
    fast, careful = read_csv_table(folder / "plain.csv"), read_csv_table(folder / "trailing.csv")
    assert not careful.issues
    pd.testing.assert_frame_equal(careful.frame, fast.frame, check_index_type=False)


# Raw CSV text of the kinds a plain file may hold: separators, spaces, line endings of every kind, blank lines,
# rows narrower or wider than the header, non-ASCII letters; no quote or NUL (such a file is left to pandas).
RAW_PIECE = st.sampled_from([",", ";", "\t", " ", "\n", "\r\n", "\r", "a", "Zé", "1.5", "-", "=1", "é\u00a0"])


@settings(max_examples=400, deadline=None)
@given(pieces=st.lists(RAW_PIECE, min_size=1, max_size=40), sep=st.sampled_from([",", ";", "\t"]))
def test_arrow_reads_a_plain_file_as_pandas_does(pieces, sep):
    """Where Arrow's reader takes a file (`csvsplit.regular`), its cells are pandas' C parser's, exactly."""
    data = "".join(pieces).encode("utf-8")
    arrow = regular(data, sep, 0)
    if arrow is None:
        return
    try:
        expected = parsed(data, sep, 0)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as refused:
        raise AssertionError(f"Arrow read what pandas refuses ({refused})") from None
    pd.testing.assert_frame_equal(
        objects_frame(arrow), expected, check_column_type=False, check_index_type=False
    )
    kept = arrow_frame(arrow)  # the same cells left in Arrow, for validation to type in place
    assert all(columnar.in_arrow(kept[column]) for column in kept.columns)
    pd.testing.assert_frame_equal(
        kept.apply(columnar.as_objects), expected, check_column_type=False, check_index_type=False
    )


PLAIN_CELL = st.sampled_from(
    ["", " ", "a", "Zé", "1.5", "-", "=1", "é\u00a0", "x y", "NA", "null", "nan", "#N/A"]
)


@settings(max_examples=300, deadline=None)
@given(
    rows=st.integers(min_value=2, max_value=4).flatmap(
        lambda width: st.lists(st.lists(PLAIN_CELL, min_size=width, max_size=width), min_size=1, max_size=5)
    ),
    sep=st.sampled_from([",", ";", "\t"]),
    end=st.sampled_from(["\n", "\r\n", "\r"]),
    last=st.sampled_from(["", "end", "end end"]),
)
def test_arrow_reads_a_plain_table_as_pandas_does(rows, sep, end, last):
    """The same, on tables as files hold them (the raw pieces above rarely make a regular table): words that
    other readers take for blanks ("NA", "null", "nan", "#N/A") stay text, line endings of every kind."""
    data = (end.join(sep.join(row) for row in rows) + last.replace("end", end).replace(" ", "")).encode()
    arrow = regular(data, sep, 0)
    if arrow is not None:
        expected = parsed(data, sep, 0)
        pd.testing.assert_frame_equal(
            objects_frame(arrow), expected, check_column_type=False, check_index_type=False
        )
        pd.testing.assert_frame_equal(
            arrow_frame(arrow).apply(columnar.as_objects),
            expected,
            check_column_type=False,
            check_index_type=False,
        )


def test_a_file_iectox_writes_is_read_by_arrow():
    data = b"patient_id,sex,birth_year\r\nP-1,female,1961\r\nP-2,,1970\r\n"
    table = regular(data, ",", 0)
    assert table is not None
    cells = objects_frame(table)
    assert cells.fillna("<blank>").to_numpy().tolist() == [
        ["patient_id", "sex", "birth_year"],
        ["P-1", "female", "1961"],
        ["P-2", "<blank>", "1970"],
    ]
