"""What a study run and the dashboard depend on: the state of the registry, and the centres of the user.

Every create, update and delete of a registry record writes a row of its history (django-simple-history, also
for imports: `records.store`), and history rows are never deleted. So, per table, the number of history rows,
the last history id and the last history time change with every committed write: together they are the
registry's state. (The last id alone is not enough: a transaction that took an id earlier can commit after a
later one, leaving the last id as it was; the count still moves.) Six indexed aggregates, a few milliseconds.

The rows a result is computed from are those of the centres in its key, read once per request: a cached result
holds exactly the patients of the centres it is kept for, never another centre's, even if an administrator
changes the user's centres meanwhile.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.db.models import Count, Max, QuerySet

from iectox.web.registry.models import BY_TABLE, Patient

Centres = tuple[str, ...]


def registry_state() -> str:
    """A fingerprint of the registry's committed content: it changes with every create, update or delete."""
    parts = []
    for name, model in BY_TABLE.items():
        trail = model.history.model.objects.aggregate(n=Count("pk"), last=Max("pk"), at=Max("history_date"))
        parts.append(f"{name}:{trail['n']}:{trail['last']}:{trail['at']}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:24]


def centres_of(user: Any) -> Centres:
    """The user's centres, sorted: part of every cache key."""
    return tuple(sorted(user.centres.values_list("code", flat=True)))


def patients_of(centres: Centres) -> QuerySet[Patient]:
    """The patients of `centres` (the user's, as read for the cache key): what `access.visible` gives the user,
    filtered by the same centres as the key, so that a result and its key can never disagree."""
    return Patient.objects.filter(centre__in=centres)
