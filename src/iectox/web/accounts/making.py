"""Accounts made from the command line (`iectox web-admin adduser`, `iectox serve --demo`): a role, a language,
centres, and a random password shown once."""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from django.db import transaction

from iectox.web.accounts.models import Centre, User
from iectox.web.accounts.roles import ROLES

PASSWORD_BYTES = 12  # 16 characters of URL-safe text: 96 random bits


def new_password() -> str:
    return secrets.token_urlsafe(PASSWORD_BYTES)


def make_user(username: str, role: str, centres: Iterable[str], language: str = "en") -> tuple[User, str]:
    """The account `username` with this role, language and centres (made, or reset if it exists), and its new
    random password."""
    ROLES[role]  # an unknown role names the known ones
    password = new_password()
    with transaction.atomic():
        user = User.objects.filter(username=username).first() or User(username=username)
        user.role, user.language, user.is_active = role, language, True
        user.set_password(password)
        user.save()
        user.centres.set([Centre.objects.get_or_create(code=code)[0] for code in centres])
    return user, password
