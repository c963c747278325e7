"""The web application under test (settings: tests/web_settings.py): the hand-made dataset stored in the
registry (centres CHU-A and CHU-B), and a signed-in client per role."""

from __future__ import annotations

import pytest
from django.test import Client

from factories import small_dataset
from iectox.web.accounts.models import Centre, User
from iectox.web.accounts.roles import ROLES
from iectox.web.registry.records import store

CENTRE = "CHU-A"  # P-001 and P-002, INF-001 and INF-002...
OTHER_CENTRE = "CHU-B"  # P-003, INF-003, EP-003, ADM-003


@pytest.fixture
def registry(db) -> None:
    """The small dataset in the registry: 3 patients, 2 in CHU-A and 1 in CHU-B."""
    store(small_dataset())


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


@pytest.fixture
def as_role(db):
    """`as_role("clinician")`: a signed-in client of that role, centre CHU-A."""
    return client_of


@pytest.fixture
def roles() -> list[str]:
    return list(ROLES)
