"""A new observation's empty fields are rendered once per language and kept: the same HTML as Django renders for
each field of a fresh form, whatever the infusion; a form sent back with its values, or opened to correct an
observation, shows them."""

from __future__ import annotations

from importlib import import_module

import pytest

from iectox.web.bedside.forms import ObservationForm, now_text

FORMS = import_module("iectox.web.bedside.forms")


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_kept_widgets_are_those_django_renders(lang, monkeypatch):
    monkeypatch.setattr(FORMS, "_EMPTY_WIDGETS", {})
    for infusion in ("INF-001", "INF-002"):
        form = ObservationForm(infusion, lang, initial={"observed_at": now_text()})
        fresh = ObservationForm(infusion, lang, initial={"observed_at": form.initial["observed_at"]})
        shown = [(field.name, html) for _, fields in form.sections() for field, html in fields]
        assert shown == [(name, str(fresh[name])) for name, _ in shown]
    kept = FORMS._EMPTY_WIDGETS
    assert len(kept) == len(shown) - 1 and (lang, "observed_at") not in kept  # the time now is not kept
    assert 'value="yes" class="choice" id="id_hypotension_0">' in kept[(lang, "hypotension")]  # not checked
    assert 'value="" class="choice" id="id_hypotension_2" checked>' in kept[(lang, "hypotension")]


def test_a_form_with_values_shows_them_not_the_kept_widgets(monkeypatch):
    monkeypatch.setattr(FORMS, "_EMPTY_WIDGETS", {})
    ObservationForm("INF-001", "en").sections()  # every empty widget kept
    sent = ObservationForm("INF-001", "en", {"temperature_c": "38.6", "hypotension": "yes"})
    sent.is_valid()
    widgets = {field.name: html for _, fields in sent.sections() for field, html in fields}
    assert 'value="38.6"' in widgets["temperature_c"]
    assert 'value="yes" class="choice" id="id_hypotension_0" checked' in widgets["hypotension"]
    editing = ObservationForm("INF-001", "en", initial={"observed_at": "2024-03-03 10:00", "ice_score": "8"})
    widgets = {field.name: html for _, fields in editing.sections() for field, html in fields}
    assert 'value="8"' in widgets["ice_score"] and 'value="2024-03-03 10:00"' in widgets["observed_at"]
    assert widgets["temperature_c"] == FORMS._EMPTY_WIDGETS[("en", "temperature_c")]
