"""From spreadsheet cells to typed values: what real hospital files contain, read without guessing.

Accepted: stray spaces, decimal commas ("69,5"), ISO dates, day-first or month-first dates when the study
says so, Excel serial dates (days since 1899-12-30), and the native numbers and dates of an XLSX cell. A date
alone in a date-and-time column means "hour not recorded" and is kept as such. Every function is vectorised
and returns the values together with the mask of cells it could not read.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from functools import partial

import numpy as np
import pandas as pd
import pyarrow as pa

from iectox.dataset import DTYPES
from iectox.errors import Issue
from iectox.i18n import N_
from iectox.rules import Rule
from iectox.schema import Column, Kind
from iectox.validate import columnar
from iectox.validate.date_order import date_order_issue
from iectox.validate.excerpt import excerpt, visible
from iectox.validate.frames import Frames
from iectox.validate.settings import DATE_ORDER_HELP, Settings

EXCEL_EPOCH = pd.Timestamp("1899-12-30")
LAST_SERIAL = 73415  # 2100-12-31: larger serial numbers are not dates of this century's patients
_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_ISO_DATETIME = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$")
_OTHER_DATE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_OTHER_DATETIME = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$")
_SERIAL = re.compile(r"^\d{1,6}(\.\d+)?$")
TRUE_WORDS = ("yes", "y", "true", "1", "oui", "o", "x")
FALSE_WORDS = ("no", "n", "false", "0", "non")
YES_NO_HELP = "yes or no (also accepted: true/false, 1/0, oui/non)"
NUMBER_HELP = "a number (decimal point or comma)"


@dataclass(frozen=True)
class Parsed:
    """Typed values of one column, the cells that could not be read, and why."""

    values: pd.Series
    bad: pd.Series
    form: str  # the sentence naming the expected form, for the bad cells
    time_known: pd.Series | None = None
    text: pa.Array | None = None  # a text column's values in Arrow, when read in C (for the rules after)

    @property
    def bad_rows(self) -> pd.Index:
        """The rows (as in the file) whose cell could not be read."""
        return self.bad.index[self.bad.to_numpy(dtype=bool)]

    @property
    def reason(self) -> pd.Series:
        """Per bad cell, the sentence naming the expected form (NA elsewhere); made when asked for."""
        reasons = pd.Series(pd.NA, index=self.values.index, dtype="string")
        return reasons.mask(self.bad, self.form) if self.bad.any() else reasons


def _typed_cells(raw: pd.Series) -> bool:
    """Whether some cells hold typed values (XLSX numbers, dates, booleans) rather than text or blanks.

    CSV columns are all text, and then every step below can stay vectorised.
    """
    return raw.dtype == object and pd.api.types.infer_dtype(raw, skipna=True) not in ("string", "empty")


def as_text(raw: pd.Series, cells: pa.Array | None = None) -> pd.Series:
    """Cells as stripped text, blank cells as NA; whole numbers typed into XLSX lose their ".0".

    `cells`: the cells in Arrow (`columnar.text_cells`), when the caller has them."""
    return _text(raw, cells)[0]


def _text(raw: pd.Series, cells: pa.Array | None) -> tuple[pd.Series, pa.Array | None]:
    """`as_text`, and the same text in Arrow when read in C."""
    cells = cells if cells is not None else columnar.text_cells(raw)
    if cells is None:
        return _any_text(raw), None
    text = columnar.stripped(cells)
    return columnar.text_series(raw, cells, text), text


def _any_text(raw: pd.Series) -> pd.Series:
    """`as_text` of any cells, typed or not, one by one when typed."""
    raw = columnar.as_objects(raw)

    def one(v: object) -> object:
        if v is None or (isinstance(v, float) and np.isnan(v)):
            return pd.NA
        if isinstance(v, bool):
            return "yes" if v else "no"
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        if isinstance(v, dt.datetime):
            return v.isoformat(sep=" ", timespec="minutes") if (v.hour or v.minute) else v.date().isoformat()
        if isinstance(v, dt.date):
            return v.isoformat()
        text = str(v).replace("\u00a0", " ").strip()
        return text if text else pd.NA

    if _typed_cells(raw):
        return raw.map(one).astype("string")
    text = raw.astype("string").str.replace("\u00a0", " ", regex=False).str.strip()
    return text.mask(text == "")


def _result(values: pd.Series, bad: pd.Series, form: str, time_known: pd.Series | None = None) -> Parsed:
    return Parsed(values, bad, form, time_known)


def parse_number(raw: pd.Series, cells: pa.Array | None = None) -> Parsed:
    cells = cells if cells is not None else columnar.text_cells(raw)
    numbers = (
        columnar.native_numbers(raw) if cells is None else columnar.plain_numbers(columnar.stripped(cells))
    )
    if numbers is not None:
        none = pd.Series(False, index=raw.index, dtype="boolean")  # the dtype the general reading gives
        return _result(pd.Series(numbers, index=raw.index), none, NUMBER_HELP)
    return _any_number(raw)


def _any_number(raw: pd.Series) -> Parsed:
    """`parse_number` of any cells: spaces between thousands, exponents, typed cells."""
    raw = columnar.as_objects(raw)
    native = (
        raw.map(lambda v: isinstance(v, (int, float, np.number)) and not isinstance(v, bool))
        if _typed_cells(raw)
        else pd.Series(False, index=raw.index)
    )
    text = as_text(raw)
    present = text.notna()
    written = text.fillna("").str.replace(r"(?<=\d)[ \u202f](?=\d{3}\b)", "", regex=True)
    well_formed = written.str.match(_NUMBER.pattern) | native
    values = pd.to_numeric(
        written.where(well_formed, "").str.replace(",", ".", regex=False).replace("", None), errors="coerce"
    ).astype("float64")
    bad = present & (~well_formed | values.isna())
    return _result(values.where(~bad), bad, NUMBER_HELP)


def parse_integer(raw: pd.Series, cells: pa.Array | None = None) -> Parsed:
    number = parse_number(raw, cells)
    floats = number.values.to_numpy(dtype="float64", na_value=np.nan)
    # x != floor(x) is x % 1 != 0 for every finite x, and NumPy's % is slow on the NaN of blank cells
    fractional = ~np.isnan(floats) & (floats != np.floor(floats))
    huge = (
        np.abs(floats) > 2**53
    )  # beyond exact integers in a float (and infinities); never a count or a year
    bad = number.bad | fractional | huge
    whole = ~bad.to_numpy(dtype=bool, na_value=True) & ~np.isnan(floats)
    integers = np.round(np.where(whole, floats, 0.0)).astype(np.int64)
    values = pd.Series(pd.arrays.IntegerArray(integers, ~whole), index=number.values.index)
    return _result(values, bad, "a whole number")


def parse_boolean(raw: pd.Series, cells: pa.Array | None = None) -> Parsed:
    cells = cells if cells is not None else columnar.text_cells(raw)
    found = None if cells is None else columnar.yes_no(columnar.stripped(cells), TRUE_WORDS, FALSE_WORDS)
    if found is not None:
        yes, known, written = found
        values = pd.Series(pd.arrays.BooleanArray(yes, ~known), index=raw.index)
        return _result(values, pd.Series(written & ~known, index=raw.index), YES_NO_HELP)
    text = as_text(raw, cells).str.lower()
    values = pd.Series(pd.NA, index=raw.index, dtype="boolean")
    values[text.isin(TRUE_WORDS).fillna(False)] = True
    values[text.isin(FALSE_WORDS).fillna(False)] = False
    bad = text.notna() & values.isna()
    return _result(values, bad, YES_NO_HELP)


def _native_datetimes(raw: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """XLSX cells that are already dates: (timestamps, is_native, time_known)."""
    if not _typed_cells(raw):
        empty = pd.Series(False, index=raw.index)
        return pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns]"), empty, empty
    is_dt = raw.map(lambda v: isinstance(v, dt.datetime))
    is_date = raw.map(lambda v: isinstance(v, dt.date) and not isinstance(v, dt.datetime))
    stamps = pd.to_datetime(raw.where(is_dt | is_date), errors="coerce")
    return stamps.astype("datetime64[ns]"), (is_dt | is_date), is_dt


def _from_parts(parts: pd.DataFrame, year: int, month: int, day: int) -> pd.Series:
    frame = pd.DataFrame(
        {
            "year": parts[year].astype(float),
            "month": parts[month].astype(float),
            "day": parts[day].astype(float),
        }
    )
    for offset, unit in ((3, "hour"), (4, "minute"), (5, "second")):
        frame[unit] = parts[offset].astype(float).fillna(0) if offset < parts.shape[1] else 0.0
    # pandas adds the parts up (25:70 would be the next day's 02:10): a time no clock shows is unreadable
    impossible = (frame["hour"] > 23) | (frame["minute"] > 59)
    return pd.to_datetime(frame, errors="coerce").mask(impossible)


CANONICAL_FORMATS = {True: ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"), False: ("%Y-%m-%d",)}


def _canonical(text: pd.Series, with_time: bool, values: pd.Series, time_known: pd.Series) -> pd.Series:
    """Parse, in place and in C, the cells written exactly as iectox writes them; the rest go the long way."""
    done = pd.Series(False, index=text.index)
    for has_time, formats in CANONICAL_FORMATS.items():
        if has_time and not with_time:
            continue
        for form in formats:
            stamps = pd.to_datetime(text.where(~done), format=form, errors="coerce")
            hit = stamps.notna()
            values[hit] = stamps[hit]
            time_known[hit] = has_time
            done |= hit
    return done


def parse_datetime(
    raw: pd.Series, settings: Settings, with_time: bool, cells: pa.Array | None = None
) -> Parsed:
    """Dates (`with_time` False) or date-and-times, honouring the study's date order."""
    values, bad, time_known = _datetimes(raw, settings, with_time, cells)
    form = DATE_ORDER_HELP[settings.date_order] + (" with an optional HH:MM" if with_time else "")
    values = values.where(~bad).astype("datetime64[ns]")
    if not with_time:
        values = values.dt.normalize()
        return _result(values, bad, f"a date ({form})")
    return _result(values, bad, f"a date ({form})", time_known.where(values.notna()).astype("boolean"))


def _datetimes(
    raw: pd.Series, settings: Settings, with_time: bool, cells: pa.Array | None
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(timestamps, refused, hour written) of the cells: those written or typed as iectox writes them read
    in C (`columnar`), the others one by one."""
    claim = columnar.datetimes(raw, with_time, cells)
    if claim is None:
        return _any_datetimes(raw, settings, with_time)
    values = pd.Series(claim.values, index=raw.index)
    bad = pd.Series(claim.bad, index=raw.index, dtype="boolean")  # the dtype the general reading gives
    time_known = pd.Series(claim.time_known, index=raw.index, dtype="boolean")
    rest = ~claim.claimed
    if rest.any():
        rest_values, rest_bad, rest_known = _any_datetimes(raw[rest], settings, with_time)
        values[rest] = rest_values.to_numpy()
        bad[rest] = rest_bad.to_numpy()
        time_known[rest] = rest_known.array
    return values, bad, time_known


def _any_datetimes(
    raw: pd.Series, settings: Settings, with_time: bool
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """`_datetimes` of any cells: ISO or day/month-first text, serial numbers, typed cells."""
    raw = columnar.as_objects(raw)
    native, is_native, native_time = _native_datetimes(raw)
    text = as_text(raw).where(~is_native)
    present = text.notna()
    values = native.copy()
    time_known = native_time.astype("boolean")
    canonical = _canonical(text, with_time, values, time_known)
    text = text.where(~canonical)

    iso = text.str.extract(_ISO_DATETIME if with_time else _ISO_DATE)
    iso_day = text.str.extract(_ISO_DATE) if with_time else None
    if with_time:
        full = iso[0].notna()
        values[full] = _from_parts(iso[full].reset_index(drop=True), 0, 1, 2).set_axis(iso.index[full])
        time_known[full] = True
        day = iso_day[0].notna()
        values[day] = _from_parts(iso_day[day].reset_index(drop=True), 0, 1, 2).set_axis(iso.index[day])
        matched = full | day
    else:
        matched = iso[0].notna()
        values[matched] = _from_parts(iso[matched].reset_index(drop=True), 0, 1, 2).set_axis(
            iso.index[matched]
        )
        midnight = text.str.extract(_ISO_DATETIME)
        export = midnight[0].notna() & (midnight[3].astype(float) == 0) & (midnight[4].astype(float) == 0)
        values[export] = _from_parts(midnight[export].reset_index(drop=True), 0, 1, 2).set_axis(
            iso.index[export]
        )
        matched |= export

    other = pd.Series(False, index=raw.index)
    if settings.date_order != "iso":
        d, m = (0, 1) if settings.date_order == "dmy" else (1, 0)
        patterns = [(_OTHER_DATETIME, True), (_OTHER_DATE, False)] if with_time else [(_OTHER_DATE, False)]
        for pattern, has_time in patterns:
            found = text.str.extract(pattern)
            hit = found[0].notna() & ~matched & ~other
            if hit.any():
                values[hit] = _from_parts(found[hit].reset_index(drop=True), 2, m, d).set_axis(
                    found.index[hit]
                )
                time_known[hit] = has_time
            other |= hit

    serial_text = text.fillna("").str.match(_SERIAL.pattern) & ~matched & ~other
    serial_native = (
        raw.map(lambda v: isinstance(v, (int, float)) and not isinstance(v, bool))
        if _typed_cells(raw)
        else pd.Series(False, index=raw.index)
    )
    serial = serial_text | serial_native
    if serial.any():
        days = pd.to_numeric(raw.where(serial_native, text).where(serial), errors="coerce")
        in_range = days.between(1, LAST_SERIAL)
        stamps = EXCEL_EPOCH + pd.to_timedelta(days.where(in_range).round(6), unit="D")
        values[serial & in_range] = stamps.dt.round("s")[serial & in_range]
        time_known[serial & in_range] = (days % 1 != 0)[serial & in_range]
        serial &= in_range

    read = canonical | matched | other | serial
    bad = (present & ~read) | (present & read & values.isna()) | (is_native & values.isna())
    return values, bad, time_known


def parse_column(raw: pd.Series, kind: Kind, settings: Settings, cells: pa.Array | None = None) -> Parsed:
    """Typed values for a column of the given kind; categories stay as text (vocabulary is a content rule).

    `cells`: the cells in Arrow (`columnar.text_cells`), when the caller has them."""
    if kind is Kind.NUMBER:
        return parse_number(raw, cells)
    if kind is Kind.INTEGER:
        return parse_integer(raw, cells)
    if kind is Kind.BOOLEAN:
        return parse_boolean(raw, cells)
    if kind in (Kind.DATE, Kind.DATETIME):
        return parse_datetime(raw, settings, kind is Kind.DATETIME, cells)
    text, arrow = _text(raw, cells)
    blank = pd.Series(False, index=raw.index)
    return replace(_result(text.astype(DTYPES[kind]), blank, ""), text=arrow)


CONTRACT_SOURCE = "dataset contract (docs/data_dictionary.md): the column's type"
TYPE_RULES: dict[Kind, Rule] = {
    Kind.NUMBER: Rule(
        id="number",
        severity="error",
        source=CONTRACT_SOURCE,
        title="A cell of a number column cannot be read as a number (decimal commas are accepted).",
        message=N_("'{value}' is not a number (decimal point or comma)"),
        evaluate=parse_number,
    ),
    Kind.INTEGER: Rule(
        id="integer",
        severity="error",
        source=CONTRACT_SOURCE,
        title="A cell of a whole-number column cannot be read as a whole number.",
        message=N_("'{value}' is not a whole number"),
        evaluate=parse_integer,
    ),
    Kind.BOOLEAN: Rule(
        id="boolean",
        severity="error",
        source=CONTRACT_SOURCE,
        title="A cell of a yes/no column is neither yes nor no (true/false, 1/0 and oui/non are accepted).",
        message=N_("'{value}' is not yes or no (also accepted: true/false, 1/0, oui/non)"),
        evaluate=parse_boolean,
    ),
    Kind.DATE: Rule(
        id="date",
        severity="error",
        source=CONTRACT_SOURCE,
        title="A cell of a date column cannot be read as a date (Excel serial dates, and day-first or "
        "month-first dates when the study says so, are accepted).",
        message=N_("'{value}' is not a date ({form_text})"),
        settings=("date_order",),
        evaluate=partial(parse_datetime, with_time=False),
    ),
    Kind.DATETIME: Rule(
        id="datetime",
        severity="error",
        source=CONTRACT_SOURCE,
        title="A cell of a date-and-time column cannot be read as a date, with or without its time.",
        message=N_("'{value}' is not a date ({form_text} with an optional HH:MM)"),
        settings=("date_order",),
        evaluate=partial(parse_datetime, with_time=True),
    ),
}


def type_issue(
    frames: Frames, table: str, row: int, column: str, kind: Kind, value: str, settings: Settings
) -> Issue:
    """The issue of a cell that its column's type rule could not read."""
    rule = TYPE_RULES[kind]
    values = {"value": excerpt(value), "form_text": DATE_ORDER_HELP[settings.date_order]}
    values = {name: text for name, text in values.items() if "{" + name + "}" in rule.message}
    message = rule.message.format(**values)
    return frames.issue(
        table, row, column, visible(value), rule.id, message, rule.severity, rule.message, values
    )


def read_cells(
    frames: Frames,
    table: str,
    column: Column,
    cells: pd.Series,
    settings: Settings,
    arrow: pa.Array | None = None,
) -> tuple[Parsed, list[Issue]]:
    """The column's cells typed as its kind, and one type issue per cell that could not be read.

    The dataset and the vial plan read their columns the same way, so a cell is refused with the same words.
    Dates refused because their order was not given are one issue for the column (`date_order`).
    `arrow`: the cells in Arrow (`columnar.text_cells`), when the caller has them.
    """
    parsed = parse_column(cells, column.kind, settings, arrow)
    bad = parsed.bad_rows
    issues: list[Issue] = []
    if len(bad) and column.kind in (Kind.DATE, Kind.DATETIME) and settings.date_order == "iso":
        issues, grouped = date_order_issue(
            frames, table, column.name, as_text(cells[bad]), with_time=column.kind is Kind.DATETIME
        )
        bad = bad.difference(grouped, sort=False)
    issues += [
        type_issue(frames, table, row, column.name, column.kind, str(cells[row]).strip(), settings)
        for row in bad
    ]
    return parsed, sorted(issues, key=lambda issue: issue.row or 0)
