"""Template tags of every page (a builtin: no `{% load %}` needed).

    {% tr "Patients" %}                               the catalog's words in the page's language
    {% tr "Version {version} of {code}" version=record.version code=record.code %}
    {% tr entry.label %}                              a message held in a variable (marked N_ where defined)
    {{ issue|said:lang }}                             an `Issue` (or a library `Message`) in the page's language

`make messages` finds the literal messages of `{% tr "..." %}` in templates (`iectox.web.babel`).
"""

from __future__ import annotations

from typing import Any

from django import template

from iectox.i18n import tr as translate
from iectox.message import fill, shown

register = template.Library()


@register.simple_tag(name="tr", takes_context=True)
def tr(context: template.Context, message: Any, **values: Any) -> str:
    lang = context.get("lang", "en")
    return fill(str(message), values, lang) if values else translate(str(message), lang)


@register.filter
def said(issue: Any, lang: str) -> str:
    """An issue, error or message of the library, as a sentence in `lang`."""
    if hasattr(issue, "text"):
        return issue.text(lang)
    return shown(issue, lang)
