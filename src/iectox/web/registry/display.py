"""Registry values as a person reads them: vocabulary labels and yes/no in their language, a date alone when the
hour was not recorded, numbers as typed."""

from __future__ import annotations

import datetime as dt

from iectox.dataset import time_known_column
from iectox.i18n import tr
from iectox.schema import Column, Kind
from iectox.web.registry.models import Record


def value_text(column: Column, value: object, lang: str, time_known: object = True) -> str:
    if value is None or value == "":
        return ""
    if column.vocabulary is not None:
        codes = column.vocabulary.codes
        return tr(column.vocabulary.term(str(value)).label, lang) if value in codes else str(value)
    if column.kind is Kind.BOOLEAN:
        return tr("Yes", lang) if value else tr("No", lang)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if time_known is False else value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        text = str(int(value)) if value.is_integer() else repr(value)
        return text.replace(".", ",") if lang == "fr" else text
    return str(value)


def cell(record: Record, column: Column, lang: str) -> str:
    """One column of `record` as shown."""
    known = getattr(record, time_known_column(column.name), True) if column.kind is Kind.DATETIME else True
    return value_text(column, getattr(record, column.name), lang, known)


def rows(record: Record, lang: str, columns: tuple[str, ...] | None = None) -> list[tuple[str, str]]:
    """(column, value shown) for the record's columns (all, or those named)."""
    table = record.contract
    names = columns or table.column_names
    return [(name, cell(record, table.column(name), lang)) for name in names]
