"""`check_record` reads and checks only the tables a record involves (`involved_tables`): the same issues, the
same sentences, the same errors caused elsewhere and the same typed values as the check of every table with
every rule, on the demo cohort's own records and on hostile ones."""

from __future__ import annotations

import functools

import pandas as pd
import pytest

from factories import seed_cohort
from iectox.dataset import Dataset
from iectox.io.text import table_text
from iectox.schema import CONTRACT
from iectox.validate import Settings
from iectox.validate.record import RecordCheck, check_record, involved_tables

HOSTILE = (  # blank, not a date, a day that does not exist, out of range, a comma, a code of nothing, a
    # formula, a national id number, French, a date before everything
    "",
    "yesterday",
    "2019-13-45",
    "-1",
    "38,6",
    "INF-404",
    '=HYPERLINK("http://x")',
    "1 85 05 78 006 084 36",
    "oui",
    "2001-01-01 10:00",
)
PATIENT = "P-0005"  # rows in every table


@functools.cache
def _cohort() -> Dataset:
    return seed_cohort()


def _rows(patient: str) -> dict[str, pd.DataFrame]:
    """The rows of one patient of the demo cohort, typed (what the web registry reads back)."""
    dataset = _cohort()
    infusions = dataset["infusions"]
    codes = set(infusions.loc[infusions["patient_id"] == patient, "infusion_id"])
    rows = {}
    for table in CONTRACT.tables:
        frame = dataset[table.name]
        mine = frame["patient_id"] == patient if "patient_id" in frame else frame["infusion_id"].isin(codes)
        rows[table.name] = frame[mine.to_numpy(dtype=bool)].reset_index(drop=True)
    return rows


def _text(rows: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    return {name: table_text(frame, CONTRACT.table(name)) for name, frame in rows.items()}


def _context(patient: str) -> dict[str, pd.DataFrame]:
    """The rows of one patient of the demo cohort, as text cells (what a form passes)."""
    return _text(_rows(patient))


def _said(result: RecordCheck) -> tuple[object, ...]:
    """Everything a check says, in order: each issue whole (sentence included) and each error elsewhere."""
    return (result.issues, result.elsewhere, result.values)


def _same(
    table: str, record: dict, context: dict, typed: dict | None = None, **options: object
) -> RecordCheck:
    """The scoped check, after checking that the whole check says the same, and so does the scoped check of
    the same rows given typed (`typed`: the rows `context` holds as text)."""
    settings = Settings(date_order="dmy")
    scoped = check_record(table, record, context, settings=settings, **options)
    whole = check_record(table, record, context, settings=settings, involved_only=False, **options)
    assert _said(scoped) == _said(whole), (table, record)
    if typed is not None:
        read = check_record(table, record, typed, settings=settings, typed=True, **options)
        assert _said(read) == _said(scoped), (table, record)
    return scoped


def test_the_tables_an_observation_involves_are_three():
    assert involved_tables("observations") == ("patients", "infusions", "observations")
    assert involved_tables("patients") == ("patients", "infusions")
    assert involved_tables("infusions") == CONTRACT.table_names  # every table refers to it
    assert "observations" not in involved_tables("administrations")


@pytest.mark.parametrize("patient", ["P-0007", "P-0010"])
def test_records_of_a_patient_edited_or_added_again_say_the_same(patient):
    typed = _rows(patient)
    context = _text(typed)
    said = 0
    for table in CONTRACT.tables:
        for at, row in enumerate(context[table.name].head(4).to_dict("records")):
            record = {name: value for name, value in row.items() if value is not None}
            edited = _same(table.name, record, context, typed, replacing=at)
            added = _same(table.name, record, context, typed if at % 2 else None)
            assert edited.ok
            said += len(added.issues)
    assert said > 0  # added again, a record with a code is "already used"


@pytest.mark.parametrize("table", CONTRACT.table_names)
def test_hostile_values_in_every_column_say_the_same(table):
    typed = _rows(PATIENT)
    context = _text(typed)
    stored = {k: v for k, v in context[table].iloc[0].to_dict().items() if v is not None}
    refused = 0
    for n, column in enumerate(CONTRACT.table(table).column_names):
        for k, value in enumerate((HOSTILE * 2)[2 * n % len(HOSTILE) :][:2]):  # two per column, each in turn
            read = typed if k == 0 else None  # the rows given typed too, with one of the two
            result = _same(table, {**stored, column: value}, context, read, replacing=0)
            refused += not result.ok
    assert refused >= len(CONTRACT.table(table).column_names) // 2  # many are refused


def test_errors_caused_elsewhere_are_the_same():
    """A CRS episode for an infusion whose crs_status is 'no', a patient's code changed under its infusions,
    a death dated before the doses given: each error lands on another row, the same in both checks."""
    typed = _rows(PATIENT)
    infusions = typed["infusions"].copy()
    infusions.loc[0, ["crs_status", "icans_status"]] = "no"
    typed = {**typed, "infusions": infusions, "toxicity_episodes": typed["toxicity_episodes"].iloc[0:0]}
    context = _text(typed)
    infusions = context["infusions"]
    crs = {
        "episode_id": "EP-NEW",
        "infusion_id": infusions.loc[0, "infusion_id"],
        "syndrome": "CRS",
        "grading_scale": "ASTCT2019",
        "outcome": "resolved",
    }
    renamed = dict(context["patients"].iloc[0].dropna(), patient_id="P-RENAMED")
    early = dict(
        context["outcomes"].iloc[0].dropna(), status="dead", death_date=infusions.loc[0, "infusion_date"]
    )
    caused = [
        _same("toxicity_episodes", crs, context, typed),
        _same("patients", renamed, context, typed, replacing=0),
        _same("outcomes", early, context, typed, replacing=0),
    ]
    assert [sorted({(e.table, e.issue.rule) for e in result.elsewhere}) for result in caused] == [
        [("infusions", "status_matches_episodes")],
        [("infusions", "reference")],
        [("administrations", "nothing_after_death")],
    ]


def test_an_error_in_a_table_the_record_does_not_involve_no_longer_refuses_it_in_silence():
    """The whole check refuses an observation because the patient's follow-up is wrong, without a word at the
    form; the scoped check reads only patients, infusions and observations, and lets it be saved."""
    context = _context(PATIENT)
    outcomes = context["outcomes"].copy()
    outcomes.loc[0, "status"] = "dead"
    outcomes.loc[0, "death_date"] = None
    context = {**context, "outcomes": outcomes}
    infusion = context["infusions"].iloc[0]
    record = {"infusion_id": infusion["infusion_id"], "observed_at": str(infusion["infusion_date"])[:10]}
    whole = check_record("observations", record, context, involved_only=False)
    scoped = check_record("observations", record, context)
    assert (whole.ok, whole.issues, whole.elsewhere) == (False, (), ())
    assert scoped.ok and scoped.issues == ()


def test_an_error_found_by_a_rule_that_does_not_read_the_records_table_no_longer_refuses_it_in_silence():
    """The patient's age at infusion contradicts their birth year (`age_matches_birth_year`, a rule on patients
    and infusions): an observation, which that rule never reads, is refused without a word by the whole check
    and saved by the scoped one, with the rows given as text or typed."""
    typed = _rows(PATIENT)
    infusions = typed["infusions"].copy()
    infusions.loc[0, "age_at_infusion"] = 5.0
    typed = {**typed, "infusions": infusions}
    context = _text(typed)
    infusion = infusions.iloc[0]
    record = {"infusion_id": infusion["infusion_id"], "observed_at": str(infusion["infusion_date"])[:10]}
    whole = check_record("observations", record, context, involved_only=False)
    assert (whole.ok, whole.issues, whole.elsewhere) == (False, (), ())
    for scoped in (
        check_record("observations", record, context),
        check_record("observations", record, typed, typed=True),
    ):
        assert scoped.ok and scoped.issues == () and scoped.values["infusion_id"] == infusion["infusion_id"]
