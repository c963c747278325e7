"""The Rich consoles every command prints through (errors go to stderr), and the one way to print text that
came from outside: a path, a cell, a sheet name, a message quoting any of them.

Rich reads `[...]` as markup, so a file called `x[/bold]y.xlsx` would end a style that was never opened and
crash the command; and a cell holding `\\x1b[2J` would reach the terminal raw and clear it. `literal` gives such
text as it is meant to be read: markup escaped, and every control character (C0, DEL, C1, and the Unicode
direction overrides that reorder what is shown) written out as its escape, e.g. `\\x1b`, `\\n`.
"""

from __future__ import annotations

import re

from rich.console import Console
from rich.markup import escape

console = Console()
err_console = Console(stderr=True)

CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _written_out(match: re.Match[str]) -> str:
    char = match.group(0)
    code = ord(char)
    return NAMED.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def visible(value: object) -> str:
    """`value` as text whose control characters are written out: for channels that read no markup (the
    messages of a bad option, which Typer prints as plain text)."""
    return CONTROL.sub(_written_out, str(value))


def literal(value: object) -> str:
    """`value` as Rich prints it literally: control characters written out, markup escaped. Every path, cell
    and message from data goes through it before it is put into a line that Rich reads as markup."""
    return escape(visible(value))
