"""The steps of an order, in the only order they may happen: ordered -> validated -> prepared -> dispensed ->
administered; an open order may also be cancelled. A move is allowed to the next step only (or to cancelled),
so a step cannot be skipped, repeated or undone; every move is kept with who and when (`models.Transition`).

The step names are the library's (`iectox.management.order_delays.ORDER_STEPS`), which measures the delays
between them.
"""

from __future__ import annotations

from iectox.i18n import N_
from iectox.management.order_delays import ORDER_STEPS

ORDERED, VALIDATED, PREPARED, DISPENSED, ADMINISTERED = ORDER_STEPS
CANCELLED = "cancelled"
STATUSES = (*ORDER_STEPS, CANCELLED)
OPEN = ORDER_STEPS[:-1]  # orders still on their way to the patient, in the queue
CLOSED = (ADMINISTERED, CANCELLED)

LABELS = {
    ORDERED: N_("Ordered"),
    VALIDATED: N_("Validated"),
    PREPARED: N_("Prepared"),
    DISPENSED: N_("Dispensed"),
    ADMINISTERED: N_("Administered"),
    CANCELLED: N_("Cancelled"),
}
# The button that takes an order to each status.
ACTIONS = {
    VALIDATED: N_("Validate"),
    PREPARED: N_("Mark as prepared"),
    DISPENSED: N_("Dispense"),
    ADMINISTERED: N_("Record the administration"),
    CANCELLED: N_("Cancel the order"),
}


def next_step(status: str) -> str | None:
    """The step after `status`; None for an administered or cancelled order."""
    if status not in OPEN:
        return None
    return ORDER_STEPS[ORDER_STEPS.index(status) + 1]


def allowed(status: str, to: str) -> bool:
    """Whether an order at `status` may move to `to`: its next step, or cancelled while it is open."""
    return to == next_step(status) or (to == CANCELLED and status in OPEN)
