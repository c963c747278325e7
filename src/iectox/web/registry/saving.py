"""Saving and deleting a record without losing anyone's update.

Every record has a `version`. An edit or a deletion names the version its form was opened on; the database
raises the version only if it is still that one (`UPDATE ... WHERE version = v`, one statement, so two people
saving together cannot both pass). Otherwise the edit is refused with `Stale`, which carries the record as it is
now: the page shows from its history what the other person changed since the form was opened, and keeps what
this person typed, to be saved again on purpose.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from django.db.models import F, ProtectedError

from iectox.web.registry.models import Record
from iectox.web.registry.records import model_values


class Stale(Exception):
    """The record changed (or was deleted: `current` is None) since the form was opened at `version`."""

    def __init__(self, current: Record | None, version: int | None):
        super().__init__(f"record changed since version {version}")
        self.current, self.version = current, version


class Protected(Exception):
    """A record that others refer to (a patient with infusions) is not deleted; `codes` name the others."""

    def __init__(self, codes: list[str]):
        super().__init__(", ".join(codes))
        self.codes = codes


def _claim(record: Record, version: int | None) -> Record:
    """The record at its next version, when it is still at `version`; else `Stale`."""
    model = type(record)
    if version is None or not model.objects.filter(pk=record.pk, version=version).update(
        version=F("version") + 1
    ):
        raise Stale(model.objects.filter(pk=record.pk).first(), version)
    return model.objects.get(pk=record.pk)


def create(model: type[Record], values: Mapping[str, object]) -> Record:
    record = model(**model_values(model.contract.name, values))
    record.save()
    return record


def update(record: Record, version: int | None, values: Mapping[str, object]) -> Record:
    """Save `values` on `record` if nobody saved it since `version` (call inside a transaction)."""
    claimed = _claim(record, version)
    for name, value in model_values(type(record).contract.name, values).items():
        setattr(claimed, name, value)
    claimed.save()
    return claimed


def delete(record: Record, version: int | None) -> None:
    """Delete `record` if nobody saved it since `version`; refused while other records refer to it."""
    claimed = _claim(record, version)
    try:
        with transaction.atomic():
            claimed.delete()
    except ProtectedError as error:
        raise Protected(sorted(str(other) for other in error.protected_objects)) from error
