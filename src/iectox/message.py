"""An English sentence kept as data: its template (marked with `N_` where it is written) and its values.

    reason = Message(N_("{shape}, smallest expected count {smallest:.2f}"), shape=..., smallest=14.364)
    reason == "2 x 2 table, smallest expected count 14.36"    # the English, as before
    reason.text("fr")                                         # "tableau 2 x 2, plus petit effectif attendu 14,36"

A `Message` is the English string itself (a `str`), so code, tests and report.json that read the English
keep reading it unchanged; a renderer asks for `text(lang)`, which translates the template and fills it with
the same values, French decimal commas included. Building the sentence with an f-string would leave nothing
to translate but the finished English.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from iectox.i18n import tr


class _Decimal(float):
    """A number that formats with the decimal comma (`{x:.2f}` -> "14,36")."""

    def __format__(self, spec: str) -> str:
        return format(float(self), spec).replace(".", ",")


def _value(name: str, value: object, lang: str) -> object:
    """A value as shown in `lang`: a nested message in `lang`, English words (a `_text` value) translated,
    a number with the language's decimal mark."""
    if isinstance(value, Message):
        return value.text(lang)
    if isinstance(value, str):
        return tr(value, lang) if name.endswith("_text") else value
    if lang == "fr" and isinstance(value, float):
        return _Decimal(value)
    return value


class Message(str):
    """The English sentence `template.format(**values)`, which remembers its template and values."""

    template: str
    values: Mapping[str, object]

    def __new__(cls, template: str, /, **values: object) -> Message:
        english = template.format(**values)
        message = super().__new__(cls, english)
        message.template = template
        message.values = MappingProxyType(dict(values))
        return message

    def __getnewargs_ex__(self) -> tuple[tuple[str], dict[str, object]]:
        return (self.template,), dict(self.values)

    def __getstate__(self) -> None:
        return None

    def text(self, lang: str) -> str:
        """The sentence in `lang`: the template's translation filled with the values."""
        return str(self) if lang == "en" else fill(self.template, self.values, lang)

    def record(self) -> dict[str, object]:
        """The template and its values, for report.json beside the English sentence."""
        return {
            "template": self.template,
            "values": {k: str(v) if isinstance(v, Message) else v for k, v in self.values.items()},
        }


def fill(template: str, values: Mapping[str, object], lang: str) -> str:
    """`template` in `lang`, filled with `values` as shown in `lang`: the one way a sentence kept as data
    (a `Message`, an `Issue`, a refusal) is made in a language."""
    return tr(template, lang).format(**{k: _value(k, v, lang) for k, v in values.items()})


def shown(message: str, lang: str) -> str:
    """Any message in `lang`: a `Message` by its template, a plain English string by the catalog."""
    return message.text(lang) if isinstance(message, Message) else tr(message, lang)
