"""What the web application reads from its environment: where its files live, which database, which key.

Settings come from environment variables, never from a file in the code, so that one installed package serves a
laptop demo and a hospital deployment alike (docs/web.md lists them):

- `IECTOX_VAR`: the folder of the application's own files (the SQLite database, the secret key, the study
  runs its server processes share, `STUDY_RUNS`); `./var` by default, created on first use.
- `DATABASE_URL`: `postgresql://user:password@host:port/name` (psycopg 3) or `sqlite:///path`; SQLite in the
  var folder when unset.
- `IECTOX_SECRET_KEY`: the signing key; when unset, a random key kept in `<var>/secret_key` (mode 0600),
  written once and reused, so sessions survive a restart.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

SQLITE_NAME = "iectox.sqlite3"
KEY_FILE = "secret_key"
STUDY_RUNS = "study-runs"  # the study runs the server processes share (iectox.web.quality.runs)
ENGINES = {
    "postgres": "django.db.backends.postgresql",
    "postgresql": "django.db.backends.postgresql",
    "sqlite": "django.db.backends.sqlite3",
}


def var_folder() -> Path:
    """The application's folder (`IECTOX_VAR`, else `./var`), created with owner-only access if absent."""
    folder = Path(os.environ.get("IECTOX_VAR") or "var").resolve()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def flag(name: str) -> bool:
    """An on/off environment variable: on when it is 1, true, yes or on."""
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


def listed(name: str, default: tuple[str, ...]) -> list[str]:
    """A comma-separated environment variable as a list; `default` when unset."""
    value = os.environ.get(name)
    return [item.strip() for item in value.split(",") if item.strip()] if value else list(default)


def database(url: str | None, folder: Path) -> dict[str, object]:
    """Django's database settings from a `DATABASE_URL`, or the SQLite file of the var folder.

    Only the two backends the project tests are accepted: `postgresql://` (or `postgres://`) and `sqlite:///`;
    a query string (`?sslmode=require`) becomes the connection's options.
    """
    if not url:
        return {"ENGINE": ENGINES["sqlite"], "NAME": str(folder / SQLITE_NAME)}
    parts = urlsplit(url)
    if parts.scheme not in ENGINES:
        raise ImproperlyConfigured(
            f"DATABASE_URL: unknown scheme {parts.scheme!r}; use postgresql://... or sqlite:///path"
        )
    if parts.scheme == "sqlite":
        return {"ENGINE": ENGINES["sqlite"], "NAME": unquote(parts.path[1:]) or str(folder / SQLITE_NAME)}
    return {
        "ENGINE": ENGINES[parts.scheme],
        "NAME": unquote(parts.path.lstrip("/")),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": unquote(parts.hostname or ""),
        "PORT": str(parts.port or ""),
        "OPTIONS": dict(parse_qsl(parts.query)),
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
    }


def secret_key(folder: Path) -> str:
    """`IECTOX_SECRET_KEY`, else the key kept in the var folder, made at the first start.

    The key is written to a private temporary file (mode 0600 from its creation) and linked into place in one
    step: it is never readable by others, even for an instant, and two processes starting together agree on
    one key (the second link fails and both read the first)."""
    key = os.environ.get("IECTOX_SECRET_KEY")
    if key:
        return key
    path = folder / KEY_FILE
    if not path.exists():
        draft = folder / f".{KEY_FILE}.{os.getpid()}"
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as file:
            file.write(secrets.token_urlsafe(50))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text(encoding="ascii").strip()
