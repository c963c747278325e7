"""What the raw cells say before they are typed: control and invisible characters, uncertainty marks.

One search over a column's joined text tells whether any of its cells holds any of these (most columns hold
none, and then no cell is visited); only the cells found are looked at by the rules of `characters` and
`uncertain`.
"""

from __future__ import annotations

import re

import pandas as pd
import pyarrow as pa

from iectox.errors import Issue
from iectox.schema import Column
from iectox.schema.model import UNCERTAINTY_MARKS
from iectox.validate.characters import CONTROL_CHARS, INVISIBLE_CHARS, check_characters
from iectox.validate.columnar import as_objects
from iectox.validate.frames import Frames
from iectox.validate.scan import cells_with
from iectox.validate.uncertain import check_uncertain

SUSPECT = re.compile(f"[{CONTROL_CHARS}{INVISIBLE_CHARS}{UNCERTAINTY_MARKS}]")
PLAIN_ASCII = bytes(char for char in range(0x20, 0x7F) if chr(char) not in UNCERTAINTY_MARKS) + b"\t\n\r"


def check_marks(
    frames: Frames, table: str, column: Column, cells: pd.Series, text: pa.Array | None = None
) -> tuple[pd.Series, list[Issue], pd.Index]:
    """The cells to type (invisible characters removed, refused cells blank), the issues, the refused rows;
    the cells are returned as given when none is changed. `text`: the cells in Arrow, if known."""
    suspect = cells_with(cells, SUSPECT, PLAIN_ASCII, text)
    if suspect.empty:
        return cells, [], suspect.index
    cells = as_objects(cells)  # the cells to clean or refuse, as the rules below read them
    cells, issues, controlled = check_characters(frames, table, column.name, cells, suspect)
    kept = suspect.index.difference(controlled)
    uncertain, unsure = check_uncertain(frames, table, column, cells[kept].astype(str))
    refused = controlled.union(unsure)
    if len(refused):
        cells = cells.copy()
        cells[refused] = None
    return cells, sorted([*issues, *uncertain], key=lambda issue: issue.row or 0), refused
