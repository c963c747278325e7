"""What every template knows: the page's language and the navigation the user's role allows."""

from __future__ import annotations

from django.http import HttpRequest

from iectox.web.navigation import menu


def page(request: HttpRequest) -> dict[str, object]:
    lang = getattr(request, "lang", "en")
    return {"lang": lang, "menu": menu(request.user, lang)}
