"""Every URL of the application: each area's `urls` module under its prefix.

tests/web walks this tree: every pattern must refuse an anonymous request, and every pattern is opened by every
role, so a new page is covered as soon as it is included here.
"""

from __future__ import annotations

from django.urls import include, path

from iectox.web.views import home

urlpatterns = [
    path("", home, name="home"),
    path("accounts/", include("iectox.web.accounts.urls")),
    path("registry/", include("iectox.web.registry.urls")),
    path("pharmacy/", include("iectox.web.pharmacy.urls")),
    path("quality/", include("iectox.web.quality.urls")),
    path("transfer/", include("iectox.web.transfer.urls")),
    path("bedside/", include("iectox.web.bedside.urls")),
]

handler500 = "iectox.web.views.server_error"
