"""PostgreSQL plans queries from its statistics: a registry table analysed while empty (rows deleted or rolled
back, as between tests) and then filled by an import is planned as if still empty, with nested loops over whole
tables: reading the demo cohort back took 240 s instead of 0.5 s. A bulk store refreshes them."""

from __future__ import annotations

import pytest
from django.db import connection

from factories import small_dataset
from iectox.synth import calibrate
from iectox.web.registry.models import BY_TABLE
from iectox.web.registry.records import store

pytestmark = pytest.mark.django_db


def _estimated_rows(table: str) -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [f"registry_{table}"])
        return cursor.fetchone()[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner statistics")
def test_a_bulk_store_refreshes_the_statistics_of_tables_analysed_while_empty():
    store(small_dataset())
    for model in reversed(list(BY_TABLE.values())):
        model.objects.all().delete()
    with connection.cursor() as cursor:
        for model in BY_TABLE.values():
            cursor.execute(f'ANALYZE "{model._meta.db_table}"')
    assert _estimated_rows("observations") == 0
    cohort = calibrate().dataset
    store(cohort)
    assert _estimated_rows("observations") == len(cohort["observations"])
    assert _estimated_rows("patients") == len(cohort["patients"])
