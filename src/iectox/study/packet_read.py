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


def _malformed(file: str, where: str) -> SourceError:
    return SourceError(file, N_("not an iectox packet: {where} is malformed"), where=where)


def _count(value: object) -> bool:
    return value is None or (isinstance(value, int) and not isinstance(value, bool) and value >= 0)


def _number(value: object) -> bool:
    return value is None or (isinstance(value, int | float) and not isinstance(value, bool))


def _counts(file: str, where: str, counts: object, groups: list[str], cells: list[str] | None = None) -> None:
    """cohort -> cell -> a count >= 0 or None, for every cohort (and every cell, when they are known)."""
    if not isinstance(counts, dict) or set(counts) != set(groups):
        raise _malformed(file, where)
    for by_cell in counts.values():
        if not isinstance(by_cell, dict) or not all(
            isinstance(k, str) and _count(v) for k, v in by_cell.items()
        ):
            raise _malformed(file, where)
        if cells is not None and list(by_cell) != cells:
            raise _malformed(file, where)


def _variable(file: str, where: str, variable: object, groups: list[str]) -> None:
    if not isinstance(variable, dict) or variable.get("type") not in VARIABLE_TYPES:
        raise _malformed(file, where)
    if not isinstance(variable.get("name"), str) or not isinstance(variable.get("label"), str):
        raise _malformed(file, where)
    _counts(file, f"{where}.counts", variable.get("counts"), groups)
    totals = variable.get("totals", {})
    if not isinstance(totals, dict) or not all(_count(v) and v is not None for v in totals.values()):
        raise _malformed(file, f"{where}.totals")
    if variable["type"] == "continuous":
        summary = variable.get("summary")
        if not isinstance(summary, dict) or set(summary) != set(groups):
            raise _malformed(file, f"{where}.summary")
        for one in summary.values():
            fields = ("n", "mean", "sd", "median", "q1", "q3")
            if one is not None and (
                not isinstance(one, dict) or not all(_number(one.get(f)) for f in fields)
            ):
                raise _malformed(file, f"{where}.summary")
            if one is not None and not (_count(one.get("n")) and one.get("n")):
                raise _malformed(file, f"{where}.summary")
    else:
        levels = variable.get("levels")
        if not isinstance(levels, list) or not all(
            isinstance(lvl, dict) and isinstance(lvl.get("key"), str) and isinstance(lvl.get("label"), str)
            for lvl in levels
        ):
            raise _malformed(file, f"{where}.levels")


def _structure(file: str, document: dict[str, Any]) -> None:
    """Every field pooling reads, with its type: a packet iectox made always has them, and a packet that does
    not is refused here rather than failing half-way through the pooling."""
    for key, kind in KEYS.items():
        if not isinstance(document.get(key), kind):
            raise SourceError(
                file,
                N_("not an iectox packet: {key} is missing or not a {kind}"),
                key=key,
                kind=kind.__name__,
            )
    groups = []
    for group in document["groups"]:
        if not isinstance(group, dict) or not isinstance(group.get("id"), str) or not _count(group.get("n")):
            raise _malformed(file, "groups")
        groups.append(group["id"])
    for t, table in enumerate(document["tables"]):
        if not isinstance(table, dict) or not isinstance(table.get("variables"), list):
            raise _malformed(file, f"tables[{t}]")
        for v, variable in enumerate(table["variables"]):
            _variable(file, f"tables[{t}].variables[{v}]", variable, groups)
    endpoints = document["time_to_event"].get("endpoints")
    if not isinstance(endpoints, list):
        raise _malformed(file, "time_to_event")
    for e, endpoint in enumerate(endpoints):
        where = f"time_to_event.endpoints[{e}]"
        if not isinstance(endpoint, dict):
            raise _malformed(file, where)
        intervals, outcomes = endpoint.get("intervals"), endpoint.get("outcomes")
        if not isinstance(intervals, list) or not isinstance(outcomes, list):
            raise _malformed(file, where)
        cells = [f"{i}/{o}" for i in intervals for o in outcomes]
        _counts(file, f"{where}.counts", endpoint.get("counts"), groups, cells)
        at_risk = endpoint.get("at_risk")
        if not isinstance(at_risk, dict) or set(at_risk) != set(groups):
            raise _malformed(file, f"{where}.at_risk")
        if not all(
            isinstance(a, list) and len(a) == len(intervals) and all(map(_count, a)) for a in at_risk.values()
        ):
            raise _malformed(file, f"{where}.at_risk")


def _layout(document: dict[str, Any]) -> list[object]:
    """What must be the same in every packet for their tables to add up: tables, variables and their types,
    time-to-event endpoints, intervals and outcomes."""
    tables = [[t.get("id"), [(v["name"], v["type"]) for v in t["variables"]]] for t in document["tables"]]
    endpoints = [
        [e.get("endpoint"), e["intervals"], e["outcomes"]] for e in document["time_to_event"]["endpoints"]
    ]
    return [tables, endpoints]


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
        if _layout(packet) != _layout(first):
            raise SourceError(file, N_("its tables are not laid out as those of {first}"), first=first_file)
        if packet["centre"] in seen:
            raise SourceError(
                file,
                N_("centre {centre} is already the centre of {other}"),
                centre=packet["centre"],
                other=seen[packet["centre"]],
            )
        seen[packet["centre"]] = file
    return packets
