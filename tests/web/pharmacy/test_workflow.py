"""The steps of an order: one after the other, each with who and when; out of order, stale or sent twice, a
move is refused or saved once, and nothing else changes."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from iectox.web.pharmacy.models import Order, Transition
from iectox.web.pharmacy.workflow import CANCELLED, STATUSES, allowed, next_step
from iectox.web.registry.models import Administration

from ..web_helpers import client_of, user_of
from .orders import move_forms, place_order


def page(client, order: Order) -> str:
    return client.get(reverse("pharmacy:order", args=[order.pk])).content.decode()


def move(client, order: Order, to: str, **fields: str):
    """Send the form of the move to `to` as the order page shows it now."""
    form = move_forms(page(client, order))[to]
    return client.post(reverse("pharmacy:order-move", args=[order.pk]), {**form, **fields})


@pytest.mark.parametrize(
    ("status", "to", "ok"),
    [
        ("ordered", "validated", True),
        ("validated", "prepared", True),
        ("prepared", "dispensed", True),
        ("dispensed", "administered", True),
        ("ordered", "prepared", False),  # a step skipped
        ("ordered", "administered", False),
        ("validated", "validated", False),  # repeated
        ("dispensed", "validated", False),  # undone
        ("administered", "cancelled", False),  # given: no longer cancellable
        ("cancelled", "validated", False),
        ("prepared", "cancelled", True),
        ("ordered", "lost", False),
    ],
)
def test_the_workflow(status, to, ok):
    assert allowed(status, to) is ok
    assert [next_step(s) for s in STATUSES] == [
        "validated",
        "prepared",
        "dispensed",
        "administered",
        None,
        None,
    ]


def test_an_order_goes_through_its_steps_each_with_who_and_when(registry):
    order = place_order()
    alice, bob = client_of("pharmacist"), client_of("administrator")
    before = timezone.now()
    for client, to in ((alice, "validated"), (bob, "prepared"), (alice, "dispensed")):
        response = move(client, order, to)
        assert response.status_code == 302, response.content.decode()[:2000]
    order.refresh_from_db()
    assert (order.status, order.version) == ("dispensed", 4)
    steps = list(
        Transition.objects.filter(order=order).values_list("previous", "status", "by__username", "at")
    )
    assert [s[:3] for s in steps] == [
        ("", "ordered", "pharmacist-CHU-A-en"),
        ("ordered", "validated", "pharmacist-CHU-A-en"),
        ("validated", "prepared", "administrator-CHU-A-en"),
        ("prepared", "dispensed", "pharmacist-CHU-A-en"),
    ]
    assert all(before <= at <= timezone.now() for *_, at in steps[1:])
    html = page(alice, order)
    assert (
        "administrator-CHU-A-en" in html
        and timezone.localtime(steps[2][3]).strftime("%Y-%m-%d %H:%M") in html
    )
    # the audit trail of the order itself: each version, by whom
    trail = list(order.history.order_by("history_date").values_list("status", "history_user__username"))
    assert trail == [
        ("ordered", "pharmacist-CHU-A-en"),
        ("validated", "pharmacist-CHU-A-en"),
        ("prepared", "administrator-CHU-A-en"),
        ("dispensed", "pharmacist-CHU-A-en"),
    ]


def test_a_step_out_of_order_is_refused_and_nothing_changes(registry):
    order = place_order()
    client = client_of("pharmacist")
    form = move_forms(page(client, order))["validated"]
    response = client.post(reverse("pharmacy:order-move", args=[order.pk]), {**form, "to": "dispensed"})
    assert response.status_code == 409
    assert "An order that is ordered cannot be dispensed" in response.content.decode()
    order.refresh_from_db()
    assert (order.status, order.version, order.transitions.count()) == ("ordered", 1, 1)


def test_a_stale_move_is_refused_with_the_order_as_it_is_now(registry):
    """Two pharmacists open the same order; the first validates it; the second's validation is refused."""
    order = place_order()
    alice, bob = client_of("pharmacist"), client_of("administrator")
    form_a, form_b = move_forms(page(alice, order))["validated"], move_forms(page(bob, order))["validated"]
    assert alice.post(reverse("pharmacy:order-move", args=[order.pk]), form_a).status_code == 302
    refused = bob.post(reverse("pharmacy:order-move", args=[order.pk]), form_b)
    html = refused.content.decode()
    assert refused.status_code == 409
    assert "This order was changed by someone else since you opened it: it is now validated" in html
    assert (
        'name="to" value="prepared"' in html and 'name="version" value="2"' in html
    )  # the page as it is now
    order.refresh_from_db()
    assert (order.status, order.version, order.transitions.count()) == ("validated", 2, 2)


def test_a_move_sent_twice_is_saved_once(registry):
    order = place_order()
    client = client_of("pharmacist")
    form = move_forms(page(client, order))["validated"]
    url = reverse("pharmacy:order-move", args=[order.pk])
    first = client.post(url, form)
    second = client.post(url, form, follow=True)
    assert first.status_code == 302
    assert second.redirect_chain[0][0] == first["Location"]
    assert "it was saved once, nothing more" in second.content.decode()
    order.refresh_from_db()
    assert (order.status, order.version, order.transitions.count()) == ("validated", 2, 2)


def test_a_move_is_a_post(registry):
    order = place_order()
    assert client_of("pharmacist").get(reverse("pharmacy:order-move", args=[order.pk])).status_code == 405


def test_cancelling_an_open_order(registry):
    order = place_order()
    client = client_of("pharmacist")
    assert move(client, order, "validated").status_code == 302
    assert move(client, order, CANCELLED).status_code == 302
    order.refresh_from_db()
    assert order.status == "cancelled"
    assert move_forms(page(client, order)) == {}  # no further move
    assert "Cancelled" in client.get(reverse("pharmacy:queue")).content.decode()


def take_to_dispensed(client, order: Order) -> None:
    for to in ("validated", "prepared", "dispensed"):
        assert move(client, order, to).status_code == 302


def test_a_move_forged_without_a_version_is_stale(registry):
    order = place_order()
    client = client_of("pharmacist")
    form = move_forms(page(client, order))["validated"]
    response = client.post(reverse("pharmacy:order-move", args=[order.pk]), {**form, "version": ""})
    assert response.status_code == 409
    order.refresh_from_db()
    assert order.status == "ordered"


def test_the_administration_time_is_required_and_checked_by_the_library(registry):
    order = place_order()
    client = client_of("pharmacist")
    take_to_dispensed(client, order)
    blank = move(client, order, "administered", given_at="")
    assert blank.status_code == 422 and "This field is required." in blank.content.decode()
    wrong = move(client, order, "administered", given_at="2023-05-19 25:70")
    html = wrong.content.decode()
    assert wrong.status_code == 422
    assert "The administration was not recorded" in html
    field = re.search(r'<div class="field invalid">\s*<label for="id_given_at">.*?</div>', html, re.S)
    assert field and "&#x27;2023-05-19 25:70&#x27; is not a date" in field.group()  # the library's sentence
    before_infusion = move(client, order, "administered", given_at="2023-05-01 10:00")
    assert before_infusion.status_code == 422  # the library's chronology: a dose before its infusion
    order.refresh_from_db()
    assert (order.status, order.administration_id) == ("dispensed", None)
    assert not Administration.objects.filter(administration_id__startswith="ADM-RX-").exists()


def test_who_recorded_the_administration_row(registry):
    order = place_order()
    client = client_of("pharmacist")
    take_to_dispensed(client, order)
    assert move(client, order, "administered", given_at="2023-05-19 16:00", route="IV").status_code == 302
    row = Administration.objects.get(administration_id=f"ADM-RX-{order.pk:06d}")
    assert row.history.get().history_user == user_of("pharmacist")
    assert (row.given_at, row.given_at_time_known) == (dt.datetime(2023, 5, 19, 16, 0), True)
