"""Where the application's database is: one rule for the web settings, `iectox serve`, `backup` and `restore`.

`DATABASE_URL` when it is set (PostgreSQL: `postgresql://user:password@host:5432/name?sslmode=require`; also
`sqlite:///relative/file.sqlite3` or `sqlite:////absolute/file.sqlite3`), else SQLite in
`./var/iectox.sqlite3`, the folder moved by `IECTOX_VAR`. Read from the environment each time it is asked, so
that a test or a command that sets the variables sees them. Nothing here imports Django: the settings turn a
`Database` into Django's form with `django()`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from iectox.errors import SourceError, without_password
from iectox.i18n import N_

DEFAULT_VAR = "var"
SQLITE_FILE = "iectox.sqlite3"
POSTGRES_PORT = 5432
POSTGRES_SCHEMES = ("postgresql", "postgres")
DJANGO_ENGINES = {"sqlite": "django.db.backends.sqlite3", "postgresql": "django.db.backends.postgresql"}


@dataclass(frozen=True)
class Database:
    """One database: SQLite (`path`) or PostgreSQL (`name` on `host`:`port` as `user`, libpq `options`)."""

    engine: str
    path: Path | None = None
    name: str = ""
    user: str = ""
    password: str = field(default="", repr=False)
    host: str = ""
    port: int = POSTGRES_PORT
    options: Mapping[str, str] = field(default_factory=dict)

    def shown(self) -> str:
        """The database as messages and logs name it: never its password."""
        if self.engine == "sqlite":
            return str(self.path)
        return f"postgresql://{self.user}@{self.host}:{self.port}/{self.name}"

    def django(self) -> dict[str, object]:
        """The entry of Django's DATABASES for it (`DATABASES = {"default": database().django()}`)."""
        if self.engine == "sqlite":
            return {"ENGINE": DJANGO_ENGINES["sqlite"], "NAME": str(self.path)}
        return {
            "ENGINE": DJANGO_ENGINES["postgresql"],
            "NAME": self.name,
            "USER": self.user,
            "PASSWORD": self.password,
            "HOST": self.host,
            "PORT": str(self.port),
            "OPTIONS": dict(self.options),
        }

    def conninfo(self) -> str:
        """libpq's connection string for pg_dump, pg_restore and psql (`--dbname`), without the password:
        a command line is readable by every user of the machine; `password_environment()` carries it."""
        words = {"host": self.host, "port": str(self.port), "dbname": self.name, "user": self.user}
        words.update(self.options)
        return " ".join(f"{k}={_quoted(v)}" for k, v in words.items() if v)

    def password_environment(self) -> dict[str, str]:
        """PGPASSWORD for libpq's programs, when the URL has a password."""
        return {"PGPASSWORD": self.password} if self.password else {}


def _quoted(value: str) -> str:
    """A value of a libpq connection string: quoted, with its backslashes and quotes escaped."""
    escaped = value.replace("\\", "\\\\").replace("'", "\\'")
    return f"'{escaped}'"


def var_folder(environ: Mapping[str, str] | None = None) -> Path:
    """The folder of the application's files: `IECTOX_VAR`, else ./var."""
    environ = os.environ if environ is None else environ
    return Path(environ.get("IECTOX_VAR") or DEFAULT_VAR)


def database(environ: Mapping[str, str] | None = None) -> Database:
    """The application's database, from `DATABASE_URL`, else the default SQLite file."""
    environ = os.environ if environ is None else environ
    url = environ.get("DATABASE_URL", "").strip()
    if url:
        return parse_database_url(url)
    return Database("sqlite", path=var_folder(environ) / SQLITE_FILE)


def parse_database_url(url: str) -> Database:
    """A `postgresql://` or `sqlite:///` URL as a `Database`; `SourceError` for any other (its password is
    never repeated in the message)."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        if parts.netloc or not parts.path.strip("/"):
            raise SourceError(
                "DATABASE_URL",
                N_("'{url}' is not a SQLite URL; write sqlite:///relative/file or sqlite:////absolute/file"),
                url=url,
            )
        return Database("sqlite", path=Path(unquote(parts.path[1:])))
    if parts.scheme in POSTGRES_SCHEMES:
        name = unquote(parts.path.lstrip("/"))
        try:
            port = parts.port or POSTGRES_PORT
        except ValueError:
            port = 0
        if not name or not parts.hostname or not port:
            raise SourceError(
                "DATABASE_URL",
                N_("the PostgreSQL URL needs a host, a valid port and a database name: {url}"),
                url=without_password(url),
            )
        return Database(
            "postgresql",
            name=name,
            user=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
            host=parts.hostname,
            port=port,
            options=dict(parse_qsl(parts.query)),
        )
    raise SourceError(
        "DATABASE_URL",
        N_("'{scheme}' databases are not supported; give a postgresql:// or a sqlite:/// URL"),
        scheme=parts.scheme or without_password(url),
    )
