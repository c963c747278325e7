"""The source file as text cells, whatever its format, so that a mapping reads CSV and workbooks alike."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

import pandas as pd

from iectox.errors import SourceError
from iectox.i18n import N_
from iectox.io import WORKBOOK_SUFFIXES
from iectox.io.files import read_file, regular_file
from iectox.io.mapping.spec import MappingSpec
from iectox.io.xlsx import read_sheet
from iectox.message import Message
from iectox.validate.cells import as_text


def read_source(spec: MappingSpec) -> pd.DataFrame:
    """Source cells as stripped text, None where missing; index = row number as seen (header = 1)."""
    path = spec.source
    if not path.exists():
        raise SourceError(str(path), f"does not exist (named by {spec.path})")
    regular_file(path)  # a folder, a pipe, a device or a file over the size limit is refused here
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        header, numbered = _workbook_rows(spec)
    else:
        try:
            text = read_file(path).decode(spec.encoding)
        except UnicodeError as exc:
            raise SourceError(
                str(path), f"is not {spec.encoding} text ({exc}); set [source] encoding"
            ) from None
        except OSError as exc:
            raise SourceError(str(path), f"cannot be read ({exc.strerror or type(exc).__name__})") from None
        try:
            lines = list(csv.reader(io.StringIO(text), delimiter=spec.delimiter))
        except csv.Error as exc:
            raise SourceError(str(path), f"cannot be read as CSV ({exc})") from None
        if not lines or not any(cell.strip() for cell in lines[0]):
            raise SourceError(str(path), "is empty: the first line must hold the column names")
        header = [cell.strip() for cell in lines[0]]
        numbered = enumerate(lines[1:], start=2)
    duplicated = sorted({h for h in header if header.count(h) > 1 and h})
    if duplicated:
        raise SourceError(str(path), f"column name(s) used twice: {', '.join(duplicated)}")
    width = len(header)
    cleaned: dict[int, list[str | None]] = {}
    for number, row in numbered:
        cells = [_clean(cell, spec.missing) for cell in row]
        if any(cell is not None for cell in cells[width:]):
            raise SourceError(str(path), f"row {number} has more cells than the header has columns")
        cells = (cells + [None] * width)[:width]
        if any(cell is not None for cell in cells):
            cleaned[number] = cells
    return (
        pd.DataFrame.from_dict(cleaned, orient="index", columns=header, dtype=object)
        if cleaned
        else pd.DataFrame(columns=header, dtype=object)
    )


def _workbook_rows(spec: MappingSpec) -> tuple[list[str], Iterable[tuple[int, list[object]]]]:
    """The sheet's header and its rows by the numbers the user sees, read as a dataset workbook is
    (`iectox.io.xlsx.read_sheet`): a formula without its value, an Excel error or a merged cell refuses the
    source, naming the cell, rather than reaching the mapping blank or as text."""
    raw = read_sheet(spec.source, spec.sheet)
    errors = [issue for issue in raw.issues if issue.severity == "error"]
    if errors:
        first = errors[0]
        raise SourceError(
            str(spec.source),
            Message(
                N_("{where}: {problem} ({count} such problem(s) in the sheet)"),
                where=Message(N_("row {row}, column {column}"), row=first.row, column=first.column),
                problem=Message(first.template or first.message, **first.values),
                count=len(errors),
            ),
            raw.sheet,
        )
    # Native cells to text as the validator writes them: a midnight date-time becomes a date, no hour.
    text = raw.frame.apply(as_text).astype(object)
    rows = text.where(text.notna(), None).to_numpy().tolist()
    return [str(c).strip() for c in raw.frame.columns], zip(raw.frame.index, rows, strict=True)


def _clean(cell: object, missing: Sequence[str]) -> str | None:
    text = "" if cell is None else str(cell).strip()
    return None if not text or text.casefold() in missing else text
