"""Writing a study file: a document of sections, keys and the `[[tables]]` list, as TOML text.

Python reads TOML (`tomllib`) but does not write it, and a study file is small and regular: sections of
scalars, lists and inline tables, and the `[[tables]]` list. `toml_document` writes exactly that (a mapping
file too), so that `iectox init` and the tests produce files that `load_study` reads back to the same values.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from datetime import date

BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def _string(text: str) -> str:
    """A TOML basic string; every control character is escaped, as TOML requires."""
    escaped = "".join(
        ESCAPES.get(c) or (f"\\u{ord(c):04x}" if ord(c) < 0x20 or ord(c) == 0x7F else c) for c in text
    )
    return f'"{escaped}"'


def toml_key(key: str) -> str:
    return key if BARE_KEY.match(key) else _string(key)


def toml_value(value: object) -> str:
    """One TOML value: text, true/false, a number, a date, a list or an inline table of these."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        return repr(value) if math.isfinite(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        inner = ", ".join(f"{toml_key(str(k))} = {toml_value(v)}" for k, v in value.items())
        return f"{{ {inner} }}" if inner else "{}"
    if isinstance(value, Sequence):
        return f"[{', '.join(toml_value(v) for v in value)}]"
    raise TypeError(f"no TOML form for {value!r}")


def _lines(section: Mapping[str, object], comments: Mapping[str, str]) -> list[str]:
    """`key = value` lines; a list of inline tables is written one per line, as study files list variables."""
    lines = []
    for key, value in section.items():
        if isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
            lines += [f"{toml_key(key)} = [", *(f"  {toml_value(v)}," for v in value), "]"]
            continue
        line = f"{toml_key(key)} = {toml_value(value)}"
        lines.append(f"{line}   # {comments[key]}" if key in comments else line)
    return lines


def _array_of_tables(value: object) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, Mapping) for v in value)


def toml_document(
    document: Mapping[str, object], header: str = "", comments: Mapping[str, Mapping[str, str]] | None = None
) -> str:
    """`document` as a TOML file: its tables as `[section]`s, its lists of tables (a study's `tables`) as
    `[[section]]`s, other keys first. `header` is put first as comment lines; `comments` adds a comment after
    a key ({section: {key: comment}})."""
    comments = comments or {}
    out = [f"# {line}".rstrip() for line in header.splitlines()]
    sections = {k: v for k, v in document.items() if isinstance(v, Mapping)}
    arrays = {k: v for k, v in document.items() if _array_of_tables(v)}
    loose = {k: v for k, v in document.items() if k not in sections and k not in arrays}
    out += _lines(loose, comments.get("", {}))
    for name, section in sections.items():
        out += ["", f"[{toml_key(name)}]", *_lines(section, comments.get(name, {}))]  # type: ignore[arg-type]
    for name, entries in arrays.items():
        for entry in entries:  # type: ignore[attr-defined]
            out += ["", f"[[{toml_key(name)}]]", *_lines(entry, {})]
    return "\n".join(out).lstrip("\n") + "\n"
