"""Property tests: random bad cells never crash the importer and never give a partial dataset."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.utils.exceptions import IllegalCharacterError

from conftest import RawDataset
from factories import small_dataset
from iectox.errors import DatasetInvalid, SourceError
from iectox.io import read_dataset, write_dataset
from iectox.schema import CONTRACT

TRICKY = [
    "",
    " ",
    "NA",
    "N/A",
    "-",
    "1e309",
    "nan",
    "inf",
    "0",
    "-1",
    "1,2,3",
    "31/02/2024",
    "2024-13-01",
    "45000",
    "99999999",
    "00:00",
    "yes",
    "NCT",
    "Yescarta",
    "=SUM(A1)",
    "\u00a0",
    "None",
    "NaT",
    "é",
]

cell_values = st.one_of(
    st.text(max_size=20),
    st.sampled_from(TRICKY),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.none(),
    st.booleans(),
    st.datetimes(min_value=dt.datetime(1800, 1, 1), max_value=dt.datetime(2200, 1, 1)),
    st.dates(min_value=dt.date(1800, 1, 1), max_value=dt.date(2200, 1, 1)),
)


@st.composite
def spoiled_cells(draw):
    base = RawDataset()
    edits = draw(
        st.lists(
            st.tuples(st.sampled_from(CONTRACT.tables), st.integers(0, 2), cell_values),
            min_size=1,
            max_size=4,
        )
    )
    for table, row, value in edits:
        frame = base.tables[table.name]
        if row < len(frame):
            column = draw(st.sampled_from(table.column_names))
            frame[column] = frame[column].astype(object)
            frame.loc[frame.index[row], column] = value
    return base


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spoiled_cells())
def test_bad_cells_never_crash_and_never_load_partly(raw):
    from iectox.validate import RawTable, check_raw

    tables = {name: RawTable(f"{name}.csv", None, frame) for name, frame in raw.tables.items()}
    dataset, issues = check_raw(tables)
    errors = [i for i in issues if i.severity == "error"]
    assert (dataset is None) == bool(errors)
    for issue in errors:
        assert issue.file.endswith(".csv") and issue.rule and issue.message
        assert issue.row is None or issue.row >= 1
    if dataset is not None:
        assert dataset.counts() == {name: len(frame.dropna(how="all")) for name, frame in raw.tables.items()}


# openpyxl warns when it reads a date cell whose serial is out of range; the importer then reports the cell
@pytest.mark.filterwarnings("ignore:Cell .* is marked as a date:UserWarning")
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    sheet=st.sampled_from(CONTRACT.table_names),
    cell=st.sampled_from(["A2", "B3", "C4", "D2", "E3", "F2"]),
    value=cell_values,
)
def test_bad_workbook_cells_give_all_or_nothing(tmp_path_factory, sheet, cell, value):
    path = write_dataset(small_dataset(), tmp_path_factory.mktemp("book") / "registry.xlsx")
    book = openpyxl.load_workbook(path)
    try:
        book[sheet][cell] = value
    except (ValueError, TypeError, IllegalCharacterError):
        return  # openpyxl itself refuses the value (e.g. an illegal control character)
    book.save(path)
    try:
        dataset = read_dataset(path)
    except DatasetInvalid as invalid:
        assert invalid.issues and all(i.file == "registry.xlsx" for i in invalid.issues)
        return
    except (
        SourceError
    ) as refused:  # a date cell no date is: its sheet cannot be read at all, said of the cell
        assert f"sheet {sheet}: cell {cell} is formatted as a date" in str(refused)
        return
    assert dataset.counts()["patients"] == 3 and dataset.counts()["infusions"] == 3
