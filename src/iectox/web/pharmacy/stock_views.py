"""The tocilizumab stock page: per centre of the user, the vials held against what the rule of the pathway and
vial settings needs for the upcoming infusions (`stock.check_stock`), with the shortfall of each size, and the
form to record a count (each size's version checked: a count made meanwhile by someone else is not
overwritten; a form sent twice saves once)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from iectox.i18n import N_, tr
from iectox.schema import THERAPY
from iectox.web.accounts.access import requires
from iectox.web.accounts.models import Centre
from iectox.web.accounts.roles import Capability
from iectox.web.pharmacy import policy, shown
from iectox.web.pharmacy.forms import CountForm
from iectox.web.pharmacy.stock import StaleCount, StockCheck, check_stock, count
from iectox.web.registry.editing import ALREADY, SAVED
from iectox.web.submission import already_done, once

COUNTED_MEANWHILE = N_(
    "The {mg} mg vials were counted by someone else since you opened this page: nothing was saved. The stock "
    "below is as it is now; your numbers are kept in the form: save again to replace it."
)


def _centre(request: HttpRequest) -> str | None:
    """The centre asked for (`?centre=`), else the user's first; one of theirs only."""
    centres = request.user.centre_codes()
    asked = request.GET.get("centre", "")
    if asked and asked not in centres:
        raise Http404(asked)
    return asked or (centres[0] if centres else None)


def _initial(check: StockCheck) -> dict[str, Any]:
    initial: dict[str, Any] = {}
    for line in check.lines:
        initial[f"vials_{line.vial_mg}"] = line.on_site
        initial[f"version_{line.vial_mg}"] = line.version
    return initial


def _planned(check: StockCheck, lang: str) -> list[dict[str, Any]]:
    """One line per upcoming infusion: the dose, its vials and what is held for that patient."""
    if check.plan is None:
        return []
    rows = []
    sizes = check.settings.vials_mg
    for row in check.plan.infusions.to_dict("records"):
        weight = check.weights[row["infusion_id"]]
        held = " + ".join(f"{row[f'stock_{s}mg']} x {s} mg" for s in sizes if row[f"stock_{s}mg"])
        rows.append(
            {
                "patient": row["patient_id"],
                "infusion": row["infusion_id"],
                "therapy": tr(THERAPY.term(row["therapy"]).label, lang),
                "date": row["planned_date"].strftime("%Y-%m-%d"),
                "weight": shown.number(weight.kg, lang),
                "weight_from": weight.infusion_id if weight.infusion_id != row["infusion_id"] else "",
                "dose": shown.number(row["dose_mg"], lang),
                "vials": row["vials"],
                "held": held,
            }
        )
    return rows


def _page(
    request: HttpRequest, centre: str | None, form: CountForm | None = None, status: int = 200
) -> HttpResponse:
    context: dict[str, Any] = {
        "area": "pharmacy-stock",
        "centre": centre,
        "centres": request.user.centre_codes(),
    }
    if centre is not None:
        check = check_stock(centre, request.user, policy.vial_settings())
        sizes = [line.vial_mg for line in check.lines]
        context.update(
            check=check,
            planned=_planned(check, request.lang),
            form=form or CountForm(request.lang, sizes, initial=_initial(check)),
        )
    return render(request, "pharmacy/stock.html", context, status=status)


@requires(Capability.MANAGE_PHARMACY)
def stock(request: HttpRequest) -> HttpResponse:
    centre = _centre(request)
    if request.method != "POST" or centre is None:
        return _page(request, centre)
    if done := already_done(request):
        messages.info(request, tr(ALREADY, request.lang))
        return redirect(done)
    sizes = [line.vial_mg for line in check_stock(centre, request.user, policy.vial_settings()).lines]
    form = CountForm(request.lang, sizes, request.POST)
    if not form.is_valid():
        return _page(request, centre, form, status=422)
    counted = Centre.objects.get(code=centre)
    target = f"{reverse('pharmacy:stock')}?centre={centre}"

    def save() -> str:
        count(counted, form.counts(), request.user)
        return target

    try:
        target, ran = once(request, save)
    except StaleCount as error:
        messages.error(request, tr(COUNTED_MEANWHILE, request.lang).format(mg=error.vial_mg))
        data = request.POST.copy()
        for line in check_stock(centre, request.user, policy.vial_settings()).lines:
            data[f"version_{line.vial_mg}"] = "" if line.version is None else str(line.version)
        again = CountForm(request.lang, sizes, data)
        again.is_valid()
        return _page(request, centre, again, status=409)
    messages.success(request, tr(SAVED if ran else ALREADY, request.lang))
    return redirect(target)
