"""A dataset as REDCap's flat records file: what REDCap's Data Import Tool (or its API) loads into the project
that `iectox redcap dictionary` describes, and what a raw CSV export of that project looks like.

One row per patient (the `patient` instrument, `redcap_repeat_instrument` blank), then one row per instance of
each repeating instrument of that patient's record, numbered 1, 2, ... in the dataset's order. Values are
REDCap's raw values: choice codes, 1/0 for yes/no, dates yyyy-mm-dd and hours HH:MM. Text that a spreadsheet
would run as a formula is neutralised (`iectox.io.injection`), and iectox's reader gives it back.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from iectox.dataset import Dataset
from iectox.errors import OutputRefused
from iectox.i18n import N_
from iectox.io.redcap.fields import FIELDS, FORMS, RECORD_ID, REPEAT_INSTANCE, REPEAT_INSTRUMENT, Field
from iectox.io.sheets import write_csv
from iectox.io.text import table_text
from iectox.schema import Kind
from iectox.validate import ensure_valid

COLUMNS = (RECORD_ID, REPEAT_INSTRUMENT, REPEAT_INSTANCE, *(field.name for field in FIELDS[1:]))
TEXT_FIELDS = tuple(field.name for field in FIELDS if field.column.kind is Kind.TEXT)


def _cells(field: Field, text: pd.Series) -> pd.Series:
    """A contract column's text cells as the field's raw REDCap values ("" stays blank)."""
    if field.column.kind is Kind.BOOLEAN:
        return text.map({"yes": "1", "no": "0", "": ""})
    if field.part in ("date", "time"):
        if text.empty:  # a table without rows: `partition` would give no columns to take
            return text
        halves = text.str.partition(" ")
        return halves[0] if field.part == "date" else halves[2]
    if field.column.vocabulary is not None:
        return text.map({**{iectox: code for code, iectox in field.choices.items()}, "": ""})
    return text


def record_rows(dataset: Dataset) -> pd.DataFrame:
    """The dataset as REDCap's flat records (every cell text, blank = ""): each patient's row, then the
    instances of each repeating instrument of that patient, in the dataset's order."""
    by_table: dict[str, list[Field]] = {}
    for field in FIELDS[1:]:
        by_table.setdefault(field.table, []).append(field)
    infusions = dataset["infusions"]
    patient_of = dict(
        zip(infusions["infusion_id"].astype(str), infusions["patient_id"].astype(str), strict=True)
    )
    rank = {patient: n for n, patient in enumerate(dataset["patients"]["patient_id"].astype(str))}
    pieces: list[pd.DataFrame] = []
    for order, table in enumerate(dataset.schema.tables):
        text = table_text(dataset[table.name], table).reset_index(drop=True)
        _refuse_seconds(table.name, text, by_table.get(table.name, []))
        records = text["patient_id"] if "patient_id" in text else text["infusion_id"].map(patient_of)
        piece = pd.DataFrame({RECORD_ID: records.astype(str)})
        if table.name != "patients":
            piece[REPEAT_INSTRUMENT] = FORMS[table.name]
            piece[REPEAT_INSTANCE] = (piece.groupby(RECORD_ID).cumcount() + 1).astype(str)
        for field in by_table.get(table.name, []):
            piece[field.name] = _cells(field, text[field.column.name])
        piece["__rank__"] = piece[RECORD_ID].map(rank).fillna(len(rank)).astype(int)
        piece["__table__"] = order
        pieces.append(piece)
    rows = pd.concat(pieces, ignore_index=True)
    rows = rows.iloc[np.lexsort((np.arange(len(rows)), rows["__table__"], rows["__rank__"]))]
    return rows.reindex(columns=list(COLUMNS)).fillna("").reset_index(drop=True)


def _refuse_seconds(table: str, text: pd.DataFrame, fields: list[Field]) -> None:
    """REDCap's hours are HH:MM: a time with seconds cannot be written without losing them."""
    for field in fields:
        if field.part == "time":
            cells = text[field.column.name]
            with_seconds = cells[cells.str.count(":") > 1]
            if len(with_seconds):
                raise OutputRefused(
                    f"{table}.{field.column.name}",
                    N_("'{value}' has seconds, which a REDCap hour (HH:MM) cannot hold"),
                    value=with_seconds.iloc[0],
                )


def write_records(dataset: Dataset, path: str | Path) -> Path:
    """Write the dataset as REDCap's flat records CSV at `path` (whole or not at all), after checking it as
    every dataset written is checked: an invalid one (a dose of an unknown infusion...) is not written."""
    ensure_valid(dataset)
    return write_csv(record_rows(dataset), Path(path), text=TEXT_FIELDS)
