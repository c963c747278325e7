"""A time of the dataset as the ward wrote it: a wall-clock reading, not an instant.

The dataset's times ("2024-03-31 02:30") carry no time zone and must read back exactly, including a time in the
hour skipped or repeated when clocks change; converting them to instants would move or merge such times. So the
reading is stored as it is, labelled UTC (a zone without clock changes), and read back without a zone. The audit
trail's times, which are instants, are ordinary `DateTimeField`s.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.utils import timezone


class WallClockField(models.DateTimeField):
    """A naive `datetime` in and out, whatever `USE_TZ` and the database's time zone."""

    def get_prep_value(self, value: Any) -> Any:
        if isinstance(value, dt.datetime) and timezone.is_naive(value):
            value = value.replace(tzinfo=dt.UTC)
        return super().get_prep_value(value)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> dt.datetime | None:
        if isinstance(value, dt.datetime) and timezone.is_aware(value):
            return value.astimezone(dt.UTC).replace(tzinfo=None)
        return value
