"""The dashboards shared by every server process through the database (`DashboardSnapshot`): the dashboard
worker (`worker.py`, a process of its own started by `iectox serve`) writes them; the server processes read
them and ask for a newer one when the registry has changed.

A dashboard is stored pickled (the library's `Audit` and its tables as they are, with the pages and figures the
worker made in every language), compressed, and signed with the application's secret key: a row that was not
written by this application (or was altered) is refused, never unpickled.
"""

from __future__ import annotations

import hmac
import pickle
import zlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils import timezone
from django.utils.crypto import salted_hmac

from iectox.web.quality.models import DashboardSnapshot
from iectox.web.quality.state import Centres

SALT = "iectox.web.quality.snapshots"
SIGNATURE = 32  # bytes of HMAC-SHA256 before the compressed pickle


class Tampered(ValueError):
    """A snapshot whose signature does not match its content: not written by this application."""


@dataclass(frozen=True)
class Stored:
    """What the snapshot row of a set of centres says, without its data."""

    state: str
    computed_at: datetime | None
    wanted: bool


def key(centres: Centres) -> str:
    return "\n".join(centres)


def centres_of(key_: str) -> Centres:
    return tuple(key_.split("\n")) if key_ else ()


def _signature(blob: bytes, salt: str) -> bytes:
    return salted_hmac(salt, blob, algorithm="sha256").digest()


def pack(value: Any, salt: str = SALT) -> bytes:
    """`value` pickled, compressed and signed; `salt` names what it is (a dashboard by default), so that a
    signed value of one kind is never read as another."""
    blob = zlib.compress(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), 1)
    return _signature(blob, salt) + blob


def unpack(data: bytes, salt: str = SALT) -> Any:
    """The value `pack` signed with `salt`; `Tampered` if the signature does not match."""
    signature, blob = data[:SIGNATURE], data[SIGNATURE:]
    if not hmac.compare_digest(signature, _signature(blob, salt)):
        raise Tampered("the stored value's signature does not match")
    return pickle.loads(zlib.decompress(blob))  # signed by this application: checked above


def stored(centres: Centres) -> Stored | None:
    """The snapshot of `centres` (one small query, the data left in the database), or None."""
    row = (
        DashboardSnapshot.objects.filter(centres=key(centres))
        .values_list("state", "computed_at", "wanted")
        .first()
    )
    return Stored(*row) if row is not None else None


def computed() -> list[tuple[Centres, str]]:
    """Every set of centres with a dashboard stored, and its state."""
    rows = DashboardSnapshot.objects.exclude(data=None).values_list("centres", "state")
    return [(centres_of(centres), state) for centres, state in rows]


def load(centres: Centres, state: str) -> Any | None:
    """The dashboard of `centres` stored for `state` (None if the worker has replaced it meanwhile)."""
    data = (
        DashboardSnapshot.objects.filter(centres=key(centres), state=state)
        .values_list("data", flat=True)
        .first()
    )
    return unpack(bytes(data)) if data is not None else None


def ask(centres: Centres) -> None:
    """Ask the worker for the dashboard of `centres` at the registry's state when it starts."""
    updated = DashboardSnapshot.objects.filter(centres=key(centres)).update(wanted=True)
    if not updated:
        DashboardSnapshot.objects.get_or_create(centres=key(centres), defaults={"wanted": True})


def wanted() -> list[tuple[Centres, datetime | None, bool]]:
    """The sets of centres whose dashboard a reader asked for: centres, when last started, whether one is
    stored (the first one of a set of centres is awaited by its reader: never held back). Asked twice a second
    by the worker: whether a dashboard is stored is asked of the database, its data is not read."""
    rows = (
        DashboardSnapshot.objects.filter(wanted=True)
        .annotate(has_data=ExpressionWrapper(Q(data__isnull=False), output_field=BooleanField()))
        .values_list("centres", "started_at", "has_data")
    )
    return [(centres_of(centres), started, bool(has_data)) for centres, started, has_data in rows]


def starting(centres: Centres) -> None:
    """The worker starts computing `centres`: a reader asking from now on asks for a later state."""
    DashboardSnapshot.objects.filter(centres=key(centres)).update(wanted=False, started_at=timezone.now())


def save(centres: Centres, dashboard: Any) -> None:
    """Store the dashboard the worker computed (replacing the one before)."""
    DashboardSnapshot.objects.update_or_create(
        centres=key(centres),
        defaults={"state": dashboard.state, "computed_at": dashboard.computed_at, "data": pack(dashboard)},
    )
