"""Orders: the dose and vials the library gives at the patient's latest weight, kept on the order and shown."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from iectox.web.pharmacy.models import Order, Transition
from iectox.web.registry.models import Infusion

from ..web_helpers import client_of, user_of
from .orders import place_order

NEW = reverse("pharmacy:order-create")


def weigh(kg: float | None, infusion: str = "INF-001") -> None:
    Infusion.objects.filter(infusion_id=infusion).update(weight_kg=kg)


def new_order_form(client, infusion: str = "INF-001", **query: str) -> tuple[str, dict[str, str]]:
    page = client.get(NEW, {"infusion": infusion, **query})
    assert page.status_code == 200
    html = page.content.decode()
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))
    fields.update(
        re.findall(
            r'<select name="(\w+)"[^>]*>(?:(?!</select>).)*?<option value="([^"]*)" selected', html, re.S
        )
    )
    return html, fields


@pytest.mark.parametrize(
    ("kg", "dose", "vials", "counts", "per_kg"),
    [
        (70.0, 560.0, "1 x 400 mg + 2 x 80 mg", {"400": 1, "80": 2}, 8.0),  # 8 mg/kg
        (29.9, 358.8, "1 x 200 mg + 2 x 80 mg", {"200": 1, "80": 2}, 12.0),  # under 30 kg: 12 mg/kg
        (30.0, 240.0, "3 x 80 mg", {"80": 3}, 8.0),  # 30 kg itself: 8 mg/kg; 200 + 80 would waste 40 mg
        (120.0, 800.0, "2 x 400 mg", {"400": 2}, 8.0),  # capped at 800 mg
    ],
)
def test_a_tocilizumab_order_has_the_label_dose_in_least_waste_vials(
    registry, kg, dose, vials, counts, per_kg
):
    weigh(kg)
    client = client_of("pharmacist")
    html, fields = new_order_form(client)
    assert f'<td class="num">{dose:g}</td>' in html and vials in html  # shown before ordering
    response = client.post(f"{NEW}?infusion=INF-001", {**fields, "regimen": "tocilizumab"})
    order = Order.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("pharmacy:order", args=[order.pk])
    assert order.dose_mg == pytest.approx(dose, rel=1e-12)  # the library's float, kept as it is
    assert (order.drug, order.mg_per_kg, order.vials) == ("tocilizumab", per_kg, counts)
    assert (order.weight_kg, order.weight_from, order.episode_id, order.reason) == (
        kg,
        "INF-001",
        "EP-002",
        "ICANS",
    )
    page = client.get(response["Location"]).content.decode()
    assert f"{per_kg:g} mg/kg = {dose:g} mg" in page and vials in page


def test_the_order_form_takes_the_episode_named_and_its_syndrome(registry):
    weigh(70.0)
    client = client_of("pharmacist")
    _, fields = new_order_form(client, episode="EP-001")
    assert (fields["episode"], fields["reason"]) == ("EP-001", "CRS")


@pytest.mark.parametrize(
    ("regimen", "drug", "dose", "every", "per_kg"),
    [
        ("dexamethasone", "dexamethasone", 10.0, 6.0, None),  # pathway: 10 mg, q6h at the shortest
        ("methylprednisolone_mg_kg", "methylprednisolone", 70.0, 12.0, 1.0),  # 1 mg/kg q12h x 70 kg
        ("methylprednisolone_pulse", "methylprednisolone", 1000.0, 24.0, None),  # 1 g a day
    ],
)
def test_a_corticosteroid_order_has_the_pathways_dose(registry, regimen, drug, dose, every, per_kg):
    weigh(70.0)
    order = place_order(regimen, episode="EP-002", reason="ICANS")
    assert (order.drug, order.dose_mg, order.every_h, order.mg_per_kg, order.vials) == (
        drug,
        dose,
        every,
        per_kg,
        {},
    )
    assert order.weight_kg == (70.0 if per_kg else None)


def test_the_pathway_in_force_gives_the_corticosteroid_dose(registry, tmp_path, settings):
    pathway = tmp_path / "pathway.toml"
    pathway.write_text('[corticosteroids]\ndexamethasone_mg = { value = 20, source = "CHU protocol v3" }\n')
    settings.IECTOX_PATHWAY = str(pathway)  # from the environment variable of that name (iectox.web.pathway)
    assert place_order("dexamethasone").dose_mg == 20.0


def test_the_latest_weight_of_the_patient_when_the_infusion_has_none(registry):
    """INF-003's record has no weight: a later infusion of the same patient (dated today at the latest) does."""
    Infusion.objects.create(
        infusion_id="INF-003B",
        patient_id="P-003",
        therapy="ciltacabtagene_autoleucel",
        setting="standard_of_care",
        indication="multiple_myeloma",
        infusion_date="2024-12-01",
        weight_kg=64.0,
    )
    order = place_order(infusion="INF-003", episode="EP-003", centres=("CHU-B",))
    assert (order.weight_kg, order.weight_from, order.dose_mg, order.vials) == (
        64.0,
        "INF-003B",
        512.0,
        {"200": 1, "80": 4},  # 520 mg, waste 8; 400 + 80 + 80 would waste 48
    )


def test_without_a_weight_a_dose_per_kg_is_refused_and_nothing_saved(registry):
    weigh(None)
    client = client_of("pharmacist")
    html, fields = new_order_form(client)
    assert "No body weight is recorded for this patient" in html
    response = client.post(f"{NEW}?infusion=INF-001", {**fields, "regimen": "tocilizumab"})
    assert response.status_code == 422
    assert "a dose per kg cannot be computed" in response.content.decode()
    assert not Order.objects.exists()
    fixed = client.post(
        f"{NEW}?infusion=INF-001", {**fields, "regimen": "dexamethasone"}
    )  # a fixed dose is fine
    assert fixed.status_code == 302 and Order.objects.get().dose_mg == 10.0


def test_ordering_records_the_first_step_with_who_and_when(registry):
    order = place_order()
    step = Transition.objects.get(order=order)
    assert (step.previous, step.status, step.by, step.at) == (
        "",
        "ordered",
        user_of("pharmacist"),
        order.ordered_at,
    )
    assert order.history.get().history_user == user_of("pharmacist")


def test_a_new_order_sent_twice_is_saved_once(registry):
    weigh(70.0)
    client = client_of("pharmacist")
    _, fields = new_order_form(client)
    first = client.post(f"{NEW}?infusion=INF-001", {**fields, "regimen": "tocilizumab"})
    second = client.post(f"{NEW}?infusion=INF-001", {**fields, "regimen": "tocilizumab"}, follow=True)
    assert Order.objects.count() == 1
    assert second.redirect_chain[0][0] == first["Location"]
    assert "it was saved once, nothing more" in second.content.decode()


def test_the_french_page(registry):
    weigh(29.9)
    html, _ = new_order_form(client_of("pharmacist", language="fr"))
    assert "Nouvelle commande" in html and "358,8" in html and "1 x 200 mg + 2 x 80 mg" in html
