"""`conform` converts each column as an array and skips a column already of its dtype: what it gives is still the
contract's frame, a copy on a new range index, whatever the input's index, dtypes and companions."""

from __future__ import annotations

import numpy as np
import pandas as pd

from iectox.dataset import DTYPES, Dataset, conform
from iectox.schema import CONTRACT

OBSERVATIONS = CONTRACT.table("observations")


def _rows() -> pd.DataFrame:
    """Observations as a database gives them: Python objects, an index of its own, no companion."""
    return pd.DataFrame(
        {
            "infusion_id": ["INF-1", "INF-1", None],
            "observed_at": [pd.Timestamp("2024-03-02 08:30").to_pydatetime(), None, "2024-03-03"],
            "temperature_c": [38.5, None, 37.0],
            "hypotension": [True, None, False],
            "ice_score": [10, None, 7],
        },
        index=[7, 3, 9],
    )


def test_a_frame_of_objects_gets_every_column_in_the_contracts_dtype_on_a_new_range_index():
    conformed = conform(OBSERVATIONS, _rows())
    assert list(conformed.columns) == [
        name
        for column in OBSERVATIONS.columns
        for name in (column.name, *([f"{column.name}_time_known"] if column.kind.name == "DATETIME" else []))
    ]
    for column in OBSERVATIONS.columns:
        assert conformed[column.name].dtype == DTYPES[column.kind], column.name
    assert conformed.index.equals(pd.RangeIndex(3))
    assert list(conformed["observed_at"]) == [
        pd.Timestamp("2024-03-02 08:30"),
        pd.NaT,
        pd.Timestamp("2024-03-03"),
    ]
    assert list(conformed["observed_at_time_known"].astype(object)) == [True, pd.NA, True]
    assert list(conformed["ice_score"].astype(object)) == [10, pd.NA, 7]
    assert conformed["oxygen_device"].isna().all() and conformed["oxygen_device"].dtype == "string"


def test_a_given_companion_is_kept_and_blanked_where_the_time_is_blank():
    rows = _rows().assign(observed_at_time_known=[False, True, None])
    conformed = conform(OBSERVATIONS, rows)
    assert list(conformed["observed_at_time_known"].astype(object)) == [False, pd.NA, pd.NA]


def test_a_conformed_frame_conforms_to_an_equal_copy_that_shares_nothing():
    first = conform(OBSERVATIONS, _rows())
    again = conform(OBSERVATIONS, first)
    pd.testing.assert_frame_equal(again, first, check_exact=True)
    again.loc[0, "temperature_c"] = 41.0
    again.loc[0, "infusion_id"] = "INF-2"
    again.loc[1, "observed_at_time_known"] = True
    assert first.loc[0, "temperature_c"] == 38.5 and first.loc[0, "infusion_id"] == "INF-1"
    assert first["observed_at_time_known"].isna().iloc[1]


def test_a_date_column_keeps_the_day_only():
    infusions = conform(
        CONTRACT.table("infusions"),
        pd.DataFrame({"infusion_id": ["INF-1"], "infusion_date": [np.datetime64("2024-03-01T13:45")]}),
    )
    assert infusions["infusion_date"].iloc[0] == pd.Timestamp("2024-03-01")
    assert infusions["infusion_date"].dtype == "datetime64[ns]"


def test_a_dataset_made_of_conformed_tables_equals_one_made_of_their_objects():
    objects = Dataset.from_frames({"observations": _rows()})
    typed = Dataset.from_frames({"observations": objects["observations"]})
    assert typed.equals(objects)
