"""The hospital's management pathway in force: the TOML file named by the `IECTOX_PATHWAY` setting (from the
environment variable of that name), else iectox's default pathway. One for the whole application: the bedside
advice, the pharmacy's corticosteroid doses and the quality dashboard's audit all follow it, so that the ward is
never advised by one pathway and audited against another. Read again only when the file changes; a file that
cannot be read is said by `iectox web-admin check` and on the pages that need it, in the user's language."""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core import checks

from iectox.errors import SpecError
from iectox.management.pathway import Pathway, default_pathway, load_pathway


@lru_cache(maxsize=8)
def _read(path: str | None, changed: float) -> Pathway:
    return load_pathway(path) if path else default_pathway()


def _file() -> tuple[str | None, float]:
    """The pathway file's path and its modification time (so that an edited file is read again)."""
    path = getattr(settings, "IECTOX_PATHWAY", None)
    if not path:
        return None, 0.0
    try:
        return path, Path(path).stat().st_mtime
    except OSError:
        return path, -1.0  # load_pathway says why it cannot be read


def pathway_in_force() -> Pathway:
    """The pathway the application follows (`SpecError` when its file cannot be read)."""
    return _read(*_file())


@lru_cache(maxsize=8)
def _key(path: str | None, changed: float) -> str:
    settings_text = json.dumps(_read(path, changed).as_dict(), sort_keys=True, default=str)
    return hashlib.sha256(settings_text.encode()).hexdigest()[:16]


def pathway_key() -> str:
    """A short fingerprint of the pathway in force (every setting, value and source): results computed under
    one pathway are never taken for another's."""
    return _key(*_file())


def pathway_check(**kwargs: Any) -> list[checks.CheckMessage]:
    """A Django system check: the pathway file in force is read without error."""
    try:
        pathway_in_force()
    except SpecError as error:
        return [checks.Error(str(error), hint="IECTOX_PATHWAY", id="iectox.E001")]
    return []
