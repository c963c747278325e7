"""A dataset's tables left out are empty frames made once per table and copied, the same as conforming an empty
frame (every column, dtype and index), and each dataset gets its own (changing one changes no other)."""

from __future__ import annotations

import time

import pandas as pd

from iectox.dataset import Dataset, conform
from iectox.schema import CONTRACT


def test_a_table_left_out_is_the_conformed_empty_table():
    for table in CONTRACT.tables:
        expected = conform(table, pd.DataFrame(columns=table.column_names))
        for _ in range(2):  # made, then copied
            got = Dataset()[table.name]
            pd.testing.assert_frame_equal(got, expected, check_exact=True)
            assert type(got.index) is type(expected.index) and list(got.dtypes) == list(expected.dtypes)


def test_each_dataset_has_its_own_empty_tables():
    first = Dataset()
    first.tables["observations"]["temperature_c"] = pd.Series([], dtype="float64").astype("Int64")
    first.tables["labs"].loc[0] = None
    second = Dataset()
    assert second["observations"]["temperature_c"].dtype == "float64" and second["labs"].empty


def test_a_dataset_of_empty_tables_costs_no_conforming():
    Dataset()
    start = time.process_time()
    for _ in range(20):
        Dataset()
    assert (time.process_time() - start) / 20 < 0.004  # conforming the 7 empty tables took about 14 ms
