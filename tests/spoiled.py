"""Many spoiled copies of the small dataset checked in one go: one copy per case, so cases never meet.

Each copy's identifiers get the copy's number as a suffix, then the case's cells are set; an error is traced
back to its copy by its row. Checking a hundred cases costs one validation instead of a hundred.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from conftest import RawDataset
from iectox.errors import Issue
from iectox.validate import RawTable, Settings, check_raw

ID_COLUMNS = ("patient_id", "infusion_id", "episode_id", "administration_id")
Cell = tuple[str, int, str, object]  # table, row of the small dataset, column, value ("" or None: blank)


def small_tables() -> dict[str, pd.DataFrame]:
    return RawDataset().tables


def check_copies(
    cases: Sequence[Sequence[Cell]], settings: Settings | None = None
) -> list[tuple[set[tuple[str, int, str]], list[Issue]]]:
    """For each case: the spoiled cells (file, row as numbered in the checked file, column) and its issues."""
    small = small_tables()
    parts: dict[str, list[pd.DataFrame]] = {name: [] for name in small}
    spoiled: list[set[tuple[str, int, str]]] = []
    for copy, cells in enumerate(cases):
        edited = {}
        for name, frame in small.items():
            frame = frame.copy()
            for column in set(ID_COLUMNS) & set(frame.columns):
                frame[column] = frame[column].where(frame[column].isna(), frame[column] + f"-{copy}")
            edited[name] = frame
        for table, row, column, value in cells:
            edited[table].loc[row, column] = None if value == "" else value
        for name, frame in edited.items():
            parts[name].append(frame)
        spoiled.append({(f"{t}.csv", copy * len(small[t]) + row, c) for t, row, c, _ in cells})
    raw = {}
    for name, frames in parts.items():
        whole = pd.concat(frames, ignore_index=True)
        raw[name] = RawTable(f"{name}.csv", None, whole.set_axis(whole.index + 2))
    issues: list[list[Issue]] = [[] for _ in cases]
    for issue in check_raw(raw, settings)[1]:
        table = issue.file.removesuffix(".csv")
        issues[(issue.row - 2) // len(small[table]) if issue.row and issue.row > 1 else 0].append(issue)
    return list(zip(spoiled, issues, strict=True))
