"""The web app's own model: form submissions already handled, so that a form sent twice saves once."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Submission(models.Model):
    """A form's one-time token, kept with what its first submission led to (`iectox.web.submission`)."""

    token = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    done_at = models.DateTimeField(auto_now_add=True)
    redirect_to = models.CharField(max_length=500)
