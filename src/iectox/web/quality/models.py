"""The dashboards computed by the dashboard worker (`iectox.web.quality.worker`), shared by every server
process: one row per set of centres, with the latest dashboard computed for them and whether a reader asked
for a newer one. A cache, not a record: no history, and nothing in it that the registry does not hold."""

from __future__ import annotations

from django.db import models


class DashboardSnapshot(models.Model):
    """The latest dashboard of one set of centres (`snapshots.py` writes and reads `data`)."""

    centres = models.TextField(unique=True)  # the centres' codes, sorted, one per line
    state = models.CharField(max_length=64, blank=True)  # the registry state and pathway it was computed for
    computed_at = models.DateTimeField(null=True)
    data = models.BinaryField(null=True)  # the dashboard, pickled, compressed and signed
    wanted = models.BooleanField(default=False)  # a reader saw a newer registry state than `state`
    started_at = models.DateTimeField(null=True)  # when the worker last started computing it
