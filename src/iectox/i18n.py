"""Words and numbers in the user's language: English, or French from the gettext catalog.

The English sentence is the message id (`tr("Median [IQR]", "fr")`); its French lives in
`iectox/locale/fr/LC_MESSAGES/iectox.po`, managed with Babel (`make messages`, docs/translation.md).
The runtime reads the `.po` itself with Babel's `read_po`, once per language and cached, rather than a
compiled `.mo`: the `.po` is then the only file to keep true, there is no build step to forget and no binary
that can lag behind its source, and reading a few hundred messages once costs a few milliseconds.
Fuzzy and empty translations are ignored, as gettext does, so a half-reviewed message shows in English.

French uses the decimal comma and a non-breaking space before % (typographie française).
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from functools import cache
from importlib import resources
from types import MappingProxyType

from babel.messages.pofile import read_po

LANGUAGES = ("en", "fr")
DOMAIN = "iectox"


def N_(message: str) -> str:
    """Marks an English message defined as data (a rule's message, a label) for the catalogs' extraction;
    it is translated where it is shown, with `tr`."""
    return message


@cache
def catalog(lang: str) -> Mapping[str, str]:
    """The translated messages of `lang` (English message -> translation); empty for English."""
    if lang == "en":
        return MappingProxyType({})
    path = resources.files("iectox").joinpath("locale", lang, "LC_MESSAGES", f"{DOMAIN}.po")
    with path.open("rb") as po:
        messages = read_po(po, locale=lang, domain=DOMAIN)
    return MappingProxyType(
        {m.id: m.string for m in messages if m.id and m.string and not m.fuzzy and isinstance(m.id, str)}
    )


def tr(text: str, lang: str) -> str:
    """The phrase in `lang`; grades ("Grade 2", "Grade >= 3") are translated by their words."""
    if lang == "en":
        return text
    words = catalog(lang)
    if text in words:
        return words[text]
    if text.startswith("Grade "):
        return words.get("Grade", "Grade") + text[len("Grade") :].replace(">=", "≥")
    return text


def language(explicit: str | None = None) -> str:
    """The user's language: `explicit` (a `--lang` option) if given, else `IECTOX_LANG`, else the locale
    (`LC_ALL`, `LC_MESSAGES`, `LANG`); French when it starts with "fr", English otherwise."""
    if explicit:
        return explicit
    for name in ("IECTOX_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value:
            return "fr" if value.lower().startswith("fr") else "en"
    return "en"


def number(value: float, digits: int, lang: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    text = f"{value:.{digits}f}"
    return text.replace(".", ",") if lang == "fr" else text


def percent(value: float, digits: int, lang: str) -> str:
    text = number(value, digits, lang)
    return f"{text}\u00a0%" if lang == "fr" else f"{text}%"


def p_value(p: float | None, digits: int, lang: str) -> str:
    """p with `digits` decimals; below the smallest printable value, a bound ("<0.001")."""
    if p is None or math.isnan(p):
        return ""
    floor = 10.0**-digits
    if p < floor:
        return "<" + number(floor, digits, lang)
    return number(p, digits, lang)
