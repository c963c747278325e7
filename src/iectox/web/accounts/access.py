"""The one access API of the application: every view declares what it needs, every query is centre-filtered.

    @requires(Capability.VIEW_REGISTRY)
    def patient_list(request):
        patients = visible(Patient.objects.all(), request.user)

    class OrderQueue(Required, TemplateView):
        capability = Capability.MANAGE_PHARMACY

    @public            # the login page only
    @signed_in         # any signed-in user (the home page, logout)

A view without a declaration fails tests/web/test_urls_anonymous.py, and the role matrix test opens every URL
with every role and expects a refusal (403) exactly where the role lacks the view's capability. An anonymous
request is sent to the login page. A model says how its rows reach a patient's centre with `centre_path`
(`"centre"` for patients, `"infusion__patient__centre"` for an episode), and `visible` keeps only the rows of
the user's centres: a URL of another centre's record is then "not found".
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, ClassVar, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from iectox.i18n import N_
from iectox.web.accounts.roles import Capability

View = TypeVar("View", bound=Callable[..., HttpResponse])
M = TypeVar("M", bound=Model)
SIGNED_IN = "signed_in"  # the declaration of a view open to every signed-in user, whatever their role


def refused(request: HttpRequest, capability: Capability | str) -> HttpResponse:
    """The page a signed-in user sees when their role does not grant what the page needs (403)."""
    context = {"message": N_("Your role does not allow this page."), "capability": str(capability)}
    return render(request, "web/refused.html", context, status=403)


def allowed(request: HttpRequest, capability: Capability | str) -> HttpResponse | None:
    """None when the request may proceed; else the login redirect (anonymous) or the refusal (role)."""
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if capability != SIGNED_IN and not user.can(capability):
        return refused(request, capability)
    return None


def requires(capability: Capability | str) -> Callable[[View], View]:
    """A function view open to the users whose role grants `capability` (or `SIGNED_IN`: to every user)."""

    def decorate(view: View) -> View:
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            return allowed(request, capability) or view(request, *args, **kwargs)

        guarded.capability = capability  # type: ignore[attr-defined]
        return guarded  # type: ignore[return-value]

    return decorate


signed_in = requires(SIGNED_IN)


def public(view: View) -> View:
    """A view open without login (the login page): declared, so that the URL tests know it on purpose."""
    view.public = True  # type: ignore[attr-defined]
    return view


class Required:
    """The mixin of class-based views: `capability` checked before any method runs."""

    capability: ClassVar[Capability | str]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return allowed(request, self.capability) or super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


def declared(view: Callable[..., Any]) -> Capability | str | None:
    """What a resolved view needs: its capability, `SIGNED_IN`, "public", or None when it declares nothing."""
    if getattr(view, "public", False):
        return "public"
    cls = getattr(view, "view_class", None)
    return getattr(view, "capability", None) or getattr(cls, "capability", None)


def visible(queryset: QuerySet[M], user: Any) -> QuerySet[M]:
    """The rows of `queryset` that belong to patients of the user's centres (its model's `centre_path`)."""
    path = queryset.model.centre_path
    return queryset.filter(**{f"{path}__in": user.centres.values("code")})
