"""How a cell's value appears in a message: never more than the cell, never a character the terminal obeys.

A message quotes the offending cell only, and at most `LONGEST` characters of it (a cell that swallowed the
rest of a file through an unterminated quote is not printed whole). Characters that are not seen but acted on
(control characters such as ESC, which starts terminal escape codes; zero-width and direction marks) are shown
as their code point, `<U+001B>`, so that what the user reads is what the cell holds and data never drives the
terminal.
"""

from __future__ import annotations

import unicodedata

from iectox.i18n import N_
from iectox.message import Message

LONGEST = 60
HIDDEN_CATEGORIES = ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")  # control, format, surrogate, unassigned...
SHORTENED = N_("{start}… ({length} characters)")


def _shown(char: str) -> str:
    if unicodedata.category(char) in HIDDEN_CATEGORIES:
        return f"<U+{ord(char):04X}>"
    return char


def visible(text: str) -> str:
    """`text` with every hidden or control character written as its code point (`CHU<U+0001>A`)."""
    if text.isprintable():
        return text
    return "".join(_shown(char) for char in text)


def excerpt(text: str) -> str:
    """The cell as a message quotes it: visible, and cut after `LONGEST` characters with its length said."""
    if len(text) <= LONGEST:
        return visible(text)
    return Message(SHORTENED, start=visible(text[:LONGEST]), length=len(text))


def short_name(text: str) -> str:
    """A header or a sheet name where a place is named (file, sheet, column): visible, cut with "…"."""
    shown = visible(text)
    return shown if len(shown) <= LONGEST else shown[:LONGEST] + "…"
