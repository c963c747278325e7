"""The registry's state moves with every committed write at once, and with a write that commits late (an earlier
id, an earlier time) once the history counts are read again (at most `COUNT_SECONDS` later)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from iectox.web.quality import state
from iectox.web.registry.models import Outcome, Patient

COLUMNS = ("id", "patient_id", "sex", "birth_year", "centre", "version")


def test_every_write_moves_the_state_at_once(registry):
    before = state.registry_state()
    assert state.registry_state() == before
    patient = Patient.objects.get(patient_id="P-001")
    patient.birth_year = 1962
    patient.save()
    edited = state.registry_state()
    assert edited != before
    Outcome.objects.get(infusion_id="INF-001").delete()
    assert state.registry_state() not in (before, edited)


def test_a_late_commit_of_an_earlier_id_is_seen_when_the_counts_are_read_again(registry, monkeypatch):
    trail = Patient.history.model
    last = trail.objects.order_by("-history_id").first()
    copied = {column: getattr(last, column) for column in COLUMNS}
    ahead = last.history_id + 100  # the last id jumps ahead: what a transaction that commits first leaves
    trail.objects.create(history_id=ahead, history_date=timezone.now(), history_type="~", **copied)
    state.forget_counts()
    seen = state.registry_state()
    earlier = last.history_date - dt.timedelta(seconds=1)  # an earlier id and time, committed later
    trail.objects.create(history_id=last.history_id + 50, history_date=earlier, history_type="~", **copied)
    assert state.registry_state() == seen  # the maxima did not move; the counts are those read a moment ago
    monkeypatch.setattr(state, "COUNT_SECONDS", 0.0)
    assert state.registry_state() != seen
