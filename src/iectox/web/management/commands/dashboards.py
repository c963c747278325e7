"""`python -m iectox.web dashboards` (started by `iectox serve`): the dashboard worker
(`iectox.web.quality.worker`), until stopped."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from iectox.web.quality import worker


class Command(BaseCommand):
    help = "Compute the quality dashboards the server processes ask for (started by iectox serve)."

    def handle(self, *args: Any, **options: Any) -> None:
        worker.main()
