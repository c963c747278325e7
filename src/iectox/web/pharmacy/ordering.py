"""Placing an order and moving it along its steps: each move checked against the workflow and the order's
version, recorded with who and when, in one transaction with its effects.

- `place`: the dose the library computes at the patient's latest weight (`prescribing`), kept on the order,
  with the first step (ordered) recorded.
- `advance`: to the next step only (`workflow.allowed`, else `OutOfOrder`) and only from the version the
  person saw (else `Stale`, carrying the order as it is now). "Administered" also saves the registry's
  `administrations` row through the library's checks (`administering.record`; `NotRecorded` when refused),
  so that the delay KPIs count it.

Callers run these inside `iectox.web.submission.once`, so that a form sent twice moves the order once.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from iectox.management.pathway import Pathway
from iectox.management.vials import VialSettings
from iectox.web.pharmacy import administering
from iectox.web.pharmacy.models import Order, Transition
from iectox.web.pharmacy.prescribing import latest_weight, prescribe
from iectox.web.pharmacy.workflow import ADMINISTERED, ORDERED, allowed
from iectox.web.registry.models import Infusion, ToxicityEpisode


class Stale(Exception):
    """The order moved (or changed) since the page showing it was opened at `version`."""

    def __init__(self, current: Order, version: int | None):
        super().__init__(f"order {current.pk} changed since version {version}")
        self.current, self.version = current, version


class OutOfOrder(Exception):
    """A move the workflow does not allow from the order's status (a step skipped, repeated or undone)."""

    def __init__(self, current: Order, to: str):
        super().__init__(f"order {current.pk}: {current.status} -> {to} is not allowed")
        self.current, self.to = current, to


def _stamped(record: Any, user: Any) -> Any:
    record._history_user = user  # the audit trail's "who", also outside a request
    return record


def place(
    infusion: Infusion,
    episode: ToxicityEpisode | None,
    regimen: str,
    reason: str,
    user: Any,
    pathway: Pathway,
    vials: VialSettings,
) -> Order:
    """A new order of `regimen` for `infusion` at the dose the library gives (`prescribing.NoWeight` when it
    needs a weight and none is recorded)."""
    dose = prescribe(regimen, latest_weight(infusion), pathway, vials)
    with transaction.atomic():
        order = _stamped(
            Order(
                infusion=infusion,
                episode=episode,
                drug=dose.drug,
                regimen=regimen,
                reason=reason,
                weight_kg=None if dose.weight is None else dose.weight.kg,
                weight_from="" if dose.weight is None else dose.weight.infusion_id,
                mg_per_kg=dose.mg_per_kg,
                dose_mg=dose.dose_mg,
                every_h=dose.every_h,
                vials=dose.vial_counts(),
                ordered_by=user,
            ),
            user,
        )
        order.save()
        _stamped(
            Transition(order=order, previous="", status=ORDERED, by=user, at=order.ordered_at), user
        ).save()
    return order


def advance(
    order: Order, version: int | None, to: str, user: Any, given_at: str = "", route: str = ""
) -> Order:
    """Move `order` to `to` if it is still at `version` and the workflow allows it (call inside a transaction:
    nothing of a refused move is kept). `given_at`, `route`: the administration, for `ADMINISTERED`."""
    current = Order.objects.get(pk=order.pk)
    if version is None or current.version != version:
        raise Stale(current, version)
    if not allowed(current.status, to):
        raise OutOfOrder(current, to)
    claimed = Order.objects.filter(pk=order.pk, version=version, status=current.status)
    if not claimed.update(version=F("version") + 1):  # another move won the race since it was read
        raise Stale(Order.objects.get(pk=order.pk), version)
    moved = _stamped(Order.objects.get(pk=order.pk), user)
    now = timezone.now()
    if to == ADMINISTERED:
        row, _ = administering.record(moved, given_at, route, user)
        moved.administration = row
        moved.administered_at, moved.administered_at_time_known = row.given_at, row.given_at_time_known
    moved.status = to
    moved.save()
    _stamped(Transition(order=moved, previous=current.status, status=to, by=user, at=now), user).save()
    return moved
