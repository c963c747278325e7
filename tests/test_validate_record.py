"""`check_record`: one record checked among the rows around it by the import's own path, with the import's
issues and sentences; errors it would cause on other rows come apart; an edit replaces its stored version."""

from __future__ import annotations

import datetime as dt

import pytest

from factories import small_dataset
from iectox.io.text import table_text
from iectox.validate import Settings
from iectox.validate.record import check_record


@pytest.fixture
def context():
    dataset = small_dataset()
    return {table.name: table_text(dataset[table.name], table) for table in dataset.schema.tables}


def test_a_valid_record_comes_back_typed(context):
    record = {
        "infusion_id": "INF-001",
        "observed_at": "2023-05-20",
        "temperature_c": "38,6",
        "hypotension": "oui",
    }
    result = check_record("observations", record, context)
    assert result.ok and result.issues == () and result.elsewhere == ()
    assert result.values["observed_at"] == dt.datetime(2023, 5, 20)
    assert result.values["observed_at_time_known"] is False
    assert (result.values["temperature_c"], result.values["hypotension"], result.values["vasopressors"]) == (
        38.6,
        True,
        None,
    )


def test_the_imports_issues_located_at_the_records_columns(context):
    record = {"infusion_id": "INF-404", "observed_at": "yesterday", "temperature_c": "25"}
    result = check_record("observations", record, context)
    assert not result.ok and result.values is None
    said = {(issue.column, issue.rule): issue.text("en") for issue in result.issues}
    assert said == {
        ("observed_at", "datetime"): "'yesterday' is not a date (YYYY-MM-DD with an optional HH:MM)",
        ("temperature_c", "range"): "temperature_c 25 is outside the plausible range 30-44 °C",
        ("infusion_id", "reference"): "infusion_id 'INF-404' does not exist in infusions",
    }
    assert all(issue.sheet == "observations" and issue.row == 3 for issue in result.issues)


def test_an_edit_replaces_its_stored_version(context):
    """EP-001 edited in place is not "already used" by itself; appended, it would be."""
    episode = dict(context["toxicity_episodes"].iloc[0], max_grade="3")
    assert check_record("toxicity_episodes", episode, context, replacing=0).ok
    twice = check_record("toxicity_episodes", episode, context)
    assert [issue.rule for issue in twice.issues] == ["unique"]


def test_errors_caused_on_other_rows_come_apart_with_their_key(context):
    """INF-002's crs_status is 'no'; a CRS episode for it makes that row wrong."""
    episode = {
        "episode_id": "EP-009",
        "infusion_id": "INF-002",
        "syndrome": "CRS",
        "grading_scale": "ASTCT2019",
        "outcome": "resolved",
    }
    result = check_record("toxicity_episodes", episode, context)
    assert not result.ok and result.issues == ()
    [other] = result.elsewhere
    assert (other.table, other.key, other.issue.column, other.issue.rule) == (
        "infusions",
        "INF-002",
        "crs_status",
        "status_matches_episodes",
    )


def test_errors_already_there_are_not_blamed_on_the_record(context):
    context["infusions"].loc[1, "crs_status"] = "no"
    context["toxicity_episodes"].loc[2, "infusion_id"] = "INF-002"  # INF-002 already wrong before the record
    record = {"infusion_id": "INF-001", "observed_at": "2023-05-20"}
    assert check_record("observations", record, context).elsewhere == ()


def test_a_direct_identifier_is_refused_unshown(context):
    result = check_record(
        "patients", {"patient_id": "P-9", "sex": "male", "centre": "jean.dupont@chu.fr"}, context
    )
    [issue] = result.issues
    assert (issue.column, issue.rule, issue.value) == ("centre", "direct_identifier_value", None)
    assert "jean.dupont" not in issue.text("fr")


def test_a_blank_record_names_each_required_column(context):
    result = check_record("patients", {}, context)
    assert [(issue.column, issue.text("fr")) for issue in result.issues] == [
        ("patient_id", "patient_id est obligatoire dans patients mais vide"),
        ("sex", "sex est obligatoire dans patients mais vide"),
        ("centre", "centre est obligatoire dans patients mais vide"),
    ]


def test_the_date_order_is_a_setting(context):
    record = {"infusion_id": "INF-001", "observed_at": "20/05/2023 14:00"}
    assert not check_record("observations", record, context).ok
    result = check_record("observations", record, context, settings=Settings(date_order="dmy"))
    assert result.values["observed_at"] == dt.datetime(2023, 5, 20, 14, 0)


def test_an_unknown_column_is_a_programming_error(context):
    with pytest.raises(KeyError, match="nom"):
        check_record("patients", {"nom": "x"}, context)
