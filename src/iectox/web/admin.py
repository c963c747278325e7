"""`iectox web-admin ARGS` and `python -m iectox.web ARGS`: Django's `manage.py`, with iectox's settings."""

from __future__ import annotations

import os
import sys

from django.core.management import execute_from_command_line

SETTINGS = "iectox.web.settings"


def manage(args: list[str]) -> None:
    """Run one Django management command (`migrate`, `check --deploy`, `createsuperuser`...)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
    execute_from_command_line(["iectox web-admin", *args])


def main() -> None:
    manage(sys.argv[1:])
