"""What a SAS transport file (XPT version 5) and the FDA can take, checked before anything is written.

XPT v5 names are at most 8 characters (letters, digits, '_', not starting with a digit), labels at most 40,
and text is ASCII; the FDA's Technical Conformance Guide limits Char values to 200 characters. A breach is an
`OutputRefused` naming the dataset, variable, record and value, so that nothing is cut or re-encoded silently.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from iectox.errors import OutputRefused
from iectox.i18n import N_
from iectox.io.sdtm.metadata import DatasetSpec, Standard

XPT_NAME = re.compile(r"[A-Z_][A-Z0-9_]{0,7}")
MAX_NAME = 8
MAX_LABEL = 40
MAX_CHAR = 200

BAD_NAME = N_(
    "{dataset}: the name '{name}' is not a SAS transport (XPT v5) name: at most 8 capital letters, digits or '_', "
    "not starting with a digit"
)
LONG_LABEL = N_(
    "{dataset}: the label of {name} has {length} characters; XPT v5 allows at most 40 ('{label}')"
)
LONG_DECLARED = N_("{dataset}.{name}: declared length {length}; the FDA allows at most 200 characters")
LONG_VALUE = N_(
    "{dataset}.{name}, record {row}: '{value}' has {length} characters; at most {limit} are allowed"
)
NOT_ASCII = N_(
    "{dataset}.{name}, record {row}: '{value}' holds a character outside ASCII, which SAS transport files "
    "cannot carry"
)


def _name(path: Path, dataset: str, name: str) -> None:
    if not XPT_NAME.fullmatch(name):
        raise OutputRefused(str(path), BAD_NAME, dataset=dataset, name=name)


def _label(path: Path, dataset: str, name: str, label: str) -> None:
    if len(label) > MAX_LABEL or not label.isascii():
        raise OutputRefused(str(path), LONG_LABEL, dataset=dataset, name=name, length=len(label), label=label)


def _first(mask: pd.Series) -> int | None:
    """The position of the first True in `mask`, if any."""
    positions = mask.to_numpy(dtype=bool).nonzero()[0]
    return int(positions[0]) if len(positions) else None


def check_metadata(spec: DatasetSpec, path: Path) -> None:
    """The dataset's and its variables' names, labels and declared lengths fit XPT v5 and the FDA."""
    _name(path, spec.name, spec.name)
    _label(path, spec.name, spec.name, spec.label)
    for variable in spec.variables:
        _name(path, spec.name, variable.name)
        _label(path, spec.name, variable.name, variable.label)
        if variable.type == "Char" and (variable.length or 0) > MAX_CHAR:
            raise OutputRefused(
                str(path), LONG_DECLARED, dataset=spec.name, name=variable.name, length=variable.length
            )
    for qualifier in spec.qualifiers:
        _name(path, spec.name, qualifier.qnam)
        _label(path, spec.name, qualifier.qnam, qualifier.qlabel)


def check_values(spec: DatasetSpec, frame: pd.DataFrame, path: Path) -> dict[str, int]:
    """Every Char value is ASCII and no longer than its variable allows; the longest length of each Char
    variable (at least 1, as SAS stores an empty column)."""
    lengths: dict[str, int] = {}
    for variable in spec.variables:
        if variable.type != "Char":
            continue
        values = frame[variable.name]
        limit = min(variable.length or MAX_CHAR, MAX_CHAR)
        sizes = values.str.len()
        row = _first(~values.map(str.isascii))
        if row is not None:
            raise OutputRefused(
                str(path), NOT_ASCII, dataset=spec.name, name=variable.name, row=row + 1, value=values[row]
            )
        row = _first(sizes > limit)
        if row is not None:
            raise OutputRefused(
                str(path),
                LONG_VALUE,
                dataset=spec.name,
                name=variable.name,
                row=row + 1,
                value=values[row],
                length=int(sizes[row]),
                limit=limit,
            )
        lengths[variable.name] = max(1, int(sizes.max()) if len(values) else 1)
    return lengths


def check_all(standard: Standard, frames: dict[str, pd.DataFrame], path: Path) -> dict[str, dict[str, int]]:
    """Check every dataset; the Char lengths to declare, per dataset and variable."""
    lengths = {}
    for spec in standard.datasets:
        check_metadata(spec, path)
        lengths[spec.name] = check_values(spec, frames[spec.name], path)
    return lengths
