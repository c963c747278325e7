"""What the order pages show of an order: a line of the queue, and the whole order with its steps, delays and
the forms of its next move. Words in the user's language; numbers as the library computed them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from iectox.i18n import N_, tr
from iectox.management.order_delays import delay_column
from iectox.schema.vocabularies import DRUG, REASON
from iectox.web.pharmacy import policy, shown
from iectox.web.pharmacy.delays import order_delays_of
from iectox.web.pharmacy.forms import MoveForm
from iectox.web.pharmacy.models import Order
from iectox.web.pharmacy.prescribing import REGIMENS, TOCILIZUMAB
from iectox.web.pharmacy.workflow import ACTIONS, ADMINISTERED, CANCELLED, LABELS, OPEN, next_step

DELAY_LABELS = {
    delay_column("onset", "ordered"): N_("Onset to order"),
    delay_column("ordered", "validated"): N_("Order to validation"),
    delay_column("validated", "prepared"): N_("Validation to preparation"),
    delay_column("prepared", "dispensed"): N_("Preparation to dispensing"),
    delay_column("dispensed", "administered"): N_("Dispensing to administration"),
    delay_column("ordered", "administered"): N_("Order to administration"),
    delay_column("onset", "administered"): N_("Onset to administration"),
}


def order_row(order: Order, now: dt.datetime, lang: str) -> dict[str, Any]:
    """A line of the queue: number, patient, drug, dose, vials, step, time since ordered."""
    return {
        "number": order.pk,
        "patient": order.infusion.patient_id,
        "infusion": order.infusion_id,
        "drug": order.drug,
        "drug_label": tr(DRUG.term(order.drug).label, lang),
        "reason_label": tr(REASON.term(order.reason).label, lang),
        "regimen": tr(REGIMENS[order.regimen][1], lang) if order.regimen in REGIMENS else order.regimen,
        "dose": shown.number(order.dose_mg, lang),
        "vials": shown.vials(order.combination()),
        "status": order.status,
        "status_label": tr(LABELS[order.status], lang),
        "ordered_at": shown.when(order.ordered_at),
        "since": shown.since(order.ordered_at, now, lang),
    }


def _forms(order: Order, lang: str, form: MoveForm | None) -> list[dict[str, Any]]:
    """The moves the order allows now: its next step (the form given, when it came back with errors), and
    cancelling while it is open."""
    moves = []
    step = next_step(order.status)
    for to in (step, CANCELLED if order.status in OPEN else None):
        if to is None:
            continue
        shown_form = form if form is not None and to == ADMINISTERED else None
        shown_form = shown_form or MoveForm(
            lang, administering=to == ADMINISTERED, initial={"to": to, "version": order.version}
        )
        moves.append(
            {"to": to, "label": tr(ACTIONS[to], lang), "form": shown_form, "danger": to == CANCELLED}
        )
    return moves


def order_context(order: Order, lang: str, form: MoveForm | None = None) -> dict[str, Any]:
    """Everything the order page shows."""
    combination = order.combination()
    mg_per_ml = policy.vial_settings().mg_per_ml if order.drug == TOCILIZUMAB else None
    delays = order_delays_of(Order.objects.filter(pk=order.pk)).iloc[0]
    episode = order.episode
    return {
        "order": order,
        "row": order_row(order, order.ordered_at, lang),
        "episode": episode,
        "onset": "" if episode is None else shown.wall(episode.onset_at, episode.onset_at_time_known),
        "per_kg": shown.number(order.mg_per_kg, lang),
        "every": shown.number(order.every_h, lang),
        "weight": shown.number(order.weight_kg, lang),
        "volume": "" if mg_per_ml is None else shown.number(order.dose_mg / mg_per_ml, lang),
        "waste": "" if combination is None else shown.number(combination.waste_mg, lang),
        "administered_at": shown.wall(order.administered_at, order.administered_at_time_known),
        "transitions": [
            {
                "status": tr(LABELS[move.status], lang),
                "previous": tr(LABELS[move.previous], lang) if move.previous else "",
                "by": move.by.username,
                "at": shown.when(move.at),
            }
            for move in order.transitions.select_related("by")
        ],
        "delays": [
            {"label": tr(label, lang), "value": shown.duration(delays[column], lang)}
            for column, label in DELAY_LABELS.items()
        ],
        "moves": _forms(order, lang, form),
    }
