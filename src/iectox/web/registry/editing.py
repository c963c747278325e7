"""Creating, editing and deleting a registry record: the library checks it, nobody's update is lost, and a
form sent twice saves once.

- The form's text goes to the library (`checking.check`): its issues are shown at their fields in the user's
  language (status 422) and nothing is stored; its warnings are shown after the save.
- An edit or deletion made on an older version is refused (`saving.Stale`, status 409) with the other person's
  changes shown; what the user typed stays in the form, now at the current version, to be saved on purpose.
- Every save runs in one transaction with the form's one-time token (`iectox.web.submission.once`): sent twice,
  it is saved once, and the second sending is shown the page the first led to.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from iectox.i18n import N_, tr
from iectox.web.accounts.access import requires
from iectox.web.registry import history, saving
from iectox.web.registry.checking import check
from iectox.web.registry.forms import RecordForm, warnings
from iectox.web.registry.lookup import record_of
from iectox.web.registry.models import Record
from iectox.web.registry.records import record_text
from iectox.web.registry.tables import TablePage
from iectox.web.submission import already_done, once

View = Callable[..., HttpResponse]
SAVED = N_("Saved.")
ALREADY = N_("This form had already been sent: it was saved once, nothing more.")
OUTSIDE_CENTRES = N_("You may only record patients of your centres: {centres}.")
DELETED_MEANWHILE = N_("This record was deleted by someone else meanwhile: nothing was saved.")
CHANGED_MEANWHILE = N_(
    "This record was changed by someone else since you opened it: it was not deleted. Check it, then delete it "
    "again."
)
STILL_REFERRED = N_("Not deleted: other records belong to it ({records}). Delete them first.")


def _detail(page: TablePage, record: Record) -> str:
    return reverse(f"registry:{page.id}-detail", kwargs={"key": record.code})


def _form(request: HttpRequest, page: TablePage, record: Record | None, data: Any = None) -> RecordForm:
    initial = {**record_text(record), "version": record.version} if record is not None else {}
    if record is None and page.parent:
        initial[page.parent] = request.GET.get(page.parent, "")
    choices = {"centre": request.user.centre_codes()} if page.id == "patients" else None
    return RecordForm(page, request.lang, data, editing=record is not None, initial=initial, choices=choices)


def _show(
    request: HttpRequest,
    page: TablePage,
    form: RecordForm,
    record: Record | None,
    status: int = 200,
    **extra: Any,
) -> HttpResponse:
    context = {"page": page, "form": form, "record": record, **extra}
    return render(request, "registry/form.html", context, status=status)


def _checked(request: HttpRequest, page: TablePage, form: RecordForm, record: Record | None) -> Any:
    """The library's verdict on the form, its issues put at the fields; None when it refuses."""
    form.is_valid()
    result = check(page, form.typed(), request.user, record)
    form.show(result)
    centres = request.user.centre_codes()
    if page.id == "patients" and form.typed().get("centre") and form.typed()["centre"] not in centres:
        form.refuse("centre", tr(OUTSIDE_CENTRES, request.lang).format(centres=", ".join(centres)))
    return result if result.ok and not form.errors else None


def _done(request: HttpRequest, target: str, ran: bool, notes: list[str]) -> HttpResponse:
    if ran:
        messages.success(request, tr(SAVED, request.lang))
        for note in notes:
            messages.warning(request, note)
    else:
        messages.info(request, tr(ALREADY, request.lang))
    return redirect(target)


def _stale(request: HttpRequest, page: TablePage, form: RecordForm, error: saving.Stale) -> HttpResponse:
    """The form again at the record's current version, with the user's text and the other person's changes."""
    if error.current is None:
        messages.error(request, tr(DELETED_MEANWHILE, request.lang))
        return redirect(f"registry:{page.id}-list")
    data = form.data.copy()
    data["version"] = str(error.current.version)
    again = _form(request, page, error.current, data)
    again.is_valid()
    trail = history.entries(page.model, history.trail(page.model, error.current.code))
    changes = [
        (entry, [(c.column, history.shown(c.old), history.shown(c.new)) for c in entry.changes])
        for entry in trail
        if entry.version > (error.version or 0)
    ]
    return _show(request, page, again, error.current, status=409, stale=changes)


def create_view(page: TablePage) -> View:
    @requires(page.edit)
    def create(request: HttpRequest) -> HttpResponse:
        if request.method != "POST":
            return _show(request, page, _form(request, page, None), None)
        done = already_done(request)
        if done:
            return _done(request, done, False, [])
        form = _form(request, page, None, request.POST)
        result = _checked(request, page, form, None)
        if result is None:
            return _show(request, page, form, None, status=422)
        target, ran = once(request, lambda: _detail(page, saving.create(page.model, result.values)))
        return _done(request, target, ran, warnings(result.issues, request.lang))

    return create


def edit_view(page: TablePage) -> View:
    @requires(page.edit)
    def edit(request: HttpRequest, key: str) -> HttpResponse:
        done = already_done(request) if request.method == "POST" else None
        if done:
            return _done(request, done, False, [])
        record = record_of(page, key, request.user)
        if request.method != "POST":
            return _show(request, page, _form(request, page, record), record)
        form = _form(request, page, record, request.POST)
        result = _checked(request, page, form, record)
        if result is None:
            return _show(request, page, form, record, status=422)
        version = form.cleaned_data.get("version")
        try:
            target, ran = once(request, lambda: _detail(page, saving.update(record, version, result.values)))
        except saving.Stale as error:
            return _stale(request, page, form, error)
        return _done(request, target, ran, warnings(result.issues, request.lang))

    return edit


def delete_view(page: TablePage) -> View:
    @requires(page.edit)
    def delete(request: HttpRequest, key: str) -> HttpResponse:
        done = already_done(request) if request.method == "POST" else None
        if done:
            return _done(request, done, False, [])
        record = record_of(page, key, request.user)
        if request.method != "POST":
            return render(
                request,
                "registry/delete.html",
                {"page": page, "record": record, "form": _form(request, page, record)},
            )
        version = request.POST.get("version", "")
        try:
            target, ran = once(
                request, lambda: _deleted(page, record, int(version) if version.isdigit() else None)
            )
        except saving.Stale as error:
            messages.error(request, tr(CHANGED_MEANWHILE, request.lang))
            return redirect(_detail(page, error.current) if error.current else f"registry:{page.id}-list")
        except saving.Protected as error:
            refusal = tr(STILL_REFERRED, request.lang).format(records=", ".join(error.codes))
            messages.error(request, refusal)
            return redirect(_detail(page, record))
        return _done(request, target, ran, [])

    return delete


def _deleted(page: TablePage, record: Record, version: int | None) -> str:
    saving.delete(record, version)
    return reverse(f"registry:{page.id}-list")
