"""A problem the reader found in a file (RawTable.issues) is reported with the validation's and blocks the load."""

from __future__ import annotations

from dataclasses import replace

from factories import small_dataset
from iectox.errors import Issue
from iectox.io.text import table_text
from iectox.validate import RawTable, check_raw


def test_reader_issues_are_reported_and_block_the_dataset() -> None:
    dataset = small_dataset()
    raw = {
        t.name: RawTable(
            f"{t.name}.csv", None, table_text(dataset[t.name], t).set_axis(dataset[t.name].index + 2)
        )
        for t in dataset.schema.tables
    }
    assert check_raw(raw)[0] is not None
    problem = Issue(
        "patients.csv", None, 3, "centre", "CHU-A", "reader_problem", "a problem the reader found"
    )
    raw["patients"] = replace(raw["patients"], issues=(problem,))
    loaded, issues = check_raw(raw)
    assert loaded is None
    assert problem in issues
