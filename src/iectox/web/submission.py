"""A form sent twice (a double tap on a ward tablet, a reload after a slow save) is saved once.

Each form carries a one-time token (`new_token`, a hidden field). The view that saves it calls `once` inside its
transaction: the first submission records the token with the page it led to; a second one finds the token taken
and is sent to that same page, saving nothing. The token's uniqueness in the database decides, so two
submissions racing each other cannot both pass.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.http import HttpRequest

from iectox.web.models import Submission

FIELD = "submission"


def new_token() -> str:
    return secrets.token_urlsafe(24)


def already_done(request: HttpRequest) -> str | None:
    """The page the first submission of this form led to, when the form was submitted before; else None."""
    token = request.POST.get(FIELD, "")
    done = Submission.objects.filter(token=token, user=request.user).first() if token else None
    return done.redirect_to if done else None


def once(request: HttpRequest, save: Callable[[], str]) -> tuple[str, bool]:
    """Run `save` (which returns the page to show next) unless this form's token was used; the page, and
    whether `save` ran. `save` and the token are committed together or not at all."""
    token = request.POST.get(FIELD, "") or new_token()
    try:
        with transaction.atomic():
            Submission.objects.create(token=token, user=request.user, redirect_to="")
            target = save()
            Submission.objects.filter(token=token).update(redirect_to=target)
    except IntegrityError:
        done = already_done(request)
        if done is None:
            raise
        return done, False
    return target, True
