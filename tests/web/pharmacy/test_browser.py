"""In Chromium: a pharmacist signs in, sees the order in the queue with its vials, and takes it to dispensed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from browser_support import screenshot
from iectox.web.pharmacy.delays import wall_clock
from iectox.web.pharmacy.models import Order
from iectox.web.registry.models import Infusion, ToxicityEpisode

from ..web_helpers import user_of
from .orders import place_order

pytestmark = pytest.mark.browser
PASSWORD = "dispensing-test-8c1f"


@pytest.fixture(scope="module", autouse=True)
def beside_playwright():
    """Django's database calls allowed beside Playwright's event loop (open for the whole session once a browser
    is launched) for the whole module: the live server's database is set up before `page` allows them and
    flushed after it stops allowing them."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


def test_a_pharmacist_dispenses_an_order(live_server, registry, page):
    Infusion.objects.filter(infusion_id="INF-001").update(weight_kg=70.0)
    onset = wall_clock(timezone.now() - dt.timedelta(minutes=45))  # a CRS of this morning, for the picture
    ToxicityEpisode.objects.filter(episode_id="EP-001").update(
        onset_at=onset, resolved_at=None, outcome="ongoing"
    )
    pharmacist = user_of("pharmacist")
    pharmacist.set_password(PASSWORD)
    pharmacist.save()
    order = place_order("tocilizumab", episode="EP-001", reason="CRS")

    page.goto(f"{live_server.url}/accounts/login/?next=/pharmacy/")
    page.fill("input[name=username]", pharmacist.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button")
    page.wait_for_url(f"{live_server.url}/pharmacy/")
    row = page.locator("table.orders tr", has_text="P-001")
    assert row.locator("td").all_text_contents()[2:6] == [
        "INF-001",
        "Tocilizumab",
        "560",
        "1 x 400 mg + 2 x 80 mg",
    ]

    row.locator("a").click()
    assert page.text_content("dd.dose").strip() == "8 mg/kg = 560 mg · 28 mL"
    assert page.text_content("dd.vials").strip() == "1 x 400 mg + 2 x 80 mg · waste 0 mg"
    for action, status in (
        ("Validate", "Validated"),
        ("Mark as prepared", "Prepared"),
        ("Dispense", "Dispensed"),
    ):
        page.click(f"form.move button:text-is('{action}')")
        page.wait_for_load_state()
        assert page.text_content("h1 .status") == status
    assert page.locator(".messages li.success").count() == 1
    assert page.locator("table.steps tbody tr").count() == 4
    onset_to_order = page.locator("table.delays tr", has_text="Onset to order").locator("td").text_content()
    assert onset_to_order in ("45 min", "46 min")
    screenshot(page, "pharmacy")

    order.refresh_from_db()
    assert order.status == "dispensed"
    assert list(order.transitions.values_list("status", "by__username")) == [
        ("ordered", pharmacist.username),
        ("validated", pharmacist.username),
        ("prepared", pharmacist.username),
        ("dispensed", pharmacist.username),
    ]
    assert Order.objects.count() == 1
