"""Files iectox publishes get the mode the user's umask gives, as its folders do.

Reviewer's finding (issue 8, "Outputs that cannot hurt"): every file written through a temporary file
(mkstemp, 0600) and renamed into place kept 0600 under umask 022, while the folders got 0755: the colleagues
who read a shared report folder could list it but not open report.html.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from tests.factories import small_dataset

from iectox.cli.files import write_json
from iectox.io import write_dataset
from iectox.io.atomic import atomic_folder
from iectox.io.sheets import write_csv


@pytest.fixture(params=[0o022, 0o027], ids=["umask022", "umask027"])
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    previous = os.umask(request.param)
    try:
        yield request.param
    finally:
        os.umask(previous)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_lone_file_gets_the_umasks_mode(umask: int, tmp_path: Path) -> None:
    frame = pd.DataFrame({"a": [1]})
    files = [
        write_csv(frame, tmp_path / "plan.csv"),
        write_dataset(small_dataset(), tmp_path / "cohort.xlsx"),
    ]
    write_json(tmp_path / "problems.json", [])
    files.append(tmp_path / "problems.json")
    assert {f.name: _mode(f) for f in files} == {f.name: 0o666 & ~umask for f in files}


def test_the_files_of_a_published_folder_get_the_umasks_mode(umask: int, tmp_path: Path) -> None:
    with atomic_folder(tmp_path / "report") as folder:
        write_csv(pd.DataFrame({"a": [1]}), folder / "analysis_table.csv")
    write_dataset(small_dataset(), tmp_path / "cohort")
    published = [tmp_path / "report" / "analysis_table.csv", tmp_path / "cohort" / "infusions.csv"]
    assert [_mode(f) for f in published] == [0o666 & ~umask] * 2
    assert _mode(tmp_path / "report") == 0o777 & ~umask
