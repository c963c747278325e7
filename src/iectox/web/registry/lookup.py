"""Finding a record by the code in its URL, among the user's centres only; and whether a deleted record's trail
belongs to them."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from iectox.web.accounts.access import visible
from iectox.web.registry.models import Infusion, Patient, Record
from iectox.web.registry.tables import TablePage


def record_of(page: TablePage, key: str | int, user: Any) -> Record:
    """The record of `page` with this code (number, for observations), if it is of the user's centres: a record
    of another centre is "not found", as one that does not exist."""
    found = visible(page.model.objects.all(), user).filter(**{page.key or "pk": key}).first()
    if found is None:
        raise Http404(key)
    return found


def _last(model: type[Record], **where: object) -> Any:
    live = model.objects.filter(**where).first()
    return live or model.history.filter(**where).order_by("-history_date", "-history_id").first()


def trail_centre(page: TablePage, row: Any) -> str | None:
    """The centre a record belonged to, from its last history row: through its infusion and its patient, as
    they are or as they last were when deleted too."""
    if page.id not in ("patients", "infusions"):
        row = _last(Infusion, infusion_id=row.infusion_id)
    if row is not None and not hasattr(row, "centre"):
        row = _last(Patient, patient_id=row.patient_id)
    return None if row is None else row.centre


def may_read_trail(page: TablePage, rows: Any, user: Any) -> bool:
    last = rows.last()
    return last is not None and trail_centre(page, last) in user.centre_codes()
