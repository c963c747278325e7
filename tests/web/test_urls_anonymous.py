"""No page without login: every URL pattern, found by walking the resolver (a new page is covered as soon as
it is included), refuses an anonymous GET and POST by sending to the login page; only the login page is open,
and it says so (`access.public`)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from .web_urls import every_url

URLS = every_url()
LOGIN = reverse("accounts:login")


def test_the_walk_finds_the_pages():
    names = {url.name for url in URLS}
    assert {
        "home",
        "accounts:login",
        "registry:patients-detail",
        "registry:observations-history-csv",
    } <= names
    assert len(URLS) >= 2 + 6 * 7


@pytest.mark.parametrize("url", URLS, ids=lambda url: url.name)
def test_every_url_declares_what_it_needs(url):
    assert url.needs is not None, f"{url.name}: declare it with access.requires, Required or public"


@pytest.mark.parametrize("url", [u for u in URLS if u.needs != "public"], ids=lambda url: url.name)
def test_every_url_sends_an_anonymous_request_to_the_login_page(url, registry):
    address = url.sample()
    for method in ("get", "post"):
        response = getattr(Client(), method)(address)
        assert response.status_code == 302, (method, address, response.status_code)
        assert response["Location"].startswith(f"{LOGIN}?next="), (method, address)


def test_the_login_page_is_the_only_open_one():
    assert [url.name for url in URLS if url.needs == "public"] == ["accounts:login"]
    assert Client().get(LOGIN).status_code == 200
