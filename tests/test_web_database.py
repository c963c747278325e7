"""Where the application's database is (`iectox.web.database`): DATABASE_URL, else ./var/iectox.sqlite3 moved by
IECTOX_VAR; a URL iectox cannot use is refused in one sentence that never repeats its password."""

from __future__ import annotations

from pathlib import Path

import pytest

from iectox.errors import SourceError
from iectox.web.database import Database, database, parse_database_url, var_folder


def test_without_database_url_the_database_is_sqlite_in_var_or_in_iectox_var():
    assert database({}) == Database("sqlite", path=Path("var/iectox.sqlite3"))
    assert database({"DATABASE_URL": " ", "IECTOX_VAR": ""}).path == Path("var/iectox.sqlite3")
    assert database({"IECTOX_VAR": "/srv/iectox"}).path == Path("/srv/iectox/iectox.sqlite3")
    assert var_folder({"IECTOX_VAR": "/srv/iectox"}) == Path("/srv/iectox")
    assert database({}).django() == {"ENGINE": "django.db.backends.sqlite3", "NAME": "var/iectox.sqlite3"}


def test_database_url_names_postgresql_with_its_options_for_django_and_libpq():
    found = database(
        {"DATABASE_URL": "postgresql://ward%40chu:p%40ss%27w@db.example:6543/iectox_prod?sslmode=require"}
    )
    assert (found.engine, found.user, found.password, found.host, found.port, found.name) == (
        "postgresql",
        "ward@chu",
        "p@ss'w",
        "db.example",
        6543,
        "iectox_prod",
    )
    assert found.django() == {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "iectox_prod",
        "USER": "ward@chu",
        "PASSWORD": "p@ss'w",
        "HOST": "db.example",
        "PORT": "6543",
        "OPTIONS": {"sslmode": "require"},
    }
    assert (
        found.conninfo()
        == "host='db.example' port='6543' dbname='iectox_prod' user='ward@chu' sslmode='require'"
    )
    assert found.password_environment() == {"PGPASSWORD": "p@ss'w"}
    assert found.shown() == "postgresql://ward@chu@db.example:6543/iectox_prod"
    assert "p@ss" not in repr(found)
    assert parse_database_url("postgres://u@localhost/x").port == 5432


def test_a_sqlite_url_names_a_relative_or_an_absolute_file():
    assert parse_database_url("sqlite:///data/app.sqlite3").path == Path("data/app.sqlite3")
    assert parse_database_url("sqlite:////srv/app.sqlite3").path == Path("/srv/app.sqlite3")


@pytest.mark.parametrize(
    ("url", "english", "french"),
    [
        (
            "mysql://root:secret@db/iectox",
            "'mysql' databases are not supported",
            "ne sont pas prises en charge",
        ),
        ("postgresql://root:secret@db/", "needs a host, a valid port and a database name", "un port valide"),
        ("postgresql://root:secret@db:99999/x", "needs a host, a valid port", "doit donner un hôte"),
        ("sqlite://", "is not a SQLite URL", "n'est pas une URL SQLite"),
        (
            "postgresql:/root:secret@db:5432/x",
            "database name: postgresql://root:***@db:5432/x",
            "nom de base",
        ),
    ],
)
def test_a_url_iectox_cannot_use_is_refused_without_its_password(url, english, french):
    with pytest.raises(SourceError) as refused:
        database({"DATABASE_URL": url})
    assert str(refused.value).startswith("DATABASE_URL: ") and english in str(refused.value)
    assert french in refused.value.text("fr")
    assert "secret" not in str(refused.value) and "secret" not in refused.value.text("fr")
