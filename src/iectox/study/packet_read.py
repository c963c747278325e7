"""Reading centres' packets before pooling them: every packet is checked whole before anything is pooled.

A packet is refused, with one error naming its file, when it is not JSON, not an iectox packet, of another
format version, altered after it was made (its SHA-256 checksum does not match its content), of another study
than the first packet, or from a centre already given. The errors are `SourceError`s: their sentence is an
English template translated where it is shown.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from iectox.errors import SourceError, SpecError
from iectox.i18n import N_
from iectox.io.settings_file import read_settings_text
from iectox.study.packet import FORMAT, checksum

KEYS = {
    "format": str,
    "study": dict,
    "centre": str,
    "min_cell": int,
    "groups": list,
    "tables": list,
    "time_to_event": dict,
    "checksum": str,
}
VARIABLE_TYPES = ("categorical", "ordinal", "continuous")


def _structure(file: str, document: dict[str, Any]) -> None:
    """The keys pooling reads, with their types: a packet iectox made always has them."""
    for key, kind in KEYS.items():
        if not isinstance(document.get(key), kind):
            raise SourceError(
                file,
                N_("not an iectox packet: {key} is missing or not a {kind}"),
                key=key,
                kind=kind.__name__,
            )
    for table in document["tables"]:
        for variable in table.get("variables", []) if isinstance(table, dict) else [None]:
            if not isinstance(variable, dict) or variable.get("type") not in VARIABLE_TYPES:
                raise SourceError(file, N_("not an iectox packet: a variable of a table is malformed"))
            if not isinstance(variable.get("counts"), dict):
                raise SourceError(file, N_("not an iectox packet: a variable of a table is malformed"))


def read_packet(path: str | Path) -> dict[str, Any]:
    """One packet, checked: its format version and its checksum."""
    file = str(path)
    try:
        text = read_settings_text(path, "packet")
    except SpecError as exc:
        raise SourceError(
            file, str(exc).removeprefix(f"{file}: ")
        ) from exc  # its reason, without the path twice
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceError(file, N_("not JSON: {reason}"), reason=str(exc)) from exc
    if not isinstance(document, dict) or "format" not in document:
        raise SourceError(file, N_("not an iectox packet: it has no format"))
    if document["format"] != FORMAT:
        raise SourceError(
            file,
            N_("format {found}; this iectox pools {expected} packets"),
            found=str(document["format"]),
            expected=FORMAT,
        )
    _structure(file, document)
    try:
        computed = checksum(document)
    except ValueError as exc:  # NaN or infinity: not what iectox writes
        raise SourceError(file, N_("not an iectox packet: {reason}"), reason=str(exc)) from exc
    if computed != document["checksum"]:
        raise SourceError(
            file,
            N_(
                "its checksum does not match its content: the packet was changed after it was made ({found}, "
                "content {computed})"
            ),
            found=document["checksum"][:16],
            computed=computed[:16],
        )
    return document


def read_packets(paths: Sequence[str | Path]) -> list[tuple[str, dict[str, Any]]]:
    """Every packet checked, and all of the same study, cohorts and minimum cell, each centre once."""
    if len(paths) < 2:
        raise SourceError(
            ", ".join(map(str, paths)) or "-", N_("pooling needs the packets of at least two centres")
        )
    packets = [(str(p), read_packet(p)) for p in paths]
    first_file, first = packets[0]
    seen: dict[str, str] = {}
    for file, packet in packets:
        if packet["study"].get("id") != first["study"].get("id"):
            raise SourceError(
                file,
                N_(
                    "a packet of another study: {found} ({title}), not {expected} ({expected_title}) as {first}"
                ),
                found=str(packet["study"].get("id")),
                title=str(packet["study"].get("title")),
                expected=str(first["study"].get("id")),
                expected_title=str(first["study"].get("title")),
                first=first_file,
            )
        if [g.get("id") for g in packet["groups"]] != [g.get("id") for g in first["groups"]]:
            raise SourceError(file, N_("its cohorts are not those of {first}"), first=first_file)
        if packet["centre"] in seen:
            raise SourceError(
                file,
                N_("centre {centre} is already the centre of {other}"),
                centre=packet["centre"],
                other=seen[packet["centre"]],
            )
        seen[packet["centre"]] = file
    return packets
