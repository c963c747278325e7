"""Administered: the order's dose becomes a row of the registry's `administrations` table, saved through the
library's checks, and the audit's delay KPI of that infusion counts it; the order's own delays, step by step."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from iectox.management.audit import audit
from iectox.management.order_delays import order_delay_summary
from iectox.web.pharmacy.delays import order_delays_of
from iectox.web.pharmacy.models import Order, Transition
from iectox.web.registry.models import Administration, Patient
from iectox.web.registry.records import patients_dataset

from ..web_helpers import client_of
from .orders import move_forms, place_order


def onset_to_tocilizumab(infusion: str = "INF-001") -> float:
    """The audit's "CRS onset -> first tocilizumab" of the infusion, from the registry as it is now."""
    timings = audit(patients_dataset(Patient.objects.all())).timings.set_index("infusion_id")
    return timings.loc[infusion, "hours_crs_onset_to_tocilizumab"]


def administer(client, order: Order, given_at: str) -> None:
    url = reverse("pharmacy:order-move", args=[order.pk])
    for to in ("validated", "prepared", "dispensed", "administered"):
        form = move_forms(client.get(reverse("pharmacy:order", args=[order.pk])).content.decode())[to]
        extra = {"given_at": given_at, "route": "IV"} if to == "administered" else {}
        response = client.post(url, {**form, **extra})
        assert response.status_code == 302, response.content.decode()[-3000:]


def test_administered_makes_the_registry_row_and_the_delay_kpi_counts_it(registry):
    # EP-001: CRS from 2023-05-19 14:30; ADM-001, its first tocilizumab, at 2023-05-20 08:00: 17.5 h
    assert onset_to_tocilizumab() == 17.5
    order = place_order("tocilizumab", episode="EP-001", reason="CRS")
    administer(client_of("pharmacist"), order, "2023-05-19 16:00")
    order.refresh_from_db()
    row = Administration.objects.get(administration_id=f"ADM-RX-{order.pk:06d}")
    assert order.administration_id == row.administration_id
    assert (row.infusion_id, row.drug, row.dose_mg, row.route, row.reason) == (
        "INF-001",
        "tocilizumab",
        pytest.approx(571.2),  # 8 mg/kg x 71.4 kg, the order's dose
        "IV",
        "CRS",
    )
    assert (row.given_at, row.given_at_time_known) == (dt.datetime(2023, 5, 19, 16, 0), True)
    assert (order.status, order.administered_at) == ("administered", dt.datetime(2023, 5, 19, 16, 0))
    assert onset_to_tocilizumab() == 1.5  # the order's dose is now the first tocilizumab of the CRS
    page = client_of("pharmacist").get(reverse("pharmacy:order", args=[order.pk])).content.decode()
    assert f"/registry/administrations/ADM-RX-{order.pk:06d}/" in page


def at(text: str) -> dt.datetime:
    return timezone.make_aware(dt.datetime.fromisoformat(text))  # the ward's clock (TIME_ZONE)


def test_the_orders_own_delays_step_by_step(registry):
    order = place_order("tocilizumab", episode="EP-001", reason="CRS")
    administer(client_of("pharmacist"), order, "2023-05-19 16:00")
    steps = {"ordered": "14:45", "validated": "15:00", "prepared": "15:20", "dispensed": "15:30"}
    for status, clock in steps.items():
        Transition.objects.filter(order=order, status=status).update(at=at(f"2023-05-19 {clock}"))
    delays = order_delays_of(Order.objects.filter(pk=order.pk)).loc[order.pk].astype(float).round(6).to_dict()
    assert delays == {
        "hours_onset_to_ordered": 0.25,  # CRS onset 14:30
        "hours_ordered_to_validated": 0.25,
        "hours_validated_to_prepared": round(20 / 60, 6),
        "hours_prepared_to_dispensed": round(10 / 60, 6),
        "hours_dispensed_to_administered": 0.5,  # given at 16:00 (the ward's time typed), not when entered
        "hours_ordered_to_administered": 1.25,
        "hours_onset_to_administered": 1.5,
    }
    page = client_of("pharmacist").get(reverse("pharmacy:order", args=[order.pk])).content.decode()
    assert '<th scope="row">Onset to administration</th><td class="num">1 h 30 min</td>' in page
    assert '<th scope="row">Validation to preparation</th><td class="num">20 min</td>' in page
    summary = order_delay_summary(order_delays_of(Order.objects.all())).set_index("delay")
    assert summary.loc["hours_onset_to_administered", ["n", "median_h"]].tolist() == [1, 1.5]


def test_an_order_without_an_episode_has_no_delay_from_onset(registry):
    order = place_order("dexamethasone", episode=None, reason="ICANS")
    delays = order_delays_of(Order.objects.filter(pk=order.pk)).loc[order.pk]
    assert delays.isna().tolist() == [True, True, True, True, True, True, True]
