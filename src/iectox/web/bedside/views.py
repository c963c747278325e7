"""The bedside pages: the patients of the user's centres, a patient's timeline, and the observation form of an
infusion with its grades and the pathway's advice.

Reading needs `VIEW_REGISTRY`; the form (and the edit of an observation) `ENTER_OBSERVATIONS`. Every record is
looked up among the user's centres only (another centre's is "not found"), and every page reads the rows of
one patient (the timeline) or one infusion (the form), never the whole registry. A save is checked by the
library (`registry.checking.check`), saved once (`submission.once`) in one transaction with its history, and
an edit made on an older version is refused with the other person's changes shown (`registry.saving`).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from iectox.errors import SpecError
from iectox.i18n import tr
from iectox.management.pathway import Pathway
from iectox.web.accounts.access import requires, visible
from iectox.web.accounts.roles import Capability
from iectox.web.bedside.advice import advised, infusion_rows
from iectox.web.bedside.forms import OBSERVATIONS, ObservationForm, now_text
from iectox.web.bedside.timeline import patient_timeline, shown_rows
from iectox.web.pathway import pathway_in_force, pathway_key
from iectox.web.registry import display, history, saving
from iectox.web.registry.checking import check
from iectox.web.registry.digests import DIGESTED
from iectox.web.registry.editing import ALREADY, DELETED_MEANWHILE, SAVED
from iectox.web.registry.lookup import record_of
from iectox.web.registry.models import Infusion, Observation, Patient
from iectox.web.registry.records import patient_dataset, record_text
from iectox.web.registry.tables import PAGES
from iectox.web.submission import already_done, once

PER_PAGE = 50
RECENT = 6  # observations shown under the form


def _pathway(request: HttpRequest) -> tuple[Pathway | None, str]:
    """The pathway in force, or None and why it cannot be read (said on the page, in the user's language)."""
    try:
        return pathway_in_force(), ""
    except SpecError as error:
        return None, error.text(request.lang)


@requires(Capability.VIEW_REGISTRY)
@require_GET
def patients(request: HttpRequest) -> HttpResponse:
    """The patients of the user's centres, by code (a search by the start of the code)."""
    rows = visible(Patient.objects.all(), request.user)
    query = request.GET.get("q", "").strip()
    if query:
        rows = rows.filter(patient_id__istartswith=query)
    shown = Paginator(rows.only("patient_id", "centre"), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "bedside/patients.html", {"area": "bedside", "query": query, "pages": shown})


@requires(Capability.VIEW_REGISTRY)
@require_GET
def timeline(request: HttpRequest, patient: str) -> HttpResponse:
    """Each infusion of the patient: chart, observations with their grades, episodes, doses, the audit."""
    found = record_of(PAGES["patients"], patient, request.user)
    pathway, unreadable = _pathway(request)
    dataset = patient_dataset(found, DIGESTED)  # no labs, no follow-up
    infusions = patient_timeline(dataset, pathway, pathway_key(), request.lang) if pathway is not None else []
    context = {
        "area": "bedside",
        "patient": found,
        "facts": display.rows(found, request.lang, ("sex", "birth_year", "centre", "developmental_delay")),
        "infusions": infusions,
        "pathway": tr(pathway.name, request.lang) if pathway is not None else "",
        "unreadable": unreadable,
        "can_observe": request.user.can(Capability.ENTER_OBSERVATIONS),
    }
    return render(request, "bedside/timeline.html", context)


def _page(
    request: HttpRequest, infusion: Infusion, form: ObservationForm, status: int = 200, **extra: Any
) -> HttpResponse:
    """The form page: the infusion, its current grades and the pathway's advice, the latest observations."""
    pathway, unreadable = _pathway(request)
    dataset, numbers = infusion_rows(infusion)
    code = infusion.infusion_id
    recent = numbers[::-1][:RECENT]  # in the model's order (by time, then number): the latest last
    rows = dataset["observations"].iloc[::-1].iloc[:RECENT]
    context = {
        "area": "bedside",
        "infusion": infusion,
        "facts": shown_rows("infusions", dataset["infusions"], request.lang)[0],
        "advised": advised(dataset, code, pathway, request.lang) if pathway is not None else None,
        "unreadable": unreadable,
        "recent": list(zip(recent, shown_rows("observations", rows, request.lang), strict=True)),
        "form": form,
        **extra,
    }
    return render(request, "bedside/observe.html", context, status=status)


def _done(request: HttpRequest, target: str, ran: bool) -> HttpResponse:
    if ran:
        messages.success(request, tr(SAVED, request.lang))
    else:
        messages.info(request, tr(ALREADY, request.lang))
    return redirect(target)


@requires(Capability.ENTER_OBSERVATIONS)
def observe(request: HttpRequest, infusion: str) -> HttpResponse:
    """A new observation of the infusion; once saved, the page shows the grades and advice it leads to."""
    done = already_done(request) if request.method == "POST" else None
    if done:
        return _done(request, done, False)
    found = record_of(PAGES["infusions"], infusion, request.user)
    if request.method != "POST":
        return _page(
            request,
            found,
            ObservationForm(found.infusion_id, request.lang, initial={"observed_at": now_text()}),
        )
    form = ObservationForm(found.infusion_id, request.lang, request.POST)
    form.is_valid()
    result = check(OBSERVATIONS, form.typed(), request.user, infusion=found)
    form.show(result)
    if not result.ok or form.errors:
        return _page(request, found, form, status=422)
    target = reverse("bedside:observe", kwargs={"infusion": found.infusion_id})

    def save() -> str:
        saving.create(Observation, result.values)
        return target

    _, ran = once(request, save)
    return _done(request, target, ran)


@requires(Capability.ENTER_OBSERVATIONS)
def edit(request: HttpRequest, observation: int) -> HttpResponse:
    """A correction of an observation: refused (409) when someone saved it since it was opened."""
    done = already_done(request) if request.method == "POST" else None
    if done:
        return _done(request, done, False)
    record = record_of(OBSERVATIONS, observation, request.user)
    infusion = Infusion.objects.get(infusion_id=record.infusion_id)
    if request.method != "POST":
        initial = {**record_text(record), "version": record.version}
        return _page(
            request,
            infusion,
            ObservationForm(infusion.infusion_id, request.lang, initial=initial),
            editing=record,
        )
    form = ObservationForm(infusion.infusion_id, request.lang, request.POST)
    form.is_valid()
    result = check(OBSERVATIONS, form.typed(), request.user, record, infusion)
    form.show(result)
    if not result.ok or form.errors:
        return _page(request, infusion, form, status=422, editing=record)
    target = reverse("bedside:observe", kwargs={"infusion": infusion.infusion_id})

    def save() -> str:
        saving.update(record, form.cleaned_data.get("version"), result.values)
        return target

    try:
        _, ran = once(request, save)
    except saving.Stale as error:
        return _stale(request, infusion, form, error)
    return _done(request, target, ran)


def _stale(
    request: HttpRequest, infusion: Infusion, form: ObservationForm, error: saving.Stale
) -> HttpResponse:
    """The form again at the observation's current version, with the user's text and what the other changed."""
    if error.current is None:
        messages.error(request, tr(DELETED_MEANWHILE, request.lang))
        return redirect("bedside:observe", infusion=infusion.infusion_id)
    data = form.data.copy()
    data["version"] = str(error.current.version)
    again = ObservationForm(infusion.infusion_id, request.lang, data)
    again.is_valid()
    trail = history.entries(Observation, history.trail(Observation, str(error.current.pk)))
    changes = [
        (entry, [(c.column, history.shown(c.old), history.shown(c.new)) for c in entry.changes])
        for entry in trail
        if entry.version > (error.version or 0)
    ]
    return _page(request, infusion, again, status=409, editing=error.current, stale=changes)
