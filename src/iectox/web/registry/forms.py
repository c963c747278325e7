"""The form of a registry table, made from the contract: one text field per column, checked by the library.

The fields accept any text (a French decimal comma, "oui", a date alone for "hour not recorded"): reading and
checking it is the library's job (`checking.check`), whose issues are put at their fields in the user's
language. The widgets only help typing: a list of the vocabulary's labels, a date picker, a numeric keyboard.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import forms

from iectox.errors import Issue
from iectox.i18n import tr
from iectox.schema import Column, Kind
from iectox.validate.record import RecordCheck
from iectox.web.registry.tables import TablePage
from iectox.web.submission import FIELD, new_token

BLANK = ("", "—")
DATETIME_HINT = "2024-03-06 14:30"


def _widget(column: Column, lang: str, choices: Iterable[str] | None) -> forms.Widget:
    if choices is not None:
        return forms.Select(choices=[BLANK, *((code, code) for code in choices)])
    if column.vocabulary is not None:
        labels = [(term.code, tr(term.label, lang)) for term in column.vocabulary.terms]
        return forms.Select(choices=[BLANK, *labels])
    if column.kind is Kind.BOOLEAN:
        return forms.Select(choices=[BLANK, ("yes", tr("Yes", lang)), ("no", tr("No", lang))])
    if column.kind is Kind.DATE:
        return forms.DateInput(attrs={"type": "date"})
    if column.kind is Kind.DATETIME:
        return forms.TextInput(attrs={"placeholder": DATETIME_HINT, "inputmode": "numeric"})
    if column.kind in (Kind.INTEGER, Kind.NUMBER):
        return forms.TextInput(attrs={"inputmode": "decimal" if column.kind is Kind.NUMBER else "numeric"})
    return forms.TextInput(attrs={"autocomplete": "off"})


def _help(column: Column, lang: str) -> str:
    unit = f" ({column.unit})" if column.unit else ""
    hint = tr(" A date alone when the hour was not recorded.", lang) if column.kind is Kind.DATETIME else ""
    return tr(column.description, lang) + unit + hint


class RecordForm(forms.Form):
    """The columns of `page`'s table, the record's `version` and the form's one-time token.

    `choices`: columns whose values are limited to a list (the patient's centre: the user's centres)."""

    def __init__(
        self,
        page: TablePage,
        lang: str,
        *args: Any,
        editing: bool = False,
        choices: Mapping[str, Iterable[str]] | None = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.page, self.lang = page, lang
        for column in page.table.columns:
            field = forms.CharField(
                label=column.name,
                required=False,
                strip=False,
                help_text=_help(column, lang),
                widget=_widget(column, lang, (choices or {}).get(column.name)),
            )
            field.contract_required = column.required
            field.disabled = editing and column.name == page.key  # a code is its record's identity
            self.fields[column.name] = field
        self.fields["version"] = forms.IntegerField(required=False, widget=forms.HiddenInput)
        self.fields[FIELD] = forms.CharField(required=False, widget=forms.HiddenInput, initial=new_token())

    def typed(self) -> dict[str, str]:
        """What the user typed in each column (the stored code for a column they cannot change)."""
        return {column.name: self.cleaned_data.get(column.name) or "" for column in self.page.table.columns}

    def show(self, result: RecordCheck) -> None:
        """The library's issues at their fields, in the user's language; the ones elsewhere above the form."""
        for issue in result.errors():
            self.add_error(issue.column if issue.column in self.fields else None, issue.text(self.lang))
        for other in result.elsewhere:
            where = f"{other.table} {other.key}" if other.key else other.table
            self.add_error(None, f"{where}, {other.issue.column}: {other.issue.text(self.lang)}")

    def refuse(self, column: str | None, message: str) -> None:
        self.add_error(column, message)


def warnings(issues: Iterable[Issue], lang: str) -> list[str]:
    return [f"{issue.column}: {issue.text(lang)}" for issue in issues if issue.severity != "error"]
