"""The export pages: the dataset of the user's centres (or one of them) as a file; its de-identified copy for
sharing outside the hospital (data managers and administrators); the log of exports and imports (the audit
trail's readers).

Every role may export (`Capability.VIEW_REGISTRY`): an export holds exactly what the user may already read on
screen, the patients of their centres under their pseudonymous codes, and each one is logged. A de-identified
copy is made for sending outside the hospital under a data agreement, which is the data manager's task
(`Capability.EDIT_REGISTRY`: data managers and administrators).
"""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from iectox.errors import DatasetInvalid
from iectox.i18n import N_, tr
from iectox.web.accounts.access import requires
from iectox.web.accounts.roles import Capability
from iectox.web.transfer.exporting import FORMATS, Download, export_dataset, export_deidentified
from iectox.web.transfer.models import Export, Import
from iectox.web.transfer.preview import issue_rows

NOT_YOURS = N_("{centre} is not one of your centres.")
CHOOSE_FORMAT = N_("Choose a file format.")
INVALID = N_("The registry's rows of these patients are not valid as a dataset: nothing was exported.")
LOGGED = 200  # entries of each log shown, newest first


def _centre(request: HttpRequest) -> tuple[str | None, str]:
    """The centre asked for ("" for all the user's centres), or an error."""
    centre = request.POST.get("centre", "")
    if centre and centre not in request.user.centre_codes():
        return None, tr(NOT_YOURS, request.lang).format(centre=centre)
    return centre, ""


def _page(request: HttpRequest, template: str, status: int = 200, **extra: Any) -> HttpResponse:
    user = request.user
    context = {
        "area": "transfer",
        "centres": user.centre_codes(),
        "can_import": user.can(Capability.EDIT_REGISTRY),
        "can_read_log": user.can(Capability.VIEW_AUDIT),
        **extra,
    }
    return render(request, template, context, status=status)


def _download(download: Download) -> FileResponse:
    return FileResponse(download.handle, as_attachment=True, filename=download.name)


def _invalid(request: HttpRequest, template: str, error: DatasetInvalid) -> HttpResponse:
    return _page(
        request, template, 409, error=tr(INVALID, request.lang), issues=issue_rows(error.issues, request.lang)
    )


@requires(Capability.VIEW_REGISTRY)
def index(request: HttpRequest) -> HttpResponse:
    return _page(request, "transfer/index.html")


@requires(Capability.VIEW_REGISTRY)
def export(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return redirect("transfer:index")
    centre, error = _centre(request)
    file_format = request.POST.get("format", "")
    if not error and file_format not in FORMATS:
        error = tr(CHOOSE_FORMAT, request.lang)
    if centre is None or error:
        return _page(request, "transfer/index.html", 400, error=error)
    try:
        return _download(export_dataset(request.user, centre or None, file_format))
    except DatasetInvalid as invalid:
        return _invalid(request, "transfer/index.html", invalid)


@requires(Capability.EDIT_REGISTRY)
def deidentified(request: HttpRequest) -> HttpResponse:
    template = "transfer/deidentified.html"
    if request.method != "POST":
        return _page(request, template)
    centre, error = _centre(request)
    if centre is None:
        return _page(request, template, 400, error=error)
    try:
        return _download(
            export_deidentified(request.user, centre or None, request.POST.get("code_centres") == "yes")
        )
    except DatasetInvalid as invalid:
        return _invalid(request, template, invalid)


def _shared(entry_centres: str, centres: set[str]) -> bool:
    return bool(centres & {c.strip() for c in entry_centres.split(",")})


@requires(Capability.VIEW_AUDIT)
def log(request: HttpRequest) -> HttpResponse:
    """Exports and committed imports that concern the reader's centres, newest first."""
    centres = set(request.user.centre_codes())
    exports = [e for e in Export.objects.select_related("user")[:LOGGED] if _shared(e.centres, centres)]
    imports = Import.objects.select_related("user").filter(status=Import.COMMITTED)[:LOGGED]
    lang = request.lang
    context = {
        "exports": [{"entry": e, "kind": tr(e.get_kind_display(), lang)} for e in exports],
        "imports": [
            {"entry": i, "changes": _changes(i.changes)} for i in imports if _shared(i.centres, centres)
        ],
    }
    return _page(request, "transfer/log.html", **context)


def _changes(counts: dict[str, dict[str, int]]) -> list[tuple[str, dict[str, int]]]:
    return [(table, n) for table, n in counts.items() if any(n.values())]
