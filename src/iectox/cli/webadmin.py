"""`iectox web-admin ARGS`: the web application's management commands, as Django's `manage.py ARGS`
(`migrate`, `check --deploy`, `adduser NAME --role ROLE --centre CODE`, `demo`, `createsuperuser`...)."""

from __future__ import annotations

from typing import Annotated

import typer

from iectox.cli.language import say
from iectox.web.admin import manage


def web_admin(
    ctx: typer.Context,
    args: Annotated[
        list[str] | None, typer.Argument(help=say("The management command and its arguments."))
    ] = None,
) -> None:
    manage([*(args or []), *ctx.args])
