"""The language every command speaks: help texts, messages and the `--lang` option they share.

Help texts are in the environment's language (`IECTOX_LANG`, else `LC_ALL`/`LC_MESSAGES`/`LANG` starting
with "fr": French), read once when the command starts, since Typer builds the help before it parses any
option. A command's messages are in its `--lang` when it has one, else in that same language.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Annotated

import typer

from iectox.cli.console import visible
from iectox.errors import SpecError
from iectox.i18n import LANGUAGES, language, tr

HELP_LANG = language()


def say(message: str, lang: str = HELP_LANG, **values: object) -> str:
    """`message` in `lang`, its {placeholders} filled with `values`."""
    return tr(message, lang).format(**values)


def checked_option(
    check: Callable[[str], object], value: str, option: str, message: str, lang: str, /, **values: object
) -> None:
    """`check(value)`, whose `SpecError` is the option's usage error: `message` (marked with `N_` by the
    caller) in `lang`, filled with `values` (positional-only parameters: a placeholder may be named `value`),
    so that an export command names the option instead of showing a traceback."""
    try:
        check(value)
    except SpecError as exc:
        raise typer.BadParameter(say(message, lang, **values), param_hint=option) from exc


def chosen_language(lang: str | None) -> str:
    """The language of a command's output: its `--lang`, else the environment's; refuses other languages."""
    chosen = language(lang)
    if chosen not in LANGUAGES:  # {lang} is a placeholder here, not say's language: tr, then format
        message = tr("'{lang}' is not one of {languages}", HELP_LANG)
        raise typer.BadParameter(
            message.format(lang=visible(chosen), languages=", ".join(LANGUAGES)), param_hint="--lang"
        )
    return chosen


LangOption = Annotated[
    str | None,
    typer.Option(
        "--lang",
        help=say(
            "Language of the output: {languages} (default: IECTOX_LANG, else LANG).",
            languages=", ".join(LANGUAGES),
        ),
    ),
]


def decimal_number(text: str | float) -> float:
    """A number typed as a French or an English speaker types it: 72.5 or 72,5 (the decimal comma is accepted
    here as it is in the data); anything else, infinity and NaN included, is a bad option value. (An option's
    default arrives as a number.)"""
    written = str(text).strip()
    if written.count(",") == 1 and "." not in written:
        written = written.replace(",", ".")
    try:
        value = float(written)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise typer.BadParameter(say("'{text}' is not a number (e.g. 72.5 or 72,5)", text=text))
    return value
