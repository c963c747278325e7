"""A database URL is quoted without its password by one function, `iectox.errors.without_password`, used by
the OMOP export (its messages and the command's) and the web application's database settings alike."""

from __future__ import annotations

import pytest

from iectox.errors import without_password
from source_scan import modules_holding


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://iectox:s3cret@db:5432/registry", "postgresql://iectox:***@db:5432/registry"),
        (
            "postgresql://iectox:pa/ss@db/registry?sslmode=require",
            "postgresql://iectox:***@db/registry?sslmode=require",
        ),
        ("postgresql://iectox:p@ss:w@db/registry", "postgresql://iectox:***@db/registry"),
        ("postgres://iectox:@db/registry", "postgres://iectox:***@db/registry"),
        ("postgresql:/root:secret@db:5432/x", "postgresql://root:***@db:5432/x"),  # one slash: too malformed
        ("postgresql://iectox@db/registry", "postgresql://iectox@db/registry"),  # no password to hide
        ("root:secret@db", "root:***@db"),  # no scheme
        ("postgresql://db/registry", "postgresql://db/registry"),
        ("sqlite:///var/iectox.sqlite3", "sqlite:///var/iectox.sqlite3"),
    ],
)
def test_the_password_is_hidden_and_the_rest_kept(url, shown):
    assert without_password(url) == shown


def test_a_password_with_a_slash_or_an_at_never_shows():
    for password in ("a/b", "a@b", "a:b", "a/b@c:d", "%2Fsecret"):
        assert password not in without_password(f"postgresql://user:{password}@db:5432/x")


def test_no_other_module_hides_a_password_its_own_way():
    assert modules_holding("***@") == ["errors.py"]
