"""The pages of no particular area: home, and the refusals (forged CSRF token)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from iectox.i18n import N_
from iectox.web.accounts.access import signed_in
from iectox.web.accounts.roles import ROLES
from iectox.web.middleware import request_language


@signed_in
def home(request: HttpRequest) -> HttpResponse:
    role = ROLES.get(request.user.role)
    return render(request, "web/home.html", {"role": role})


def csrf_refused(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without its page's token (a forged request, or a page kept open past its session): refused,
    nothing saved (Django's CSRF_FAILURE_VIEW)."""
    message = N_(
        "This form was refused: it did not come from this site's page, or its page is too old. Nothing was "
        "saved; open the page again."
    )
    return render(request, "web/refused.html", {"message": message}, status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    """An unexpected error: a page in the user's language, no traceback (handler500)."""
    context = {"lang": request_language(request)}
    return HttpResponse(render_to_string("500.html", context), status=500)
