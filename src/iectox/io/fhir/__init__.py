"""FHIR R4 exports: one Bundle per patient (`bundle.py`), written as one JSON file each into a folder."""

from __future__ import annotations

import json
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from iectox.dataset import Dataset
from iectox.errors import SpecError
from iectox.io.atomic import atomic_folder
from iectox.io.fhir.bundle import GRADE_EXTENSION, patient_bundles
from iectox.validate import ensure_valid

__all__ = ["GRADE_EXTENSION", "check_timezone", "patient_bundles", "write_bundles"]


def check_timezone(name: str) -> str:
    """`name` if it is an IANA time zone ("Europe/Paris", "UTC"), else a `SpecError` saying so."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise SpecError(
            f"--timezone: '{name}' is not a time zone; give an IANA name such as Europe/Paris or UTC",
            key="timezone",
            value=name,
            allowed=("Europe/Paris", "UTC", f"... ({len(available_timezones())} names)"),
        ) from None
    return name


def write_bundles(dataset: Dataset, folder: str | Path, timezone: str = "UTC") -> list[Path]:
    """Write `<patient_id>.json`, a FHIR R4 Bundle, for each patient into `folder` (whole or not at all), after
    checking the dataset as every dataset written is checked."""
    zone = check_timezone(timezone)
    ensure_valid(dataset)
    written: list[Path] = []
    with atomic_folder(Path(folder)) as tmp:
        for patient_id, bundle in patient_bundles(dataset, zone):
            path = tmp / f"{patient_id}.json"
            path.write_text(json.dumps(bundle, ensure_ascii=False, indent=1), encoding="utf-8")
            written.append(Path(folder) / path.name)
    return written
