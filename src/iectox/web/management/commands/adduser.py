"""`iectox web-admin adduser NAME --role ROLE --centre CODE [--centre CODE] [--language fr]`: an account with
a random password, printed once (an existing account is reset)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from iectox.i18n import LANGUAGES
from iectox.web.accounts.making import make_user
from iectox.web.accounts.roles import ROLES


class Command(BaseCommand):
    help = "Create (or reset) an account with a role, centres and a language; prints its random password."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=list(ROLES))
        parser.add_argument("--centre", action="append", default=[], help="a centre code; repeat for several")
        parser.add_argument("--language", default="en", choices=list(LANGUAGES))

    def handle(self, *args: Any, **options: Any) -> None:
        user, password = make_user(
            options["username"], options["role"], options["centre"], options["language"]
        )
        self.stdout.write(f"{user.username}\t{user.role}\t{password}")
