"""A time of day that no clock shows (25:70, 24:00, 10:60) is not a date-time: it was read as the next day's
02:10 (pandas adds the hours and minutes of the parts), which moved a dose by a day without a word. It is now
the column's type error, in every date order and by the record check of a web form alike."""

from __future__ import annotations

import pandas as pd
import pytest

from iectox.schema import Kind
from iectox.validate.cells import parse_column
from iectox.validate.settings import Settings


@pytest.mark.parametrize(
    ("text", "order"),
    [
        ("2023-05-19 25:70", "iso"),
        ("2023-05-19 24:00", "iso"),
        ("2023-05-19 10:60", "iso"),
        ("19/05/2023 25:00", "dmy"),
        ("05/19/2023 23:60", "mdy"),
    ],
)
def test_an_impossible_time_of_day_is_refused(text, order):
    raw = pd.Series([text, "2023-05-19 23:59"], dtype=object)
    parsed = parse_column(raw, Kind.DATETIME, Settings(date_order=order))
    assert parsed.bad.tolist() == [True, False]
    assert pd.isna(parsed.values[0]) and parsed.values[1] == pd.Timestamp("2023-05-19 23:59")
