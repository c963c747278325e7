"""The import pages: upload a file, see its preview (every issue; what would change, row by row), commit it all
or nothing, or discard it. Data managers and administrators only (`Capability.EDIT_REGISTRY`)."""

from __future__ import annotations

import time

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from iectox.errors import SourceError
from iectox.i18n import N_, tr
from iectox.render.diff import summary_lines
from iectox.web.accounts.access import requires
from iectox.web.accounts.roles import Capability
from iectox.web.submission import FIELD, already_done, once
from iectox.web.transfer import uploads
from iectox.web.transfer.importing import (
    ALREADY,
    SESSION,
    Examined,
    Refused,
    commit,
    discard,
    examine,
    start,
    waiting,
)
from iectox.web.transfer.models import Import
from iectox.web.transfer.preview import diff_tables, issue_rows

DATE_ORDERS = {
    "iso": N_("year-month-day only (2024-03-06)"),
    "dmy": N_("day/month/year (06/03/2024)"),
    "mdy": N_("month/day/year (03/06/2024)"),
}
NO_FILE = N_("Choose an XLSX workbook or a zip of the folder of CSV files.")
WRONG_KIND = N_("Upload an XLSX workbook (.xlsx) or a zip of the folder of CSV files (.zip).")
TOO_LARGE = N_("The file is larger than {limit} MB, the largest an upload may be: split it.")
NOTHING_WAITING = N_("No file is waiting for a commit: upload one.")
DISCARDED = N_("The upload was discarded: nothing was stored.")
IMPORTED = N_("Imported, in one transaction: {changes}.")
TABLE_COUNTS = N_("{table}: {added} added, {changed} changed, {deleted} deleted, {kept} kept")
NOTHING_CHANGED = N_("The registry already held every row and value of the file: nothing changed.")


def _upload_page(request: HttpRequest, error: str = "", status: int = 200) -> HttpResponse:
    context = {
        "area": "transfer",
        "centres": request.user.centre_codes(),
        "can_import": True,
        "can_read_log": request.user.can(Capability.VIEW_AUDIT),
        "pending": waiting(request),
        "error": error,
        "date_orders": [(code, tr(label, request.lang)) for code, label in DATE_ORDERS.items()],
        "limit_mb": uploads.max_upload_bytes() // 2**20,
        "minutes": int(uploads.lifetime().total_seconds() // 60),
    }
    return render(request, "transfer/upload.html", context, status=status)


@requires(Capability.EDIT_REGISTRY)
@csrf_exempt  # checked below, once the size limit is in place: the CSRF check reads the form, file included
def upload(request: HttpRequest) -> HttpResponse:
    uploads.purge()
    if request.method != "POST":
        return _upload_page(request)
    limit = uploads.max_upload_bytes()
    if int(request.META.get("CONTENT_LENGTH") or 0) > limit + 2**16:  # the form's other fields: a few bytes
        return _too_large(request, limit)
    handler = uploads.SizeLimit(request, limit)
    request.upload_handlers.insert(0, handler)
    return _received(request, handler)


def _too_large(request: HttpRequest, limit: int) -> HttpResponse:
    return _upload_page(request, tr(TOO_LARGE, request.lang).format(limit=limit // 2**20), 413)


@csrf_protect
def _received(request: HttpRequest, handler: uploads.SizeLimit) -> HttpResponse:
    file = request.FILES.get("file")
    if handler.exceeded:
        return _too_large(request, handler.limit)
    if file is None:
        return _upload_page(request, tr(NO_FILE, request.lang), 400)
    kind = uploads.kind_of(file.name or "")
    if kind is None:
        return _upload_page(request, tr(WRONG_KIND, request.lang), 400)
    date_order = request.POST.get("date_order", "iso")
    pending = start(request.user, file, kind, date_order if date_order in DATE_ORDERS else "iso")
    request.session[SESSION] = pending.token
    return redirect("transfer:preview")


def _preview_context(request: HttpRequest, pending: Import) -> dict[str, object]:
    lang = request.lang
    context: dict[str, object] = {"area": "transfer", "pending": pending, "token": pending.token}
    began = time.perf_counter()
    try:
        examined: Examined = examine(pending, request.user)
    except (SourceError, Refused) as error:
        context["refused"] = error.text(lang)
        return context
    checked, plan = examined.checked, examined.plan
    context.update(
        issues=issue_rows(checked.issues, lang),
        errors=len(checked.errors),
        warnings=len(checked.warnings),
        committable=examined.committable,
        date_order=tr(DATE_ORDERS.get(pending.date_order, ""), lang),
    )
    if plan is not None:
        context.update(
            plan=plan,
            plan_errors=issue_rows(plan.errors, lang),
            kept_errors=issue_rows(plan.kept_errors, lang),
            summary=summary_lines(plan.changes, lang),
            tables=diff_tables(plan.changes, lang),
            same=plan.changes.same,
            fingerprint=plan.fingerprint,
        )
    context["seconds"] = f"{time.perf_counter() - began:.1f}"
    return context


@requires(Capability.EDIT_REGISTRY)
def preview(request: HttpRequest) -> HttpResponse:
    pending = waiting(request)
    if pending is None:
        messages.info(request, tr(NOTHING_WAITING, request.lang))
        return redirect("transfer:import")
    context = _preview_context(request, pending)
    status = 200 if context.get("committable") else 422
    return render(request, "transfer/preview.html", context, status=status)


def _imported(counts: dict[str, dict[str, int]], lang: str) -> str:
    lines = [
        tr(TABLE_COUNTS, lang).format(table=table, **n) for table, n in counts.items() if any(n.values())
    ]
    return tr(IMPORTED, lang).format(changes="; ".join(lines)) if lines else tr(NOTHING_CHANGED, lang)


@requires(Capability.EDIT_REGISTRY)
def commit_view(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return redirect("transfer:preview")
    done = already_done(request)
    if done:
        messages.info(request, tr(ALREADY, request.lang))
        return redirect(done)
    pending = waiting(request)
    if pending is None or request.POST.get(FIELD) != pending.token:
        messages.error(request, tr(NOTHING_WAITING, request.lang))
        return redirect("transfer:import")
    delete_missing = request.POST.get("delete_missing") == "yes"
    shown = request.POST.get("fingerprint", "")
    applied: dict[str, dict[str, int]] = {}

    def save() -> str:
        applied.update(commit(pending, request.user, delete_missing, shown))
        return reverse("transfer:import")

    try:
        target, ran = once(request, save)
    except Refused as refusal:
        messages.error(request, refusal.text(request.lang))
        return redirect("transfer:preview")
    request.session.pop(SESSION, None)
    if ran:
        messages.success(request, _imported(applied, request.lang))
    else:
        messages.info(request, tr(ALREADY, request.lang))
    return redirect(target)


@requires(Capability.EDIT_REGISTRY)
def discard_view(request: HttpRequest) -> HttpResponse:
    pending = waiting(request) if request.method == "POST" else None
    if pending is not None:
        discard(pending)
        request.session.pop(SESSION, None)
        messages.info(request, tr(DISCARDED, request.lang))
    return redirect("transfer:import")
