"""A dataset as a folder of CSV files, one per table, named after the table (patients.csv ...)."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from iectox.dataset import Dataset
from iectox.errors import SourceError
from iectox.io.atomic import atomic_folder
from iectox.io.text import table_text
from iectox.schema import CONTRACT
from iectox.validate import RawTable

ENCODINGS = ("utf-8-sig", "cp1252")  # Excel on Windows saves "CSV" in the ANSI code page


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SourceError(str(path), "is neither UTF-8 nor Windows-1252 text")


def _sniff_delimiter(header: str) -> str:
    """Comma, or semicolon as Excel writes CSV where the comma is the decimal mark."""
    return ";" if header.count(";") > header.count(",") else ","


def read_csv_table(path: Path) -> RawTable:
    text = _read_text(path)
    header = text.splitlines()[0] if text.strip() else ""
    if not header.strip():
        raise SourceError(str(path), "is empty: the first line must hold the column names")
    frame = pd.read_csv(
        io.StringIO(text),
        dtype=str,
        keep_default_na=False,
        sep=_sniff_delimiter(header),
        skip_blank_lines=False,
    )
    frame = frame.replace("", None)
    frame.index = frame.index + 2  # header is line 1
    return RawTable(path.name, None, frame)


def read_csv_folder(folder: Path) -> tuple[dict[str, RawTable], list[str]]:
    """The tables found in the folder, and the names of the other CSV files (reported, not read)."""
    files = {p.stem: p for p in sorted(folder.glob("*.csv"))}
    raw = {name: read_csv_table(path) for name, path in files.items() if name in CONTRACT.table_names}
    extra = [path.name for name, path in files.items() if name not in CONTRACT.table_names]
    return raw, extra


def write_csv_folder(dataset: Dataset, folder: Path) -> None:
    with atomic_folder(folder, [f"{table}.csv" for table in dataset.schema.table_names]) as tmp:
        for table in dataset.schema.tables:
            table_text(dataset[table.name], table).to_csv(tmp / f"{table.name}.csv", index=False)
