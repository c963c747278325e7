"""Workbooks for the XLSX tests: the small dataset written by iectox, then edited as a user or a tool would."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl

from factories import small_dataset
from iectox.io import write_dataset


def dataset_workbook(tmp_path: Path, name: str = "book.xlsx") -> Path:
    return write_dataset(small_dataset(), tmp_path / name)


def edited(tmp_path: Path, edit: Callable[[openpyxl.Workbook], None], name: str = "book.xlsx") -> Path:
    """The dataset workbook, opened in openpyxl, changed by `edit`, and saved (as a user's tool would)."""
    path = dataset_workbook(tmp_path, name)
    book = openpyxl.load_workbook(path)
    edit(book)
    book.save(path)
    return path


def rezipped(path: Path, change: Callable[[str, bytes], bytes | None], name: str = "changed.xlsx") -> Path:
    """A copy of the package with each part passed through `change(part, data)` (None drops the part)."""
    target = path.with_name(name)
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = change(info.filename, source.read(info.filename))
            if data is not None:
                out.writestr(info.filename, data)
    return target


def sheet_part(path: Path, sheet: str) -> str:
    """The zip member holding `sheet`'s cells."""
    book = openpyxl.load_workbook(path, read_only=True)
    index = book.sheetnames.index(sheet) + 1
    book.close()
    return f"xl/worksheets/sheet{index}.xml"


def without_references(part: str, data: bytes) -> bytes:
    """Cells without their `r="B4"` attribute, as some writers leave them (positions are then implied)."""
    return re.sub(rb'(<c\b[^>]*?) r="[A-Z]+[0-9]+"', rb"\1", data) if "worksheets/" in part else data


def reference_last(part: str, data: bytes) -> bytes:
    """Each cell's reference after its other attributes (`<c s="1" r="B4">`): XML does not order them."""
    if "worksheets/" not in part:
        return data
    return re.sub(rb'<c r="([A-Z]+[0-9]+)"([^>]*?)(/?)>', rb'<c\2 r="\1"\3>', data)


def style_after_type(part: str, data: bytes) -> bytes:
    """Each cell's style after its type (`<c r="B4" t="n" s="3">`), an order no known writer uses."""
    if "worksheets/" not in part:
        return data
    return re.sub(rb'<c (r="[A-Z]+[0-9]+") (s="[0-9]+") (t="[a-zA-Z]+")', rb"<c \1 \3 \2", data)


def with_prefix(part: str, data: bytes) -> bytes:
    """The sheet XML with the namespace prefix `x:`, as the Open XML SDK writes it."""
    if "worksheets/" not in part:
        return data
    data = re.sub(rb"<(/?)([A-Za-z]+)([\s/>])", rb"<\1x:\2\3", data)
    return data.replace(b"<x:worksheet xmlns=", b"<x:worksheet xmlns:x=", 1)
