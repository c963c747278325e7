"""The registry given out as files: the dataset (XLSX, or CSV files in a zip) and its de-identified copy.

Files are written by the library's writers (`iectox.io.write_dataset`: checked first, text that a spreadsheet
would run as a formula neutralised, read back exactly) into a private temporary folder, opened, and the folder
deleted: the download streams from the open file and nothing stays on disk. Every export is logged (`Export`:
who, when, which centres, how many patients, which kind) in the transaction that decides it.

The de-identified copy (`iectox.io.deidentify`) uses one key for the whole application, `deidentify.key` in
`IECTOX_VAR`, made on first use (32 random bytes, mode 0600) and never served by any page: with it every export
gives the same codes and date shifts, so that successive exports link; nobody outside can trace a code back.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from iectox.dataset import Dataset
from iectox.errors import OutputRefused
from iectox.io import write_dataset
from iectox.io.deidentify import DeidentifySettings, deidentify
from iectox.io.pseudonyms import create_key, read_key
from iectox.web.accounts.access import visible
from iectox.web.registry.models import Patient
from iectox.web.registry.records import patients_dataset
from iectox.web.transfer.models import Export

KEY_FILE = "deidentify.key"
SUFFIXES = {"xlsx": "xlsx", "csv": "zip"}  # a format of the export page, and its file
FORMATS = tuple(SUFFIXES)


def key_path() -> Path:
    return Path(settings.VAR) / KEY_FILE


def deidentify_key() -> bytes:
    """The application's de-identification key, made on first use (another request making it at the same
    instant wins, and both read the same key)."""
    path = key_path()
    if not path.exists():
        with contextlib.suppress(OutputRefused):
            create_key(path)
    return read_key(path)


def scope(user: Any, centre: str | None) -> tuple[QuerySet[Patient], tuple[str, ...]]:
    """The patients of one of the user's centres (or of all of them), and the centres exported."""
    patients = visible(Patient.objects.all(), user)
    centres = tuple(user.centre_codes())
    if centre:
        patients, centres = patients.filter(centre=centre), (centre,)
    return patients, centres


def _stem(kind: str, centres: Iterable[str], single: bool) -> str:
    label = re.sub(r"[^A-Za-z0-9_-]+", "_", next(iter(centres))) if single else "all"
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return f"iectox-{kind}-{stamp}" if kind == Export.DEIDENTIFIED else f"iectox-registry-{label}-{stamp}"


@dataclass
class Download:
    """An export written and opened, its folder already deleted: what the response streams."""

    handle: IO[bytes]
    name: str


def _opened(path: Path, folder: Path) -> Download:
    handle = path.open("rb")
    shutil.rmtree(folder, ignore_errors=True)
    return Download(handle, path.name)


def _write(dataset: Dataset, file_format: str, stem: str) -> Download:
    folder = Path(tempfile.mkdtemp(prefix="iectox-export-"))
    try:
        path = write_dataset(dataset, folder / f"{stem}.{SUFFIXES[file_format]}")
        return _opened(path, folder)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


def export_dataset(user: Any, centre: str | None, file_format: str) -> Download:
    """The dataset of the user's centres (or one of them) as a file, logged."""
    patients, centres = scope(user, centre)
    with transaction.atomic():
        dataset = patients_dataset(patients)
        download = _write(dataset, file_format, _stem(Export.DATASET, centres, bool(centre)))
        _log(user, Export.DATASET, file_format, centres, len(dataset["patients"]))
    return download


def export_deidentified(user: Any, centre: str | None, code_centres: bool) -> Download:
    """The de-identified copy of the user's centres (or one of them) as a workbook, logged."""
    patients, centres = scope(user, centre)
    with transaction.atomic():
        dataset = patients_dataset(patients)
        shared = deidentify(dataset, deidentify_key(), DeidentifySettings(code_centres=code_centres))
        download = _write(shared.dataset, "xlsx", _stem(Export.DEIDENTIFIED, centres, bool(centre)))
        _log(user, Export.DEIDENTIFIED, "xlsx", centres, len(dataset["patients"]))
    return download


def _log(user: Any, kind: str, file_format: str, centres: tuple[str, ...], patients: int) -> Export:
    return Export.objects.create(
        user=user, kind=kind, file_format=file_format, centres=", ".join(centres), patients=patients
    )
