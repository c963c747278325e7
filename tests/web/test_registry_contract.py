"""The registry's models are the dataset contract: same tables, columns, types, required-ness, vocabularies;
the migrations are up to date; and a dataset stored and read back is the same, value for value."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pandas as pd
import pytest
from django.core.management import call_command
from django.db import models

from factories import small_dataset
from iectox.dataset import time_known_column
from iectox.schema import CONTRACT, Kind
from iectox.web.registry.fields import WallClockField
from iectox.web.registry.models import BY_TABLE, Observation, Patient
from iectox.web.registry.records import patients_dataset, store

FIELD_KINDS = {
    Kind.INTEGER: models.IntegerField,
    Kind.NUMBER: models.FloatField,
    Kind.BOOLEAN: models.BooleanField,
    Kind.DATE: models.DateField,
    Kind.DATETIME: WallClockField,
}
OWN_FIELDS = {"id", "version"}


def test_one_model_per_table_of_the_contract():
    assert sorted(BY_TABLE) == sorted(CONTRACT.table_names)
    assert {model._meta.db_table for model in BY_TABLE.values()} == {
        f"registry_{t}" for t in CONTRACT.table_names
    }


@pytest.mark.parametrize("table", CONTRACT.tables, ids=lambda t: t.name)
def test_columns_types_required_and_vocabularies_match(table):
    model = BY_TABLE[table.name]
    by_column = {field.column: field for field in model._meta.concrete_fields}
    expected = set(table.column_names) | {
        time_known_column(c.name) for c in table.columns if c.kind is Kind.DATETIME
    }
    assert set(by_column) - OWN_FIELDS == expected
    for column in table.columns:
        field = by_column[column.name]
        assert field.null is (not column.required), column.name
        if column.references:
            target_table, target_column = column.references.split(".")
            assert field.related_model is BY_TABLE[target_table]
            assert field.target_field.name == target_column
        elif column.kind in FIELD_KINDS:
            assert type(field) is FIELD_KINDS[column.kind], column.name
        else:
            assert isinstance(field, models.CharField | models.TextField), column.name
        if column.vocabulary is not None:
            assert [code for code, _ in field.choices] == list(column.vocabulary.codes)
        assert field.unique is column.unique or (column.unique and isinstance(field, models.OneToOneField))
        if column.kind is Kind.DATETIME:
            assert isinstance(by_column[time_known_column(column.name)], models.BooleanField)


def test_every_registry_model_has_a_version_and_a_history():
    for model in BY_TABLE.values():
        assert model._meta.get_field("version").default == 1
        assert model.history.model._meta.db_table == f"{model._meta.db_table}_history"


@pytest.mark.django_db
def test_the_migrations_are_up_to_date():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


@pytest.mark.django_db
def test_a_dataset_stored_and_read_back_is_the_same():
    """Floats to the last bit (80.30000000000001), seconds, "hour not recorded", blanks and NA."""
    original = small_dataset()
    counts = store(original)
    assert counts == original.counts()
    read = patients_dataset(Patient.objects.order_by("patient_id"))
    for name in CONTRACT.table_names:
        pd.testing.assert_frame_equal(read[name], original[name], check_exact=True, obj=name)


@pytest.mark.django_db
def test_a_wall_clock_time_in_the_hour_skipped_by_daylight_saving_reads_back_as_written():
    store(small_dataset())
    skipped = dt.datetime(2024, 3, 31, 2, 30)  # 02:30 did not exist in Paris that night
    Observation.objects.filter(infusion_id="INF-001").update(observed_at=skipped)
    assert Observation.objects.get(infusion_id="INF-001").observed_at == skipped
