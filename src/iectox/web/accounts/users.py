"""Accounts, for administrators: each user's role, language, centres and whether they may sign in; a new
password is random and shown once (nobody types or chooses one here)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from iectox.i18n import LANGUAGES, N_, tr
from iectox.web.accounts.access import requires
from iectox.web.accounts.making import new_password
from iectox.web.accounts.models import Centre, User
from iectox.web.accounts.roles import ROLES, Capability

ADMINISTER = Capability.ADMINISTER_USERS


class AccountForm(forms.Form):
    """An account's settings, with the words of the page's language."""

    def __init__(self, lang: str, *args: Any, new: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if new:
            self.fields["username"] = forms.SlugField(label=tr("User name", lang), max_length=150)
        self.fields["role"] = forms.ChoiceField(
            label=tr("Role", lang), choices=[(role.id, tr(role.label, lang)) for role in ROLES.values()]
        )
        self.fields["language"] = forms.ChoiceField(
            label=tr("Language", lang), choices=[(x, x) for x in LANGUAGES]
        )
        self.fields["centres"] = forms.CharField(
            label=tr("Centres", lang),
            required=False,
            help_text=tr("Centre codes as written in the patients table, separated by commas.", lang),
        )
        self.fields["active"] = forms.BooleanField(
            label=tr("May sign in", lang), required=False, initial=True
        )
        for field in self.fields.values():
            field.error_messages["required"] = tr("This field is required.", lang)
        self.lang = lang

    def clean_username(self) -> str:
        name = self.cleaned_data["username"]
        if User.objects.filter(username=name).exists():
            raise forms.ValidationError(tr(N_("This user name is taken."), self.lang))
        return name

    def centres(self) -> list[str]:
        return [code.strip() for code in self.cleaned_data.get("centres", "").split(",") if code.strip()]


def _save(user: User, form: AccountForm) -> None:
    with transaction.atomic():
        user.role, user.language = form.cleaned_data["role"], form.cleaned_data["language"]
        user.is_active = form.cleaned_data["active"]
        user.save()
        user.centres.set([Centre.objects.get_or_create(code=code)[0] for code in form.centres()])


@requires(ADMINISTER)
def users(request: HttpRequest) -> HttpResponse:
    accounts = User.objects.order_by("username").prefetch_related("centres")
    rows = [
        (u, tr(ROLES[u.role].label, request.lang) if u.role in ROLES else "", u.centre_codes())
        for u in accounts
    ]
    return render(request, "accounts/users.html", {"rows": rows})


@requires(ADMINISTER)
def new_user(request: HttpRequest) -> HttpResponse:
    form = AccountForm(request.lang, request.POST or None, new=True)
    if request.method == "POST" and form.is_valid():
        user, password = User(username=form.cleaned_data["username"]), new_password()
        user.set_password(password)
        _save(user, form)
        return render(request, "accounts/password.html", {"account": user, "password": password})
    return render(
        request, "accounts/user.html", {"form": form, "account": None}, status=422 if form.errors else 200
    )


@requires(ADMINISTER)
def edit_user(request: HttpRequest, user_id: int) -> HttpResponse:
    user = get_object_or_404(User, pk=user_id)
    initial = {
        "role": user.role,
        "language": user.language,
        "centres": ", ".join(user.centre_codes()),
        "active": user.is_active,
    }
    form = AccountForm(request.lang, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        _save(user, form)
        return render(request, "accounts/user.html", {"form": form, "account": user, "saved": True})
    return render(
        request, "accounts/user.html", {"form": form, "account": user}, status=422 if form.errors else 200
    )


@requires(ADMINISTER)
def reset_password(request: HttpRequest, user_id: int) -> HttpResponse:
    """A new random password, shown once (POST only: a link cannot change a password)."""
    user = get_object_or_404(User, pk=user_id)
    if request.method != "POST":
        return render(request, "accounts/user.html", {"form": None, "account": user, "confirm_reset": True})
    password = new_password()
    user.set_password(password)
    user.save(update_fields=["password"])
    return render(request, "accounts/password.html", {"account": user, "password": password})
