"""Whole columns typed in C (Arrow and NumPy): the cells most files hold, read without a Python step per cell.

A national registry holds millions of cells written as iectox writes them ("72.4", "2021-06-15 14:30", a
code) or typed by a workbook (a float, a date); reading each through Python costs more than reading the file.
Each function here takes the cells whose value it can give exactly as the general reading of
`iectox.validate.cells` would (same value, same type, same refusal) and leaves the others to it: a faster way
to the same result, never a second definition of what a cell means. tests/test_validate_columnar.py compares
the two on generated messy cells.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

# What `str.strip` strips (the characters for which `str.isspace` is true), NBSP among them; a test checks it.
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
NBSP = "\u00a0"
PLAIN_NUMBER = r"^[+-]?[0-9]+([.,][0-9]+)?$"  # "-12", "72.4", "69,5"
MAX_DIGITS = 15  # any decimal of at most 15 digits is read to the same float by every correct reading
ISO_FORM = "0000-00-00 00:00:00"  # how iectox writes a moment (0: a digit), cut after the day or the minute
FIRST_YEAR, LAST_YEAR = 1678, 2261  # whole years inside pandas' nanosecond timestamps
EXACT_DECIMALS = 6  # a workbook float read back exactly through its text: at most 6 decimals...
EXACT_BELOW = 1e9  # ...and 9 digits before the point (15 in all)
WHOLE_BELOW = 1e15  # a whole number of at most 15 digits
FIRST_CELLS = 100
ROWS_AT_A_TIME = 65_536  # dates typed a block of rows at a time: NumPy's temporaries stay a few MB, reused,
# where a whole column of millions of cells would map hundreds of MB afresh for each of them
WITHOUT_TEXT = (
    "floating",
    "integer",
    "mixed-integer-float",
    "decimal",
    "boolean",
    "datetime",
    "date",
    "empty",
)
# Patterns that RE2 (Arrow) reads as Python does on ASCII text: literals, classes, repeats, groups, | and
# \d \w \. \- escapes, ^ first and $ last (\s, flags, look-arounds, anchors inside: Python alone).
SAME_IN_RE2 = re.compile(r"\^?(?:[^\\^$(]|\\[-.dw_/\\]|\((?!\?))*\$?")


def in_arrow(raw: pd.Series) -> bool:
    """Whether the cells are held in Arrow (a CSV column as `iectox.io.csvsplit` reads it), not as objects."""
    return isinstance(raw.dtype, pd.StringDtype) and raw.dtype.storage == "pyarrow"


def as_objects(raw: pd.Series) -> pd.Series:
    """The cells as Python objects, blank cells NaN: what the cell-by-cell reading of `cells` is given, as
    pandas' CSV parser gives it (a column held in Arrow is converted; any other returned as it is)."""
    if not in_arrow(raw):
        return raw
    return pd.Series(raw.to_numpy(dtype=object, na_value=np.nan), index=raw.index, name=raw.name)


def text_cells(raw: pd.Series) -> pa.Array | None:
    """The cells as Arrow text (blank cells null) when they are all text or blank (a CSV column, a text
    column of a workbook); None when some hold a typed value, which only `cells` reads. A column already
    held in Arrow is seen in place."""
    if in_arrow(raw):
        held = pa.array(raw.array)  # its chunks, as the column holds them
        held = held.combine_chunks() if isinstance(held, pa.ChunkedArray) else held
        return held.cast(pa.large_string())
    if isinstance(raw.dtype, pd.StringDtype):
        values = raw.to_numpy(dtype=object, na_value=None)
    elif raw.dtype == object and _text_first(raw.to_numpy()) and infer(raw) in ("string", "empty"):
        values = raw.to_numpy()
    else:
        return None
    try:
        return pa.array(values, type=pa.large_string(), from_pandas=True)
    except (pa.ArrowException, UnicodeError):  # a lone surrogate has no UTF-8: read the slow way
        return None


def infer(raw: pd.Series) -> str:
    """What the cells hold, as pandas says it ("string", "floating", "date", "mixed", "empty"...)."""
    return pd.api.types.infer_dtype(raw, skipna=True)


def holds_text(raw: pd.Series) -> bool:
    """Whether some cell may be text: false of a column of typed numbers or dates and blanks."""
    return raw.dtype != object or infer(raw) not in WITHOUT_TEXT


def _text_first(values: np.ndarray) -> bool:
    """Whether the first cell that is not blank is text, as far as the first cells tell (a workbook's typed
    column is told at once; `infer` has the last word)."""
    for value in values[:FIRST_CELLS]:
        if isinstance(value, str):
            return True
        if not (value is None or value is pd.NA or (isinstance(value, float) and value != value)):
            return False
    return True


def cell_bytes(text: pa.Array) -> np.ndarray:
    """Every cell's UTF-8 bytes, one after the other (blank cells hold none), seen in place."""
    if len(text) == 0 or text.buffers()[2] is None:
        return np.zeros(0, dtype=np.uint8)
    offsets = np.frombuffer(text.buffers()[1], dtype=np.int64, count=len(text) + 1, offset=8 * text.offset)
    return np.frombuffer(text.buffers()[2], dtype=np.uint8)[offsets[0] : offsets[-1]]


def joined_bytes(text: pa.Array) -> bytes:
    """Every cell's UTF-8 bytes, one after the other (blank cells hold none)."""
    return cell_bytes(text).tobytes()


def stripped(cells: pa.Array) -> pa.Array:
    """The cells as `cells.as_text` leaves them: NBSP as a space, stripped as `str.strip` strips, and a cell
    left empty null."""
    text = pc.utf8_trim(cells, characters=WHITESPACE)  # NBSP is whitespace: stripping first is the same
    data = cell_bytes(text)
    if len(data) and data.max() >= 0x80 and NBSP.encode() in data.tobytes():  # ASCII holds no NBSP
        text = pc.replace_substring(text, NBSP, " ")
    if len(text) and pc.min(pc.binary_length(text)).as_py() == 0:
        text = pc.if_else(pc.equal(pc.binary_length(text), 0), pa.scalar(None, text.type), text)
    return text


def text_series(raw: pd.Series, cells: pa.Array, text: pa.Array) -> pd.Series:
    """`text` (the `stripped` `cells` of `raw`) as a pandas "string" Series on `raw`'s index, holding
    `raw`'s own string objects wherever stripping changed nothing (a column held in Arrow: made once)."""
    # Stripping shortens every cell it changes (NBSP, two bytes, becomes a space): the lengths tell which.
    lengths = pc.fill_null(pc.binary_length(text), -1)
    changed = as_numpy(pc.fill_null(pc.not_equal(pc.binary_length(cells), lengths), False))
    made = in_arrow(raw)  # a new array of objects, not shared with `raw`, to be used as it is
    objects = objects_once(cells) if made else raw.to_numpy(dtype=object)
    if changed.any():
        objects = objects if made else objects.copy()
        objects[as_numpy(text.is_null())] = None
        rows = np.flatnonzero(changed & as_numpy(text.is_valid()))
        if len(rows):
            objects[rows] = text.take(pa.array(rows)).to_pylist()
        made = True
    return pd.Series(pd.array(objects, dtype="string", copy=not made), index=raw.index, name=raw.name)


def objects_once(cells: pa.Array) -> np.ndarray:
    """The cells as a new array of Python strings (None where blank), each distinct text made once and
    shared by every cell that holds it: a code repeated over millions of rows is one string, not millions
    (time, and memory that every later step would pay for). A column whose first cells are mostly distinct
    (identifiers) is converted cell by cell: finding its repeats would cost more than they save."""
    first = cells.slice(0, FIRST_CELLS * 10)
    if pc.count_distinct(first).as_py() * 2 > len(first):
        return cells.to_numpy(zero_copy_only=False)
    encoded = pc.dictionary_encode(cells)
    distinct = np.empty(len(encoded.dictionary) + 1, dtype=object)  # the last: None, for a blank cell
    distinct[:-1] = encoded.dictionary.to_numpy(zero_copy_only=False)
    return distinct[as_numpy(pc.fill_null(encoded.indices, len(distinct) - 1))]


def as_numpy(array: pa.Array) -> np.ndarray:
    return array.to_numpy(zero_copy_only=False)


def full_matches(values: pd.Series, pattern: str, text: pa.Array | None = None) -> pd.Series:
    """`values.str.fullmatch(pattern)`, False on blank cells: in RE2 (Arrow) for ASCII cells when the
    pattern means the same to both, in Python for the others. `text`: `text_cells(values)`, if known."""
    if text is None and SAME_IN_RE2.fullmatch(pattern):
        text = text_cells(values)
    if text is None or not SAME_IN_RE2.fullmatch(pattern):
        return values.fillna("").str.fullmatch(pattern).astype(bool)
    matched = as_numpy(pc.fill_null(pc.match_substring_regex(text, f"^(?:{pattern})$"), False))
    others = np.flatnonzero(~as_numpy(pc.fill_null(pc.string_is_ascii(text), True)))
    if len(others):
        compiled = re.compile(pattern)
        matched[others] = [compiled.fullmatch(value) is not None for value in values.iloc[others]]
    return pd.Series(matched, index=values.index)


def present(text: pa.Array) -> np.ndarray:
    """Whether each cell holds a value."""
    return as_numpy(pc.is_valid(text))


def is_in(text: pa.Array, values: pa.Array | list[str]) -> np.ndarray:
    """Whether each cell is one of `values` (False on blank cells): `Series.isin` in C."""
    known = values if isinstance(values, pa.Array) else pa.array(values, type=text.type)
    found = pc.is_in(text, value_set=known.cast(text.type))
    return present(text) & as_numpy(pc.fill_null(found, False))


def distinct(text: pa.Array) -> list[str]:
    """The values written, each once (blank cells aside)."""
    return pc.unique(pc.drop_null(text)).to_pylist()


def yes_no(
    text: pa.Array, true_words: tuple[str, ...], false_words: tuple[str, ...]
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """For stripped text cells, which say yes (one of `true_words`, any case), which say yes or no, and which
    hold a value; None when a cell is not ASCII, whose lower case only Python gives exactly."""
    if not _all(pc.string_is_ascii(text)):
        return None
    lower = pc.ascii_lower(text)
    yes = is_in(lower, list(true_words))
    return yes, yes | is_in(lower, list(false_words)), present(text)


def strictly_increasing(text: pa.Array) -> bool:
    """Whether every cell holds a value that sorts after the one above it (UTF-8 byte order): then no value
    is written twice, which a comparison of neighbours tells in C without hashing a cell."""
    if text.null_count:
        return False
    if len(text) < 2:
        return True
    return _all(pc.less(text.slice(0, len(text) - 1), text.slice(1)))


def plain_numbers(text: pa.Array) -> np.ndarray | None:
    """The numbers of stripped text cells when every one is blank or a plain decimal of at most
    `MAX_DIGITS` digits, point or comma ("-12", "72.4", "69,5"); None when one is not (or is "-0", whose
    sign `cells` keeps or drops depending on the column's other cells), to be read by `cells`."""
    if not _all(pc.match_substring_regex(text, PLAIN_NUMBER)):
        return None
    lengths = pc.binary_length(text)
    if not _all(pc.less_equal(lengths, MAX_DIGITS)):  # then count the digits: the length less sign and point
        signed = pc.cast(pc.match_substring_regex(text, "^[+-]"), pa.int64())
        pointed = pc.cast(pc.match_substring_regex(text, "[.,]"), pa.int64())
        if not _all(pc.less_equal(pc.subtract(lengths, pc.add(signed, pointed)), MAX_DIGITS)):
            return None
    if b"," in joined_bytes(text):
        text = pc.replace_substring(text, ",", ".")
    numbers = pc.cast(text, pa.float64())
    if not _all(pc.invert(pc.and_(pc.equal(numbers, 0), pc.starts_with(text, "-")))):
        return None
    return as_numpy(pc.fill_null(numbers, np.nan))


def _all(found: pa.Array) -> bool:
    """Whether `found` holds on every cell (blank cells, null, aside)."""
    return pc.all(found, skip_nulls=True, min_count=0).as_py() is not False


def native_numbers(raw: pd.Series) -> np.ndarray | None:
    """The numbers of a workbook column whose cells are all blank, or ints and floats that `cells` (which
    reads a typed number through its text) gives back unchanged: whole numbers of at most 15 digits, others
    of at most 6 decimals and 9 digits before the point. None otherwise, to be read by `cells`."""
    if raw.dtype != object or not set(map(type, raw.to_numpy())) <= {float, int, type(None)}:
        return None
    values = raw.to_numpy().astype(np.float64)
    size = np.abs(values)
    exact = (values == np.floor(values)) & (size < WHOLE_BELOW)
    rest = ~exact & (size < EXACT_BELOW)
    for decimals in range(1, EXACT_DECIMALS + 1):
        scale = 10.0**decimals
        with np.errstate(over="ignore", invalid="ignore"):  # huge values and NaN are not `rest`
            found = rest & (np.round(values * scale) / scale == values)
        exact |= found
        rest &= ~found
    if not (exact | np.isnan(values)).all():
        return None
    return np.where(values == 0, 0.0, np.where(np.isnan(values), np.nan, values))  # -0.0 reads "0"


@dataclass(frozen=True)
class Claim:
    """The cells of a date column read here (`claimed`, blanks among them), with their timestamps (NaT
    elsewhere), whether their hour was written, and the typed ones out of range (refused as `cells` does)."""

    values: np.ndarray
    time_known: np.ndarray
    bad: np.ndarray
    claimed: np.ndarray


def datetimes(raw: pd.Series, with_time: bool, cells: pa.Array | None = None) -> Claim | None:
    """The dates (`with_time` False) or date-and-times of a column that are blank, written exactly as
    iectox writes them (YYYY-MM-DD, and in a date-and-time column YYYY-MM-DD HH:MM[:SS]), or typed as dates
    by a workbook; None when the column must be read cell by cell. `cells`: `text_cells(raw)`, if known."""
    cells = cells if cells is not None else text_cells(raw)
    if cells is not None:
        return _written(stripped(cells), with_time)
    if raw.dtype == object:
        return _native(raw, with_time)
    return None


def _native(raw: pd.Series, with_time: bool) -> Claim | None:
    """Workbook cells typed as a date (day alone) or a date-and-time, and blanks; text and numbers (serial
    dates) are left to `cells`. None when a cell is pd.NA, which `cells` reads as text in a typed column
    but as a blank among text alone: the cells left to it would not be read as in their column."""
    objects = raw.to_numpy()
    blanks = pd.isna(objects)
    blank_kinds = {type(value) for value in objects[blanks]}
    if infer(raw) in ("date", "datetime") and blank_kinds <= {type(None), float}:
        native, blank = ~blanks, blanks  # the usual workbook column: dates, and empty cells
        with_hour = (
            np.array([isinstance(value, dt.datetime) for value in objects], dtype=bool)
            if with_time and infer(raw) == "date"
            else native & with_time
        )
    else:
        if type(pd.NA) in blank_kinds:
            return None
        kinds = pd.Series([type(value) for value in objects], dtype=object)
        with_hour = kinds.isin([dt.datetime, pd.Timestamp]).to_numpy()
        native = with_hour | kinds.isin([dt.date]).to_numpy()
        blank = kinds.isin([type(None)]).to_numpy() | (kinds.isin([float]).to_numpy() & blanks)
    values = np.full(len(objects), np.datetime64("NaT"), dtype="datetime64[ns]")
    if native.any():
        stamps = pd.to_datetime(pd.Series(objects[native]), errors="coerce", cache=False)
        stamps = stamps.astype("datetime64[ns]")
        values[native] = stamps.to_numpy()
    return Claim(values, with_hour, native & np.isnat(values), native | blank)


def _written(text: pa.Array, with_time: bool) -> Claim:
    size = len(text)
    values = np.full(size, np.datetime64("NaT"), dtype="datetime64[ns]")
    known = np.zeros(size, dtype=bool)
    claimed = as_numpy(text.is_null())
    for start in range(0, size, ROWS_AT_A_TIME):
        end = min(size, start + ROWS_AT_A_TIME)
        _written_rows(
            text.slice(start, end - start), with_time, values[start:end], known[start:end], claimed[start:end]
        )
    return Claim(values, known, np.zeros(size, dtype=bool), claimed)


def _written_rows(
    text: pa.Array, with_time: bool, values: np.ndarray, known: np.ndarray, claimed: np.ndarray
) -> None:
    """`_written` of some rows, filled into the views of its arrays given."""
    size = len(text)
    lengths = as_numpy(pc.fill_null(pc.binary_length(text), 0))
    for width in (10, 16, 19) if with_time else (10,):
        rows = np.flatnonzero(lengths == width)
        if not len(rows):
            continue
        if len(rows) == size:  # the usual column: every cell this long, its bytes seen in place
            cells = cell_bytes(text).reshape(size, width)
        else:
            cells = cell_bytes(text.take(pa.array(rows))).reshape(len(rows), width)
        stamps, valid = _stamps(cells)
        rows = rows[valid]
        values[rows] = stamps[valid]
        known[rows] = width > 10
        claimed[rows] = True


def _stamps(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Timestamps of cells given as rows of bytes, and which are written YYYY-MM-DD[ HH:MM[:SS]] (ASCII
    digits where the form has them) and are real moments that pandas can hold (the others are left to
    `cells`, which reads them or names them)."""
    form = np.frombuffer(ISO_FORM.encode(), dtype=np.uint8)[: cells.shape[1]]
    digit = form == ord("0")
    found = cells[:, digit] - ord("0")  # a byte below "0" wraps round to above 9
    written = (found <= 9).all(axis=1) & (cells[:, ~digit] == form[~digit]).all(axis=1)
    parts = found.astype(np.int64)

    def number(first: int) -> np.ndarray:  # the two digits from the `first`th digit of the form on
        if first >= parts.shape[1]:
            return np.zeros(len(parts), dtype=np.int64)
        return parts[:, first] * 10 + parts[:, first + 1]

    year = number(0) * 100 + number(2)
    month, day, hour, minute, second = (number(first) for first in (4, 6, 8, 10, 12))
    first = ((year - 1970) * 12 + (month - 1)).astype("datetime64[M]")
    days = first.astype("datetime64[D]").astype(np.int64)
    length = (first + 1).astype("datetime64[D]").astype(np.int64) - days
    valid = written & (year >= FIRST_YEAR) & (year <= LAST_YEAR) & (month >= 1) & (month <= 12)
    valid &= (day >= 1) & (day <= length) & (hour <= 23) & (minute <= 59) & (second <= 59)
    seconds = (days + day - 1) * 86_400 + hour * 3_600 + minute * 60 + second
    return (seconds * 1_000_000_000).astype("datetime64[ns]"), valid
