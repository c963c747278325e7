"""Signed-in clients for the web tests: a user of each role in given centres, made once per test."""

from __future__ import annotations

from django.test import Client

from iectox.web.accounts.models import Centre, User

CENTRE = "CHU-A"  # P-001 and P-002, INF-001 and INF-002...
OTHER_CENTRE = "CHU-B"  # P-003, INF-003, EP-003, ADM-003


def user_of(role: str, centres: tuple[str, ...] = (CENTRE,), language: str = "en") -> User:
    """The user of `role` in `centres`, made once per test (no password: the tests sign in with
    `force_login`, and Argon2 is slow on purpose)."""
    username = f"{role}-{'-'.join(centres)}-{language}"
    user, made = User.objects.get_or_create(username=username, defaults={"role": role, "language": language})
    if made:
        user.set_unusable_password()
        user.save()
        user.centres.set([Centre.objects.get_or_create(code=code)[0] for code in centres])
    return user


def client_of(
    role: str, centres: tuple[str, ...] = (CENTRE,), language: str = "en", **options: object
) -> Client:
    """A client signed in as a user of `role` in `centres`."""
    client = Client(**options)
    client.force_login(user_of(role, centres, language))
    return client
