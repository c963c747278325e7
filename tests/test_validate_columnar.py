"""The columnar (C speed) reading of cells gives exactly what the cell-by-cell reading gives.

`iectox.validate.columnar` claims the cells it can type in Arrow and NumPy and leaves the rest to
`iectox.validate.cells`; here both are run on generated messy columns (spaces, NBSP, decimal commas,
thousands, signs, leading zeros, long numbers, ISO and day-first dates, impossible dates, serials, typed
workbook values, blanks) and every typed value, refusal, reason and hour flag must be the same.
"""

from __future__ import annotations

import datetime as dt
import sys
from contextlib import contextmanager
from unittest.mock import patch

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iectox.schema import Kind
from iectox.validate import columnar
from iectox.validate.cells import Parsed, as_text, parse_column
from iectox.validate.settings import Settings


@contextmanager
def cell_by_cell():
    """The reading as it is without `columnar`: every column the general way."""
    with (
        patch.object(columnar, "text_cells", return_value=None),
        patch.object(columnar, "native_numbers", return_value=None),
        patch.object(columnar, "datetimes", return_value=None),
    ):
        yield


def assert_same(fast: Parsed, slow: Parsed) -> None:
    pd.testing.assert_series_equal(fast.values, slow.values, check_names=False)
    pd.testing.assert_series_equal(fast.bad, slow.bad, check_names=False)
    pd.testing.assert_series_equal(fast.reason, slow.reason, check_names=False)
    if slow.time_known is None:
        assert fast.time_known is None
    else:
        pd.testing.assert_series_equal(fast.time_known, slow.time_known, check_names=False)
    # same signs of zero too (assert_series_equal takes -0.0 for 0.0)
    if fast.values.dtype == "float64":
        np.testing.assert_array_equal(np.signbit(fast.values.to_numpy()), np.signbit(slow.values.to_numpy()))


SPACES = st.sampled_from(["", " ", "  ", "\u00a0", "\t", "\u202f", "\u3000", "\u2003"])
NUMBERS = st.one_of(
    st.integers(-(10**18), 10**18).map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.decimals(places=3, allow_nan=False, allow_infinity=False).map(str),
    st.sampled_from(
        [
            "-0",
            "+0",
            "-0.0",
            "-0,0",
            "0",
            "007",
            "00000000000000000012",
            "69,5",
            "1 000",
            "1\u202f000",
            "12 345,6",
            "1e3",
            "1E-2",
            ".5",
            "5.",
            ",5",
            "+5",
            "--5",
            "5-",
            "1.2.3",
            "٣",
            "72.4",
            "0.1",
            "0.30000000000000004",
            "123456789012345",
            "1234567890123456",
            "9007199254740993",
            "inf",
            "nan",
        ]
    ),
)
DATES = st.one_of(
    st.builds(
        lambda y, m, d, sep: f"{y:04d}{sep}{m:02d}{sep}{d:02d}",
        st.integers(1500, 2400),
        st.integers(0, 13),
        st.integers(0, 32),
        st.sampled_from(["-", "/", "."]),
    ),
    st.builds(
        lambda y, m, d, h, mi, s, form: form.format(y=y, m=m, d=d, h=h, mi=mi, s=s),
        st.integers(1600, 2300),
        st.integers(0, 13),
        st.integers(0, 32),
        st.integers(0, 25),
        st.integers(0, 61),
        st.integers(0, 61),
        st.sampled_from(
            [
                "{y:04d}-{m:02d}-{d:02d} {h:02d}:{mi:02d}",
                "{y:04d}-{m:02d}-{d:02d} {h:02d}:{mi:02d}:{s:02d}",
                "{y:04d}-{m:02d}-{d:02d}T{h:02d}:{mi:02d}",
                "{d:02d}/{m:02d}/{y:04d}",
                "{d}/{m}/{y:04d} {h}:{mi:02d}",
                "{m:02d}/{d:02d}/{y:04d}",
                "{y:04d}-{m}-{d}",
                "{y:04d}-{m:02d}-{d:02d} 00:00",
                "{d:02d}.{m:02d}.{y:04d}",
                "{y:04d}-{m:02d}-{d:02d} {h:02d}:{mi:02d}:{s:02d}.5",
            ]
        ),
    ),
    st.integers(0, 80000).map(str),
    st.floats(0, 80000, allow_nan=False).map(lambda v: f"{v:.4f}"),
)
WORDS = st.one_of(
    st.sampled_from(
        [
            "yes",
            "No",
            "TRUE",
            "oui",
            "x",
            "NON",
            "OUİ",
            "Y",
            "CRS",
            "crs",
            "Crs?",
            "real life",
            "INF-000001",
            "",
            "é",
        ]
    ),
    st.text(max_size=12),
)
TEXT = st.builds(
    lambda before, cell, after: before + cell + after, SPACES, st.one_of(NUMBERS, DATES, WORDS), SPACES
)
BLANK = st.sampled_from([None, np.nan, "", "   ", "\u00a0"])
TYPED = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(-1e6, 1e6).map(lambda v: round(v, 2)),
    st.integers(-(10**17), 10**17),
    st.sampled_from(
        [0.1 + 0.2, -0.0, 1e20, 72.4, 686.0, 45000.5, True, False, pd.NaT, pd.NA, 1e-05, 1.5e-07]
    ),
    st.datetimes(dt.datetime(1200, 1, 1), dt.datetime(2400, 1, 1)),
    st.dates(dt.date(1200, 1, 1), dt.date(2400, 1, 1)),
    st.datetimes(dt.datetime(1900, 1, 1), dt.datetime(2100, 1, 1)).map(pd.Timestamp),
)
TEXT_COLUMNS = st.lists(st.one_of(TEXT, BLANK), max_size=25)
TYPED_COLUMNS = st.lists(st.one_of(TYPED, TYPED, TEXT, BLANK), max_size=25)
KINDS = st.sampled_from([Kind.NUMBER, Kind.INTEGER, Kind.DATE, Kind.DATETIME, Kind.TEXT, Kind.BOOLEAN])
ORDERS = st.sampled_from(["iso", "dmy", "mdy"])


def column(cells: list[object]) -> pd.Series:
    return pd.Series(cells, index=pd.RangeIndex(2, 2 + len(cells)), dtype=object)


@settings(max_examples=400, deadline=None)
@given(TEXT_COLUMNS, KINDS, ORDERS)
def test_text_columns_read_as_cell_by_cell(cells, kind, order):
    raw = column(cells)
    fast = parse_column(raw, kind, Settings(date_order=order))
    with cell_by_cell():
        slow = parse_column(raw, kind, Settings(date_order=order))
    assert_same(fast, slow)


def held_in_arrow(cells: list[str | None]) -> pd.Series:
    """A CSV column as `csvsplit` keeps it in Arrow: below the header cell (an offset into the buffers)."""
    held = pa.chunked_array([pa.array(["header", *cells], type=pa.large_string())])[1:]
    return pd.Series(pd.arrays.ArrowStringArray(held), index=pd.RangeIndex(2, 2 + len(cells)))


@settings(max_examples=400, deadline=None)
@given(TEXT_COLUMNS, KINDS, ORDERS)
def test_csv_columns_held_in_arrow_read_as_cell_by_cell(cells, kind, order):
    """A CSV column kept in Arrow is typed in place as pandas' parser's objects (NaN where empty) are read
    cell by cell: same values, refusals, reasons, hours."""
    texts = [cell if isinstance(cell, str) and cell else None for cell in cells]  # CSV: empty is blank
    fast = parse_column(held_in_arrow(texts), kind, Settings(date_order=order))
    with cell_by_cell():
        slow = parse_column(
            column([np.nan if t is None else t for t in texts]), kind, Settings(date_order=order)
        )
    assert_same(fast, slow)


@settings(max_examples=400, deadline=None)
@given(TYPED_COLUMNS, KINDS, ORDERS)
def test_workbook_columns_read_as_cell_by_cell(cells, kind, order):
    raw = column(cells)
    fast = parse_column(raw, kind, Settings(date_order=order))
    with cell_by_cell():
        slow = parse_column(raw, kind, Settings(date_order=order))
    assert_same(fast, slow)


@settings(max_examples=200, deadline=None)
@given(TEXT_COLUMNS)
def test_text_is_stripped_as_python_strips(cells):
    raw = column(cells)
    fast = as_text(raw)
    with cell_by_cell():
        slow = as_text(raw)
    pd.testing.assert_series_equal(fast, slow)


def test_whitespace_is_what_str_strip_strips():
    spaces = "".join(char for char in map(chr, range(sys.maxunicode + 1)) if char.isspace())
    assert spaces == columnar.WHITESPACE


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (["72.4", "69,5", None, " 180 ", "-12"], [72.4, 69.5, np.nan, 180.0, -12.0]),
        (["1 000"], None),  # thousands: read cell by cell
        (["-0", "1.5"], None),  # -0 keeps or loses its sign with the column's other cells
        (["1234567890123456"], None),  # 16 digits: only the general reading says what it gives
    ],
)
def test_plain_numbers_are_claimed_only_when_every_reading_agrees(cells, expected):
    text = columnar.stripped(pa.array(cells, type=pa.large_string()))
    found = columnar.plain_numbers(text)
    if expected is None:
        assert found is None
    else:
        np.testing.assert_array_equal(found, expected)


def test_canonical_dates_are_read_in_c_and_the_rest_cell_by_cell():
    raw = column(["2021-06-15 14:30", "2021-06-15", "2021-02-30 10:00", "15/06/2021 08:00", None, "45000.5"])
    claim = columnar.datetimes(raw, with_time=True)
    assert claim.claimed.tolist() == [True, True, False, False, True, False]
    parsed = parse_column(raw, Kind.DATETIME, Settings(date_order="dmy"))
    assert parsed.values.tolist()[:2] == [pd.Timestamp("2021-06-15 14:30"), pd.Timestamp("2021-06-15")]
    assert parsed.time_known.tolist()[:2] == [True, False]
    assert parsed.values[5] == pd.Timestamp("2021-06-15 08:00")
    assert parsed.values[7] == pd.Timestamp("2023-03-15 12:00")
    assert parsed.bad.tolist() == [False, False, True, False, False, False]


def test_whole_numbers_are_read_and_the_others_refused():
    cells = ["12", "12.000", "-0", "2.5", "1e300", None, "9007199254740992", "9007199254740994", " 7 "]
    parsed = parse_column(column(cells), Kind.INTEGER, Settings())
    assert parsed.values.tolist() == [12, 12, 0, pd.NA, pd.NA, pd.NA, 2**53, pd.NA, 7]
    assert parsed.bad.tolist() == [False, False, False, True, True, False, False, True, False]
    assert str(parsed.values.dtype) == "Int64"


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (["P-001", "P-002", "P-010"], True),
        (["P-001", "P-002", "P-002"], False),  # a repeat is never strictly after the one above
        (["P-002", "P-001"], False),  # out of order: left to the hashing of every value
        (["P-001", None, "P-003"], False),
        (["P-1"], True),
        ([], True),
    ],
)
def test_values_in_strictly_increasing_order_cannot_repeat(cells, expected):
    assert columnar.strictly_increasing(pa.array(cells, type=pa.large_string())) is expected
