"""An import from upload to commit: the pending upload of the user's session, what it would do, and its commit.

The preview is bound to the uploader and their session (the import's one-time token is kept in the session and
sent with the commit form), and to the file's checksum (the commit reads the file only if it is unchanged). A
commit reads and checks the file again, plans again against the registry as it is then, and applies the plan
only if its diff is the one the preview showed (`Plan.fingerprint`): exactly the changes shown, or nothing. It
runs in the caller's transaction with the form's one-time token (`iectox.web.submission.once`): a second commit
of the same preview stores nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from iectox.errors import SourceError
from iectox.i18n import N_, tr
from iectox.web.registry import saving
from iectox.web.submission import new_token
from iectox.web.transfer import uploads
from iectox.web.transfer.applying import apply_plan
from iectox.web.transfer.checking import Checked, check_upload
from iectox.web.transfer.models import Import
from iectox.web.transfer.planning import Plan, plan_import

SESSION = "transfer_import"
GONE = N_("The uploaded file is no longer the one that was checked (changed or deleted): upload it again.")
HAS_ERRORS = N_("The file has errors: nothing was stored. Correct them, then upload the file again.")
CHANGED = N_(
    "The registry changed since the preview: nothing was stored. Check the new preview, then commit again."
)
KEEP_INVALID = N_(
    "Keeping the rows missing from the file would leave these patients' records invalid: nothing was stored. "
    "Tick their deletion, or put them back in the file."
)
ALREADY = N_("This preview was already committed: nothing more was stored.")


class Refused(Exception):
    """A commit that stores nothing, and why (an English sentence marked with `N_`)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def text(self, lang: str) -> str:
        return tr(self.message, lang)


@dataclass(frozen=True)
class Examined:
    checked: Checked
    plan: Plan | None  # None when the file has an error

    @property
    def committable(self) -> bool:
        return self.plan is not None and not self.checked.errors and not self.plan.errors


def start(user: Any, upload: UploadedFile, kind: str, date_order: str) -> Import:
    """Keep the upload in a private folder, as the user's only pending import (an older one is discarded)."""
    for older in Import.objects.filter(user=user, status=Import.PENDING):
        discard(older)
    saved = uploads.save(upload, kind)
    return Import.objects.create(
        token=new_token(),
        user=user,
        kind=kind,
        size=saved.size,
        checksum=saved.checksum,
        date_order=date_order,
        folder=saved.folder,
    )


def waiting(request: HttpRequest) -> Import | None:
    """The pending import of this session's user, if not expired."""
    token = request.session.get(SESSION)
    if not token:
        return None
    pending = Import.objects.filter(token=token, user=request.user, status=Import.PENDING).first()
    if pending is not None and uploads.expired(pending):
        uploads.purge()
        return None
    return pending


def examine(pending: Import, user: Any) -> Examined:
    """The file checked by the library and planned against the registry; `Refused` when the file is no longer
    the one uploaded, `SourceError` when it cannot be read at all."""
    path = uploads.path_of(pending)
    if uploads.checksum(path) != pending.checksum:
        raise Refused(GONE)
    checked = check_upload(path, user, pending.date_order)
    plan = plan_import(checked.dataset, user) if checked.dataset is not None else None
    return Examined(checked, plan)


def commit(pending: Import, user: Any, delete_missing: bool, shown: str) -> dict[str, dict[str, int]]:
    """Apply the pending import if it still gives the diff `shown` (its fingerprint); call inside a
    transaction. Per table what was added, changed, deleted and kept; `Refused` when nothing may be stored."""
    if not Import.objects.filter(pk=pending.pk, status=Import.PENDING).update(status=Import.COMMITTED):
        raise Refused(ALREADY)
    try:
        examined = examine(pending, user)
    except SourceError:
        raise Refused(HAS_ERRORS) from None
    plan = examined.plan
    if plan is None or not examined.committable:
        raise Refused(HAS_ERRORS)
    if plan.fingerprint != shown:
        raise Refused(CHANGED)
    if plan.kept_errors and not delete_missing:
        raise Refused(KEEP_INVALID)
    try:
        with transaction.atomic():
            counts = apply_plan(plan, delete_missing)
    except (saving.Stale, saving.Protected, IntegrityError):
        raise Refused(CHANGED) from None
    pending.refresh_from_db()
    pending.finished_at = timezone.now()
    pending.patients, pending.centres = plan.patients, ", ".join(plan.centres)
    pending.deleted_missing, pending.changes = delete_missing, counts
    pending.save()
    transaction.on_commit(partial(uploads.remove, pending))
    return counts


def discard(pending: Import) -> None:
    """Delete the upload; nothing was stored."""
    uploads.remove(pending)
    pending.status, pending.finished_at = Import.DISCARDED, timezone.now()
    pending.save(update_fields=["status", "finished_at"])
