"""The nurses' observation form: the observations table's columns in short sections (when, temperature, blood
pressure, oxygen, neurology), large inputs, yes/no as buttons to tap.

It is the registry's form of the observations table (`registry.forms.RecordForm`: text checked by the library,
its issues at their fields in the user's language; one about the infusion above the form), for one infusion:
the infusion is the page's, never a field.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from iectox.i18n import N_, tr
from iectox.schema import Kind
from iectox.web.registry.forms import RecordForm
from iectox.web.registry.tables import PAGES

OBSERVATIONS = PAGES["observations"]
LABELS = {
    "observed_at": N_("Time of the observation"),
    "temperature_c": N_("Highest temperature (°C)"),
    "antipyretic_or_anticytokine_given": N_("Antipyretic, tocilizumab or corticosteroid already given"),
    "hypotension": N_("Hypotension"),
    "vasopressors": N_("Vasopressors running (vasopressin not counted)"),
    "vasopressin": N_("Vasopressin running"),
    "oxygen_device": N_("Oxygen device"),
    "oxygen_l_min": N_("Oxygen flow (L/min)"),
    "ice_score": N_("ICE score (0-10)"),
    "capd_score": N_("CAPD score (children, 0-32)"),
    "consciousness": N_("Consciousness"),
    "seizure": N_("Seizure"),
    "motor_weakness": N_("Deep focal motor weakness"),
    "cerebral_edema": N_("Raised intracranial pressure / cerebral oedema"),
    "hypotension_cause": N_("Hypotension due to another cause than CRS"),
    "oxygen_cause": N_("Oxygen or ventilation for another cause than CRS"),
    "sedated": N_("Sedating medication at the time of the assessment"),
}
SECTIONS = (
    (N_("When"), ("observed_at",)),
    (N_("Temperature"), ("temperature_c", "antipyretic_or_anticytokine_given")),
    (N_("Blood pressure"), ("hypotension", "vasopressors", "vasopressin", "hypotension_cause")),
    (N_("Oxygen"), ("oxygen_device", "oxygen_l_min", "oxygen_cause")),
    (N_("Neurology"), ("ice_score", "capd_score", "consciousness", "sedated")),
    (N_("Other neurological signs"), ("seizure", "motor_weakness", "cerebral_edema")),
)
NOT_RECORDED = N_("Not recorded")
HELPED = ("observed_at", "oxygen_device", "antipyretic_or_anticytokine_given")  # others: the label says it
_EMPTY_WIDGETS: dict[tuple[str, str], str] = {}  # (language, field) -> an empty field's widget, as rendered


def now_text() -> str:
    """The ward's wall-clock time now, to the minute, as a nurse would type it."""
    return timezone.localtime().strftime("%Y-%m-%d %H:%M")


class ObservationForm(RecordForm):
    """One observation of the infusion `infusion_id`."""

    def __init__(self, infusion_id: str, lang: str, *args: Any, **kwargs: Any):
        super().__init__(OBSERVATIONS, lang, *args, **kwargs)
        self.infusion_id = infusion_id
        del self.fields["infusion_id"]
        for name, field in self.fields.items():
            if name not in LABELS:
                continue
            field.label = tr(LABELS[name], lang)
            field.help_text = field.help_text if name in HELPED else ""
            if OBSERVATIONS.table.column(name).kind is Kind.BOOLEAN:
                choices = [("yes", tr("Yes", lang)), ("no", tr("No", lang)), ("", tr(NOT_RECORDED, lang))]
                field.widget = forms.RadioSelect(choices=choices, attrs={"class": "choice"})

    def typed(self) -> dict[str, str]:
        return {**super().typed(), "infusion_id": self.infusion_id}

    def sections(self) -> list[tuple[str, list[tuple[forms.BoundField, str]]]]:
        """The visible fields with their widget's HTML, section by section, with each section's title in the
        form's language."""
        return [
            (tr(title, self.lang), [(self[name], self._widget_html(self[name])) for name in names])
            for title, names in SECTIONS
        ]

    def _widget_html(self, field: forms.BoundField) -> str:
        """The field's widget. A field without a value in a form not sent (a new observation's) has the same
        HTML for every infusion: it is rendered once per language and kept (Django renders a widget through
        its templates: 4 ms for this form's 17, a tenth of the page)."""
        if self.is_bound or self.initial.get(field.name) not in (None, "") or field.field.initial is not None:
            return str(field)
        key = (self.lang, field.name)
        if key not in _EMPTY_WIDGETS:
            _EMPTY_WIDGETS[key] = str(field)
        return _EMPTY_WIDGETS[key]
