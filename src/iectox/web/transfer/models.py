"""What leaves and enters the registry in bulk, kept as an audit log with its own history.

An `Import` is one uploaded file from its preview to its commit (or until it is discarded or expires): who, when,
the file's checksum and the one-time token that binds the preview to the uploader's session, then what the
commit changed. An `Export` is one file given out: who, when, which centres, how many patients, and whether it
was de-identified. Neither holds a patient's data nor the uploaded file's name (a name may hold one).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from iectox.i18n import N_


class Import(models.Model):
    PENDING, COMMITTED, DISCARDED, EXPIRED = "pending", "committed", "discarded", "expired"
    STATUSES = (
        (PENDING, N_("previewed, not committed")),
        (COMMITTED, N_("committed")),
        (DISCARDED, N_("discarded")),
        (EXPIRED, N_("expired")),
    )
    KINDS = (("xlsx", "XLSX"), ("zip", "CSV (zip)"))

    token = models.CharField(max_length=64, unique=True)  # the preview's one-time token, also in the session
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True)
    kind = models.CharField(max_length=8, choices=KINDS)
    size = models.PositiveBigIntegerField()
    checksum = models.CharField(max_length=64)  # SHA-256 of the uploaded file, checked again at commit
    date_order = models.CharField(max_length=3, default="iso")
    folder = models.CharField(max_length=100)  # the upload's private folder, under IECTOX_VAR/imports
    status = models.CharField(max_length=12, choices=STATUSES, default=PENDING)
    centres = models.CharField(max_length=500, default="")  # the centres of the patients the commit wrote
    patients = models.PositiveIntegerField(null=True)
    deleted_missing = models.BooleanField(default=False)  # rows missing from the file were deleted
    changes = models.JSONField(default=dict)  # per table: added, changed, deleted, kept
    history = HistoricalRecords()

    class Meta:
        ordering = ("-started_at", "-pk")


class Export(models.Model):
    DATASET, DEIDENTIFIED = "dataset", "deidentified"
    KINDS = ((DATASET, N_("dataset")), (DEIDENTIFIED, N_("de-identified")))
    FORMATS = (("xlsx", "XLSX"), ("csv", "CSV (zip)"))

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    made_at = models.DateTimeField(auto_now_add=True)
    kind = models.CharField(max_length=16, choices=KINDS)
    file_format = models.CharField(max_length=8, choices=FORMATS)
    centres = models.CharField(max_length=500)  # comma-separated centre codes
    patients = models.PositiveIntegerField()
    history = HistoricalRecords()

    class Meta:
        ordering = ("-made_at", "-pk")
