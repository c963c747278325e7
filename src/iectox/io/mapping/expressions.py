"""The small language of a mapping file: `when` tests on source columns and `{Source Column}` templates,
parsed once when the mapping is read; and `Fail`, the error of a mapping file naming its key and value."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from iectox.errors import SpecError

OPERATORS = ("==", "!=", ">=", "<=", ">", "<")
_CONDITION = re.compile(
    r"^\s*(?:\{(?P<braced>[^{}]+)\}|(?P<bare>.+?))\s*(?P<op>==|!=|>=|<=|>|<)\s*(?P<value>.*?)\s*$"
)
_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


@dataclass(frozen=True)
class Condition:
    """One `when` test on a source column."""

    column: str
    op: str
    value: str

    def number(self) -> float | None:
        return float(self.value) if NUMBER.match(self.value) else None


@dataclass(frozen=True)
class Template:
    """A produced value: literal text and `{Source Column}` placeholders (a constant has none)."""

    parts: tuple[tuple[str, str | None], ...]  # (literal, column or None)

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(column for _, column in self.parts if column is not None)


@dataclass(frozen=True)
class Fail:
    """Builds the `SpecError` of a mapping file: the message names the file and the entry, and the error
    carries the key, the value and what is allowed, for programs."""

    path: Path

    def __call__(self, message: str, *, key: str, value: object = None, allowed: str = "") -> SpecError:
        return SpecError(
            f"{self.path}: {message}",
            file=str(self.path),
            key=key,
            value=value,
            allowed=(allowed,) if allowed else (),
        )


def parse_condition(text: str, where: str, fail: Fail) -> Condition:
    """`"<source column> <op> <value>"`; ordering operators need a number."""
    match = _CONDITION.match(text)
    # "g => 1" would otherwise read as column "g =": operator characters left over mean a mistyped operator.
    if (
        match is None
        or not match["value"]
        or match["value"][0] in "=<>!"
        or (match["bare"] or " ")[-1] in "=<>!"
    ):
        raise fail(
            f"{where} {text!r} is not '<source column> <op> <value>' (op: {' '.join(OPERATORS)})",
            key=where.replace(":", ""),
            value=text,
            allowed=f"'<source column> <op> <value>', op one of {' '.join(OPERATORS)}",
        )
    column = (match["braced"] or match["bare"]).strip()
    value = match["value"]
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        value = value[1:-1]
    condition = Condition(column, match["op"], value.strip())
    if condition.op not in ("==", "!=") and condition.number() is None:
        raise fail(
            f"{where} {text!r}: {condition.op} compares numbers, and {value!r} is not a number",
            key=where.replace(":", ""),
            value=text,
            allowed=f"a number after {condition.op}",
        )
    return condition


def parse_template(text: str, where: str, fail: Fail) -> Template:
    """Split a template into literal text and placeholders; a lone brace is a mistake, not a literal."""
    parts: list[tuple[str, str | None]] = []
    literal = ""
    position = 0
    for match in _TOKEN.finditer(text):
        literal += text[position : match.start()]
        position = match.end()
        token = match.group(0)
        if token in ("{{", "}}"):
            literal += token[0]
        elif match.group(1) is not None and match.group(1).strip():
            parts.append((literal, match.group(1).strip()))
            literal = ""
        else:
            raise fail(
                f"{where}: {text!r} has an unmatched or empty brace (write {{{{ or }}}} for a literal one)",
                key=where.replace(": column '", " columns ").rstrip("'"),
                value=text,
                allowed="text with {Source Column} placeholders ({{ and }} for literal braces)",
            )
    literal += text[position:]
    if literal or not parts:
        parts.append((literal, None))
    return Template(tuple(parts))
