"""Typed columns back to the text a user would type: ISO dates, a date alone when the hour is unknown,
floats written so that they read back to the same value, yes/no for booleans."""

from __future__ import annotations

import numpy as np
import pandas as pd

from iectox.dataset import time_known_column
from iectox.schema import Column, Kind, Table


def _iso(values: pd.Series, unit: str) -> np.ndarray:
    """ISO text of datetimes at the given unit ("D", "m" or "s"), computed in C by NumPy."""
    text = np.datetime_as_string(values.to_numpy(dtype="datetime64[ns]"), unit=unit)
    return np.char.replace(text, "T", " ") if unit != "D" and text.size else text


def _datetime_text(values: pd.Series, time_known: pd.Series | None) -> np.ndarray:
    """Minutes when the hour is known (seconds when there are some), the day alone when it is not."""
    text = _iso(values, "m").astype(object)
    seconds = (values.dt.second != 0).to_numpy(dtype=bool, na_value=False)
    if seconds.any():
        text[seconds] = _iso(values[seconds], "s")
    if time_known is not None:
        day_only = ~time_known.fillna(True).to_numpy(dtype=bool)
        text[day_only] = _iso(values[day_only], "D")
    return text


def _number_text(values: pd.Series) -> np.ndarray:
    """Shortest text that reads back to the same float (NumPy's repr), without a trailing ".0"."""
    text = values.to_numpy(dtype="float64", na_value=np.nan).astype(str)
    whole = np.char.endswith(text, ".0")
    text[whole] = np.char.rstrip(np.char.rstrip(text[whole], "0"), ".")
    return text


def column_text(frame: pd.DataFrame, column: Column) -> pd.Series:
    """One column as text cells; blanks are empty strings."""
    values = frame[column.name]
    if column.kind is Kind.DATE:
        text = _iso(values, "D")
    elif column.kind is Kind.DATETIME:
        text = _datetime_text(values, frame.get(time_known_column(column.name)))
    elif column.kind is Kind.NUMBER:
        text = _number_text(values)
    elif column.kind is Kind.BOOLEAN:
        text = values.map({True: "yes", False: "no"}).to_numpy(dtype=object)
    else:
        text = values.astype("string").to_numpy(dtype=object, na_value="")
    return pd.Series(text, index=values.index, dtype=object).where(values.notna(), "")


def table_text(frame: pd.DataFrame, table: Table) -> pd.DataFrame:
    return pd.DataFrame({c.name: column_text(frame, c) for c in table.columns}, index=frame.index)
