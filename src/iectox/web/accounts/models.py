"""A user has one role, a language, and the centres whose patients they see; a centre is a code as written in
the `centre` column of the patients table."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from simple_history.models import HistoricalRecords

from iectox.i18n import LANGUAGES
from iectox.web.accounts.roles import ROLES, Capability, may


class Centre(models.Model):
    code = models.CharField(max_length=100, unique=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ("code",)

    def __str__(self) -> str:
        return self.code


class User(AbstractUser):
    role = models.CharField(max_length=32, choices=[(role.id, role.label) for role in ROLES.values()])
    language = models.CharField(max_length=2, choices=[(lang, lang) for lang in LANGUAGES], default="en")
    centres = models.ManyToManyField(Centre, blank=True, related_name="users")
    # Who changed an account's role or centres is part of the audit trail; password hashes are not kept there.
    history = HistoricalRecords(excluded_fields=["password", "last_login"], m2m_fields=[centres])

    def can(self, capability: Capability) -> bool:
        return self.is_active and may(self.role, capability)

    def centre_codes(self) -> list[str]:
        return list(self.centres.values_list("code", flat=True))
