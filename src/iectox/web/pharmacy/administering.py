"""An order's administration as a row of the registry's `administrations` table, saved through the registry's
own path: the library checks it among the patient's rows (`registry.checking.check`, the rules of a file
import) and `registry.saving.create` stores it with its history. The audit's delays (CRS onset -> first
tocilizumab) then count it like any other dose.
"""

from __future__ import annotations

from typing import Any

from iectox.validate.record import RecordCheck
from iectox.web.pharmacy.models import Order
from iectox.web.registry import saving
from iectox.web.registry.checking import check
from iectox.web.registry.models import Administration
from iectox.web.registry.tables import PAGES

ADMINISTRATIONS = PAGES["administrations"]
FIELDS = ("given_at", "route")  # what the person recording the administration types


class NotRecorded(Exception):
    """The library refused the administration row: its issues, to be shown at the fields."""

    def __init__(self, result: RecordCheck):
        super().__init__("administration refused")
        self.result = result


def administration_code(order: Order) -> str:
    """The code of the row an order's administration makes (a pseudonymous code, as every key)."""
    return f"ADM-RX-{order.pk:06d}"


def typed_row(order: Order, given_at: str, route: str) -> dict[str, str]:
    """The row as a form of the administrations table would send it: what was ordered, when it was given."""
    return {
        "administration_id": administration_code(order),
        "infusion_id": order.infusion_id,
        "drug": order.drug,
        "given_at": given_at,
        "dose_mg": repr(round(order.dose_mg, 6)),
        "route": route,
        "reason": order.reason,
    }


def record(order: Order, given_at: str, route: str, user: Any) -> tuple[Administration, RecordCheck]:
    """Check and save the administration row (inside the caller's transaction); `NotRecorded` when refused."""
    result = check(ADMINISTRATIONS, typed_row(order, given_at, route), user)
    if not result.ok or result.values is None:
        raise NotRecorded(result)
    return saving.create(Administration, result.values), result  # type: ignore[return-value]
