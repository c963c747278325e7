"""The order pages: the queue, a new order, one order with its steps, and the move of an order to its next step.

Every view needs `MANAGE_PHARMACY` (pharmacists and administrators, `ROLES`) and sees only the orders of the
user's centres (`visible`). Every save runs inside `submission.once` (a form sent twice saves once); a move
made on an older version of the order, or out of the workflow's order, is refused (409) and changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from iectox.i18n import N_, tr
from iectox.web.accounts.access import requires, visible
from iectox.web.accounts.roles import Capability
from iectox.web.pharmacy import ordering, policy, shown
from iectox.web.pharmacy.administering import NotRecorded
from iectox.web.pharmacy.forms import MoveForm, OrderForm
from iectox.web.pharmacy.models import Order
from iectox.web.pharmacy.page import order_context, order_row
from iectox.web.pharmacy.prescribing import REGIMENS, NoWeight, Prescription, choices, latest_weight
from iectox.web.pharmacy.workflow import ADMINISTERED, CLOSED, LABELS, OPEN
from iectox.web.registry.display import value_text
from iectox.web.registry.editing import ALREADY, SAVED
from iectox.web.registry.models import Infusion
from iectox.web.submission import already_done, once

PHARMACY = Capability.MANAGE_PHARMACY
INFUSIONS = Infusion.contract
CLOSED_SHOWN = 20
NO_INFUSION = N_("No infusion {code} among the patients of your centres.")
MOVED_MEANWHILE = N_(
    "This order was changed by someone else since you opened it: it is now {status}. Nothing was saved; check "
    "it, then act again."
)
OUT_OF_ORDER = N_(
    "An order that is {status} cannot be {to}: the steps are ordered, validated, prepared, dispensed, "
    "administered, one after the other. Nothing was saved."
)
NOT_RECORDED = N_("The administration was not recorded: correct it below. The order was not moved.")
SYNDROME_REASONS = {"CRS": "CRS", "ICANS": "ICANS"}


def order_of(request: HttpRequest, number: int) -> Order:
    """The order with this number if it is of the user's centres; else "not found", as one that does not exist."""
    found = (
        visible(Order.objects.select_related("infusion", "episode"), request.user).filter(pk=number).first()
    )
    if found is None:
        raise Http404(number)
    return found


def _done(request: HttpRequest, target: str, ran: bool) -> HttpResponse:
    if ran:
        messages.success(request, tr(SAVED, request.lang))
    else:
        messages.info(request, tr(ALREADY, request.lang))
    return redirect(target)


@requires(PHARMACY)
def queue(request: HttpRequest) -> HttpResponse:
    """Open orders by step (in the workflow's order), oldest first; the last closed ones below."""
    orders = visible(Order.objects.select_related("infusion"), request.user)
    now, lang = timezone.now(), request.lang
    by_step = {step: [] for step in OPEN}
    for order in orders.filter(status__in=OPEN).order_by("ordered_at", "pk"):
        by_step[order.status].append(order_row(order, now, lang))
    groups = [{"status": step, "label": tr(LABELS[step], lang), "orders": by_step[step]} for step in OPEN]
    closed = orders.filter(status__in=CLOSED).order_by("-ordered_at", "-pk")[:CLOSED_SHOWN]
    context = {
        "area": "pharmacy",
        "groups": groups,
        "closed": [order_row(order, now, lang) for order in closed],
        "open": [row for rows in by_step.values() for row in rows],
    }
    return render(request, "pharmacy/queue.html", context)


def _episodes(infusion: Infusion) -> list[tuple[str, str]]:
    return [
        (e.episode_id, f"{e.episode_id} · {e.syndrome} · {shown.wall(e.onset_at, e.onset_at_time_known)}")
        for e in infusion.toxicity_episodes.order_by("onset_at", "episode_id")
    ]


def _new_initial(request: HttpRequest, infusion: Infusion) -> dict[str, str]:
    """The episode named in the link (else the infusion's latest) and the reason its syndrome gives."""
    episodes = infusion.toxicity_episodes.order_by("onset_at", "episode_id")
    chosen = episodes.filter(episode_id=request.GET.get("episode", "")).first() or episodes.last()
    regimen = request.GET.get("regimen", "")
    return {
        "episode": chosen.episode_id if chosen else "",
        "reason": SYNDROME_REASONS.get(chosen.syndrome, "other") if chosen else "CRS",
        "regimen": regimen if regimen in REGIMENS else "",
    }


def _option(regimen: str, dose: Prescription | None, lang: str) -> dict[str, Any]:
    """A line of the doses table of a new order (None values: no weight for a per-kg regimen)."""
    label = tr(REGIMENS[regimen][1], lang)
    if dose is None:
        return {"label": label, "dose": None}
    return {
        "label": label,
        "dose": shown.number(dose.dose_mg, lang),
        "per_kg": shown.number(dose.mg_per_kg, lang),
        "every": shown.number(dose.every_h, lang),
        "vials": shown.vials(dose.vials),
        "waste": "" if dose.vials is None else shown.number(dose.vials.waste_mg, lang),
        "volume": shown.number(dose.volume_ml, lang),
    }


def _new_page(
    request: HttpRequest, infusion: Infusion | None, form: OrderForm | None, status: int = 200, **extra: Any
) -> HttpResponse:
    context: dict[str, Any] = {"area": "pharmacy", "infusion": infusion, "form": form, **extra}
    if infusion is not None:
        weight = latest_weight(infusion)
        options = choices(weight, policy.pathway_in_force(), policy.vial_settings())
        context.update(
            weight=weight,
            therapy=value_text(INFUSIONS.column("therapy"), infusion.therapy, request.lang),
            infusion_date=value_text(INFUSIONS.column("infusion_date"), infusion.infusion_date, request.lang),
            weight_shown="" if weight is None else shown.number(weight.kg, request.lang),
            options=[_option(key, dose, request.lang) for key, dose in options],
        )
    return render(request, "pharmacy/new.html", context, status=status)


@requires(PHARMACY)
def new_order(request: HttpRequest) -> HttpResponse:
    """A new order for the infusion named in the link (`?infusion=INF-001`): each regimen's dose at the
    patient's latest weight, by the library, then the order form."""
    if request.method == "POST" and (done := already_done(request)):
        return _done(request, done, False)
    code = request.GET.get("infusion", "").strip()
    if not code:
        return _new_page(request, None, None)
    infusion = visible(Infusion.objects.all(), request.user).filter(infusion_id=code).first()
    if infusion is None:
        refusal = tr(NO_INFUSION, request.lang).format(code=code)
        return _new_page(request, None, None, status=404, refusal=refusal)
    episodes = _episodes(infusion)
    if request.method != "POST":
        form = OrderForm(request.lang, episodes, initial=_new_initial(request, infusion))
        return _new_page(request, infusion, form)
    form = OrderForm(request.lang, episodes, request.POST)
    if not form.is_valid():
        return _new_page(request, infusion, form, status=422)
    data = form.cleaned_data
    episode = (
        infusion.toxicity_episodes.filter(episode_id=data["episode"]).first() if data["episode"] else None
    )

    def save() -> str:
        order = ordering.place(
            infusion,
            episode,
            data["regimen"],
            data["reason"],
            request.user,
            policy.pathway_in_force(),
            policy.vial_settings(),
        )
        return reverse("pharmacy:order", kwargs={"order": order.pk})

    try:
        target, ran = once(request, save)
    except NoWeight as error:
        form.add_error("regimen", tr(str(error), request.lang))
        return _new_page(request, infusion, form, status=422)
    return _done(request, target, ran)


def _order_page(
    request: HttpRequest, order: Order, status: int = 200, form: MoveForm | None = None
) -> HttpResponse:
    context = order_context(order, request.lang, form)
    return render(request, "pharmacy/order.html", {"area": "pharmacy", **context}, status=status)


@requires(PHARMACY)
def order_page(request: HttpRequest, order: int) -> HttpResponse:
    """One order: what was ordered and computed, its steps with who and when, its delays, the next action."""
    return _order_page(request, order_of(request, order))


@requires(PHARMACY)
def move(request: HttpRequest, order: int) -> HttpResponse:
    """Take the order to the step named in the form, from the version the page showed (POST only)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if done := already_done(request):
        return _done(request, done, False)
    found, lang = order_of(request, order), request.lang
    to = request.POST.get("to", "")
    form = MoveForm(lang, request.POST, administering=to == ADMINISTERED)
    if not form.is_valid():
        return _order_page(request, found, status=422, form=form if to == ADMINISTERED else None)
    data = form.cleaned_data

    def save() -> str:
        moved = ordering.advance(
            found, data.get("version"), to, request.user, data.get("given_at", ""), data.get("route", "")
        )
        return reverse("pharmacy:order", kwargs={"order": moved.pk})

    try:
        target, ran = once(request, save)
    except ordering.Stale as error:
        status = tr(LABELS[error.current.status], lang).lower()
        messages.error(request, tr(MOVED_MEANWHILE, lang).format(status=status))
        return _order_page(request, error.current, status=409)
    except ordering.OutOfOrder as error:
        status = tr(LABELS[error.current.status], lang).lower()
        asked = tr(LABELS[to], lang).lower()
        messages.error(request, tr(OUT_OF_ORDER, lang).format(status=status, to=asked))
        return _order_page(request, error.current, status=409)
    except NotRecorded as error:
        messages.error(request, tr(NOT_RECORDED, lang))
        for issue in error.result.errors():
            form.add_error(issue.column if issue.column in form.fields else None, issue.text(lang))
        for other in error.result.elsewhere:
            form.add_error(None, f"{other.table} {other.key or ''}: {other.issue.text(lang)}")
        return _order_page(request, order_of(request, order), status=422, form=form)
    return _done(request, target, ran)
