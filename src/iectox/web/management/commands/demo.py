"""`iectox web-admin demo` (run by `iectox serve --demo`): the seed study's synthetic cohort in an empty
registry, as `iectox demo` makes it, and one demo account per role with a new random password, printed."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from iectox.i18n import language, tr
from iectox.synth import calibrate
from iectox.web.accounts.making import make_user
from iectox.web.accounts.roles import ROLES
from iectox.web.registry.models import Patient
from iectox.web.registry.records import store

PREFIX = "demo-"


class Command(BaseCommand):
    help = "Load the synthetic seed cohort into an empty registry and make one demo account per role."

    def handle(self, *args: Any, **options: Any) -> None:
        lang = language()
        if not Patient.objects.exists():
            self.stdout.write(tr("Loading the synthetic seed cohort...", lang))
            counts = store(calibrate().dataset)
            self.stdout.write(", ".join(f"{table}: {n}" for table, n in counts.items()))
        centres = sorted(set(Patient.objects.values_list("centre", flat=True)))
        self.stdout.write(tr("Demo accounts (centres: {centres}):", lang).format(centres=", ".join(centres)))
        for role in ROLES.values():
            user, password = make_user(PREFIX + role.id.replace("_", "-"), role.id, centres, lang)
            self.stdout.write(f"  {tr(role.label, lang):<22} {user.username:<22} {password}")
