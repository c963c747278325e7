"""The pharmacy's forms: a new order, a move to the next step (with the administration's time at the last),
and a stock count. Each carries the one-time submission token, and a move or a count the version it was opened
on. Labels are in the user's language; the values are checked by the library where it has a rule (the
administration row), and here only for what a form must have (a step, a whole number of vials).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils import timezone

from iectox.i18n import N_, tr
from iectox.schema.vocabularies import REASON, ROUTE
from iectox.web.pharmacy.prescribing import REGIMENS
from iectox.web.pharmacy.workflow import STATUSES
from iectox.web.submission import FIELD, new_token

GIVEN_AT_HINT = "2024-03-06 14:30"
REQUIRED = N_("This field is required.")


def _token() -> forms.CharField:
    return forms.CharField(required=False, widget=forms.HiddenInput, initial=new_token())


def _choices(terms: Iterable[Any], lang: str) -> list[tuple[str, str]]:
    return [(term.code, tr(term.label, lang)) for term in terms]


class OrderForm(forms.Form):
    """A new order for one infusion: the regimen, the episode it treats (optional) and what it is for."""

    def __init__(self, lang: str, episodes: Iterable[tuple[str, str]], *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["regimen"] = forms.ChoiceField(
            label=tr("Regimen", lang),
            choices=[(key, tr(label, lang)) for key, (_, label) in REGIMENS.items()],
            error_messages={"required": tr(REQUIRED, lang)},
        )
        self.fields["episode"] = forms.ChoiceField(
            label=tr("Episode treated", lang), required=False, choices=[("", "—"), *episodes]
        )
        self.fields["reason"] = forms.ChoiceField(
            label=tr("Reason", lang),
            choices=_choices(REASON.terms, lang),
            error_messages={"required": tr(REQUIRED, lang)},
        )
        self.fields[FIELD] = _token()


class MoveForm(forms.Form):
    """A move of an order to `to`, from the version shown; the administration's time and route at the last."""

    def __init__(self, lang: str, *args: Any, administering: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["to"] = forms.ChoiceField(choices=[(s, s) for s in STATUSES], widget=forms.HiddenInput)
        self.fields["version"] = forms.IntegerField(required=False, widget=forms.HiddenInput)
        if administering:
            now = timezone.localtime().strftime("%Y-%m-%d %H:%M")
            self.fields["given_at"] = forms.CharField(
                label=tr("Given at", lang),
                initial=now,
                strip=False,
                help_text=tr("The ward's time the dose was given: 2024-03-06 14:30.", lang),
                widget=forms.TextInput(attrs={"placeholder": GIVEN_AT_HINT, "inputmode": "numeric"}),
                error_messages={"required": tr(REQUIRED, lang)},
            )
            self.fields["route"] = forms.ChoiceField(
                label=tr("Route", lang), choices=_choices(ROUTE.terms, lang), initial="IV"
            )
        self.fields[FIELD] = _token()


class CountForm(forms.Form):
    """The vials counted of each size, each with the version of its line (blank: never counted)."""

    def __init__(self, lang: str, sizes: Iterable[int], *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.sizes = tuple(sizes)
        for size in self.sizes:
            self.fields[f"vials_{size}"] = forms.IntegerField(
                label=tr("{mg} mg vials", lang).format(mg=size),
                min_value=0,
                max_value=100_000,
                error_messages={
                    "required": tr(REQUIRED, lang),
                    "invalid": tr("A whole number of vials.", lang),
                    "min_value": tr("A whole number of vials.", lang),
                    "max_value": tr("A whole number of vials.", lang),
                },
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
            )
            self.fields[f"version_{size}"] = forms.IntegerField(required=False, widget=forms.HiddenInput)
        self.fields[FIELD] = _token()

    def counts(self) -> dict[int, tuple[int, int | None]]:
        data = self.cleaned_data
        return {size: (data[f"vials_{size}"], data.get(f"version_{size}")) for size in self.sizes}
