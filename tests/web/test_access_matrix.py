"""The role matrix: every URL x every role x GET and POST. A request is refused (403) exactly when the role
lacks the capability the view declares; the expected outcome comes from the roles table (`ROLES`), so a new
page is covered by declaring its capability, and a new role by adding it to the table."""

from __future__ import annotations

import pytest

from iectox.web.accounts.access import SIGNED_IN
from iectox.web.accounts.roles import ROLES

from .web_helpers import client_of
from .web_urls import every_url

URLS = [url for url in every_url() if url.needs != "public"]


def expected_refused(role: str, needs: object) -> bool:
    return needs != SIGNED_IN and needs not in ROLES[role].capabilities


@pytest.mark.parametrize("url", URLS, ids=lambda url: url.name)
def test_each_role_is_refused_exactly_where_it_lacks_the_capability(url, registry):
    address = url.sample()
    wrong = []
    for role in ROLES:
        for method in ("get", "post"):
            response = getattr(client_of(role), method)(address)
            refused = response.status_code == 403
            if refused != expected_refused(role, url.needs) or response.status_code >= 500:
                wrong.append((role, method, response.status_code))
            if response.status_code == 302:
                assert "/accounts/login/?next=" not in response["Location"], (role, method, address)
    assert wrong == [], f"{address} needs {url.needs}"


def test_the_matrix_is_not_trivial():
    """Every role is refused somewhere and allowed somewhere (the table grants different capabilities)."""
    for role in ROLES:
        refused = [url.name for url in URLS if expected_refused(role, url.needs)]
        allowed = [url.name for url in URLS if not expected_refused(role, url.needs)]
        assert allowed, role
        assert refused or role == "administrator", role
