"""Reading one table of a study file with its keys typed: every mistake is a `SpecError`, never a traceback.

A study file is written by hand; a misspelt key, a wrong type or an unknown value must stop the study with a
sentence that names the file, the key, the value and what is allowed ("did you mean 'median_iqr'?"), not run
on with a default or end in a `KeyError`.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
import types
import typing
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any, Literal

from iectox.errors import SpecError

CONTROL = re.compile(
    "[\x00-\x1f\x7f-\x9f]"
)  # text in a study file is one line, shown in reports and on screen
TYPE_NAMES = {
    str: "text",
    int: "a whole number",
    float: "a number",
    bool: "true or false",
    list: "a list",
    dict: "a table",
}


def did_you_mean(value: object, allowed: Collection[object]) -> str:
    """'; did you mean 'x'?' for the closest allowed spelling, or nothing when none is close."""
    close = difflib.get_close_matches(str(value), [str(a) for a in allowed], n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def not_allowed(
    path: Path, key: str, value: object, allowed: Collection[object], what: str = ""
) -> SpecError:
    """The error for a value outside its allowed set, naming them and the closest one."""
    listed = what or f"one of {', '.join(map(str, allowed))}"
    return SpecError(
        f"{path}: {key}: '{value}' is not {listed}{did_you_mean(value, allowed)}",
        file=str(path),
        key=key,
        value=value,
        allowed=tuple(allowed),
    )


def table(path: Path, where: str, raw: object, keys: Collection[str]) -> dict[str, Any]:
    """`raw` as a dict when it is a TOML table whose keys are all in `keys`."""
    if not isinstance(raw, dict):
        raise SpecError(
            f"{path}: {where}: should be a table, not {raw!r}",
            file=str(path),
            key=where,
            value=raw,
            allowed=(TYPE_NAMES[dict],),
        )
    for name in raw:
        if name not in keys:
            raise SpecError(
                f"{path}: {where}: unknown key(s) {name}{did_you_mean(name, keys)} "
                f"(allowed: {', '.join(sorted(keys))})",
                file=str(path),
                key=f"{where} {name}",
                value=name,
                allowed=tuple(sorted(keys)),
            )
    return raw


def typed(path: Path, key: str, value: object, expected: type | tuple[type, ...]) -> Any:
    """`value` when it has the expected TOML type (a whole number is a number; true is not a number)."""
    declared = expected if isinstance(expected, tuple) else (expected,)
    wanted = (*declared, int) if float in declared else declared
    names = " or ".join(TYPE_NAMES.get(t, t.__name__) for t in declared)
    if not isinstance(value, wanted) or (isinstance(value, bool) and bool not in wanted):
        raise SpecError(
            f"{path}: {key}: {value!r} should be {names}",
            file=str(path),
            key=key,
            value=value,
            allowed=(names,),
        )
    if isinstance(value, str) and CONTROL.search(value):
        raise SpecError(
            f"{path}: {key}: {value!r} holds a control character; write plain text",
            file=str(path),
            key=key,
            value=value,
            allowed=("text without control characters",),
        )
    return value


def within(path: Path, key: str, value: object, low: float, high: float, whole: bool = False) -> Any:
    """`value` when it is a number (a whole one if `whole`) from `low` to `high`: a setting that prints
    -1 decimals, or waits for ever, is refused when the file is read rather than failing in the middle of a
    report."""
    number = typed(path, key, value, int if whole else float)
    if not low <= number <= high:  # NaN and infinity fail it too
        wanted = f"{'a whole number' if whole else 'a number'} from {low:g} to {high:g}"
        raise SpecError(
            f"{path}: {key}: {number!r} is not {wanted}",
            file=str(path),
            key=key,
            value=number,
            allowed=(wanted,),
        )
    return number


def non_empty(path: Path, key: str, value: list[Any], what: str) -> list[Any]:
    """`value` when the list holds at least one item: an empty list of levels or variables is a mistake."""
    if not value:
        raise SpecError(
            f"{path}: {key}: an empty list; give at least one {what}",
            file=str(path),
            key=key,
            value=value,
            allowed=(f"at least one {what}",),
        )
    return value


def choice(path: Path, key: str, value: object, allowed: Collection[object]) -> Any:
    """`value` when it is one of `allowed`."""
    if value not in allowed:
        raise not_allowed(path, key, value, allowed)
    return value


def _check_hint(path: Path, key: str, value: object, hint: object) -> object:
    """`value` checked against a dataclass field's type hint: a Literal, a scalar type, or one of them or None."""
    if typing.get_origin(hint) is Literal:
        return choice(path, key, value, typing.get_args(hint))
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        options = [h for h in typing.get_args(hint) if h is not type(None)]
        if len(options) == 1:
            return _check_hint(path, key, value, options[0])
    if isinstance(hint, type):
        return typed(path, key, value, hint)
    return value


def dataclass_fields(
    path: Path, where: str, raw: Mapping[str, Any], cls: type, exclude: Collection[str] = ()
) -> dict[str, Any]:
    """The keys of `raw` that set fields of the dataclass `cls`, each checked against the field's type."""
    hints = typing.get_type_hints(cls)
    names = [f.name for f in dataclasses.fields(cls) if f.name not in exclude]
    return {
        name: _check_hint(path, f"{where} {name}", raw[name], hints[name]) for name in names if name in raw
    }
