"""Signing in and out, and the user's choice of language."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import views as auth
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from iectox.i18n import LANGUAGES, N_, tr
from iectox.web.accounts.access import public, signed_in


class SignInForm(AuthenticationForm):
    """Django's sign-in form with its words from the iectox catalogs, in the language of the page."""

    def __init__(self, request: HttpRequest | None = None, *args: Any, **kwargs: Any):
        super().__init__(request, *args, **kwargs)
        lang = getattr(request, "lang", "en")
        self.fields["username"].label = tr("User name", lang)
        self.fields["password"].label = tr("Password", lang)
        self.error_messages = {
            "invalid_login": tr("Wrong user name or password.", lang),
            "inactive": tr("This account is disabled.", lang),
        }
        for field in self.fields.values():
            field.error_messages["required"] = tr("This field is required.", lang)
        self.fields["username"].widget = forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "username"}
        )


sign_in = public(auth.LoginView.as_view(template_name="accounts/login.html", authentication_form=SignInForm))
sign_out = signed_in(auth.LogoutView.as_view())


@signed_in
@require_POST
def language(request: HttpRequest) -> HttpResponse:
    """The user's language, kept with their account; back to the page they were on."""
    chosen = request.POST.get("language", "")
    if chosen not in LANGUAGES:
        return HttpResponseBadRequest(tr(N_("Unknown language."), request.lang))
    request.user.language = chosen
    request.user.save(update_fields=["language"])
    target = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure())
    return redirect(target if safe and target else "home")
