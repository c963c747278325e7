"""Typed columns back to the text a user would type: ISO dates, a date alone when the hour is unknown,
floats written so that they read back to the same value, yes/no for booleans."""

from __future__ import annotations

import numpy as np
import pandas as pd

from iectox.dataset import time_known_column
from iectox.schema import Column, Kind, Table


def _datetime_text(values: pd.Series, time_known: pd.Series | None) -> pd.Series:
    day = values.dt.strftime("%Y-%m-%d")
    with_seconds = (values.dt.second != 0).fillna(False)
    minute = values.dt.strftime("%Y-%m-%d %H:%M")
    minute = minute.where(~with_seconds, values.dt.strftime("%Y-%m-%d %H:%M:%S"))
    known = (
        time_known.fillna(True).astype(bool)
        if time_known is not None
        else pd.Series(True, index=values.index)
    )
    return minute.where(known, day)


def column_text(frame: pd.DataFrame, column: Column) -> pd.Series:
    """One column as text cells; blanks are empty strings."""
    values = frame[column.name]
    if column.kind is Kind.DATE:
        text = values.dt.strftime("%Y-%m-%d")
    elif column.kind is Kind.DATETIME:
        text = _datetime_text(values, frame.get(time_known_column(column.name)))
    elif column.kind is Kind.NUMBER:
        array = values.to_numpy(dtype="float64", na_value=np.nan)
        text = pd.Series([repr(float(v)) if v == v else "" for v in array], index=values.index)
        text = text.str.replace(r"\.0$", "", regex=True)
    elif column.kind is Kind.BOOLEAN:
        text = values.map({True: "yes", False: "no"})
    else:
        text = values.astype("string")
    return text.astype(object).where(values.notna(), "").astype(str)


def table_text(frame: pd.DataFrame, table: Table) -> pd.DataFrame:
    return pd.DataFrame({c.name: column_text(frame, c) for c in table.columns}, index=frame.index)
