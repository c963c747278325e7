"""The hospital's management pathway in force: the TOML file named by the `IECTOX_PATHWAY` setting (from the
environment variable of that name), else iectox's default pathway. Read once per process and kept; a file that
cannot be read is said by `iectox web-admin check` and on the bedside pages, in the user's language."""

from __future__ import annotations

import hashlib
import json
from functools import cache
from typing import Any

from django.conf import settings
from django.core import checks

from iectox.errors import SpecError
from iectox.management.pathway import Pathway, default_pathway, load_pathway


@cache
def _read(path: str | None) -> Pathway:
    return load_pathway(path) if path else default_pathway()


def pathway_in_force() -> Pathway:
    """The pathway the bedside advice follows (`SpecError` when its file cannot be read)."""
    return _read(getattr(settings, "IECTOX_PATHWAY", None))


@cache
def _key(path: str | None) -> str:
    settings_text = json.dumps(_read(path).as_dict(), sort_keys=True, default=str)
    return hashlib.sha256(settings_text.encode()).hexdigest()[:16]


def pathway_key() -> str:
    """A short fingerprint of the pathway in force (every setting, value and source): results computed under
    one pathway are never taken for another's."""
    return _key(getattr(settings, "IECTOX_PATHWAY", None))


def pathway_check(**kwargs: Any) -> list[checks.CheckMessage]:
    """A Django system check: the pathway file in force is read without error."""
    try:
        pathway_in_force()
    except SpecError as error:
        return [checks.Error(str(error), hint="IECTOX_PATHWAY", id="iectox.E001")]
    return []
