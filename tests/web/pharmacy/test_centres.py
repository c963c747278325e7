"""A pharmacist sees, moves and counts only for the patients of their centres: another centre's order, infusion
or stock is "not found", also when a form names it."""

from __future__ import annotations

from django.urls import reverse

from iectox.web.pharmacy.models import Order, Stock

from ..web_helpers import client_of
from .orders import place_order


def test_the_queue_lists_the_orders_of_the_users_centres_only(registry):
    mine = place_order(infusion="INF-001", episode="EP-001")
    theirs = place_order("dexamethasone", infusion="INF-003", episode="EP-003", centres=("CHU-B",))
    html = client_of("pharmacist").get(reverse("pharmacy:queue")).content.decode()
    assert f'href="/pharmacy/orders/{mine.pk}/"' in html
    assert f'href="/pharmacy/orders/{theirs.pk}/"' not in html and "P-003" not in html
    both = client_of("pharmacist", ("CHU-A", "CHU-B")).get(reverse("pharmacy:queue")).content.decode()
    assert f'href="/pharmacy/orders/{theirs.pk}/"' in both


def test_another_centres_order_is_not_found_and_cannot_be_moved(registry):
    theirs = place_order("dexamethasone", infusion="INF-003", episode="EP-003", centres=("CHU-B",))
    client = client_of("pharmacist")
    assert client.get(reverse("pharmacy:order", args=[theirs.pk])).status_code == 404
    moved = client.post(reverse("pharmacy:order-move", args=[theirs.pk]), {"to": "validated", "version": "1"})
    assert moved.status_code == 404
    theirs.refresh_from_db()
    assert (theirs.status, theirs.version) == ("ordered", 1)


def test_an_order_for_another_centres_infusion_is_refused(registry):
    client = client_of("pharmacist")
    url = reverse("pharmacy:order-create") + "?infusion=INF-003"
    page = client.get(url)
    assert (
        page.status_code == 404
        and "No infusion INF-003 among the patients of your centres." in page.content.decode()
    )
    forged = client.post(url, {"regimen": "tocilizumab", "reason": "CRS", "episode": ""})
    assert forged.status_code == 404
    assert not Order.objects.exists()


def test_another_centres_stock_is_not_found(registry):
    client = client_of("pharmacist")
    assert client.get(reverse("pharmacy:stock"), {"centre": "CHU-B"}).status_code == 404
    forged = client.post(reverse("pharmacy:stock") + "?centre=CHU-B", {"vials_400": "9", "version_400": ""})
    assert forged.status_code == 404
    assert not Stock.objects.exists()
    own = client.get(reverse("pharmacy:stock")).content.decode()
    assert "Tocilizumab stock · CHU-A" in own and "CHU-B" not in own
