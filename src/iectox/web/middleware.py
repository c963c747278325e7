"""What every response carries: the user's language, and the headers that keep patient pages private."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import translation

from iectox.i18n import LANGUAGES

Handler = Callable[[HttpRequest], HttpResponse]

# No script, style, frame or form target from elsewhere: the pages are plain HTML and one CSS file of the site.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


def request_language(request: HttpRequest) -> str:
    """The signed-in user's language; before login, French when the browser prefers it, else English."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.language in LANGUAGES:
        return user.language
    accepted = request.headers.get("Accept-Language", "")
    first = accepted.split(",")[0].strip().lower()
    return "fr" if first.startswith("fr") else "en"


class UserLanguage:
    """Sets `request.lang` (for the `tr` tag and the library's messages) and Django's own language to it."""

    def __init__(self, get_response: Handler):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.lang = request_language(request)
        with translation.override(request.lang):
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.lang)
        return response


class PrivatePages:
    """Security headers on every response; pages shown to a signed-in user are never cached (a shared ward
    tablet keeps no patient page in its browser cache)."""

    def __init__(self, get_response: Handler):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response.headers["Cache-Control"] = "no-store, private"
        return response
