"""What a study run and the dashboard depend on: the state of the registry, and the centres of the user.

Every create, update and delete of a registry record, and of a pharmacy order and its steps (whose times feed
the dashboard's order delays), writes a row of its history (django-simple-history, also for imports:
`records.store`), and history rows are never deleted. So, per table, the last history id and the last history
time change with every committed write: two index lookups per table, one query in all, read at
every request (about a millisecond). They miss one case: a transaction that took its id before another one and
commits after it leaves both maxima as they were. The number of history rows per table catches it; counting
is a scan (about 90 ms for 300,000 observations on PostgreSQL), so the counts are read again at most every
`COUNT_SECONDS`: such a late write is seen within that time, every other write at once.

The rows a result is computed from are those of the centres in its key, read once per request: a cached result
holds exactly the patients of the centres it is kept for, never another centre's, even if an administrator
changes the user's centres meanwhile.
"""

from __future__ import annotations

import hashlib
import threading
import time
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from iectox.web.pharmacy.models import Order, Transition
from iectox.web.registry.models import BY_TABLE, Patient

Centres = tuple[str, ...]
TRACKED = (*BY_TABLE.values(), Order, Transition)  # the models whose content the pages' results depend on
COUNT_SECONDS = 5.0
_counted: dict[str, Any] = {"at": None, "counts": ""}
_counting = threading.Lock()


def _trails() -> list[tuple[str, str, str]]:
    """Each tracked model's history: its table, id column and time column, quoted for SQL."""
    quote = connection.ops.quote_name
    found = []
    for model in TRACKED:
        meta = model.history.model._meta
        found.append(
            (quote(meta.db_table), quote(meta.pk.column), quote(meta.get_field("history_date").column))
        )
    return found


def _select(parts: list[str]) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        return "|".join(map(str, cursor.fetchone()))


def _counts() -> str:
    """The number of history rows of each table, read again when older than `COUNT_SECONDS`."""
    with _counting:
        now = time.monotonic()
        if _counted["at"] is None or now - _counted["at"] >= COUNT_SECONDS:
            _counted["counts"] = _select([f"(SELECT COUNT(*) FROM {table})" for table, _, _ in _trails()])
            _counted["at"] = now
        return _counted["counts"]


def forget_counts() -> None:
    """Read the counts again at the next request (tests; after a restore)."""
    with _counting:
        _counted["at"] = None


def registry_state() -> str:
    """A fingerprint of the registry's committed content: it changes with every create, update or delete."""
    last = [f"(SELECT MAX({column}) FROM {table})" for table, pk, when in _trails() for column in (pk, when)]
    return hashlib.sha256(f"{_select(last)}#{_counts()}".encode()).hexdigest()[:24]


def centres_of(user: Any) -> Centres:
    """The user's centres, sorted: part of every cache key."""
    return tuple(sorted(user.centres.values_list("code", flat=True)))


def patients_of(centres: Centres) -> QuerySet[Patient]:
    """The patients of `centres` (the user's, as read for the cache key): what `access.visible` gives the user,
    filtered by the same centres as the key, so that a result and its key can never disagree."""
    return Patient.objects.filter(centre__in=centres)
