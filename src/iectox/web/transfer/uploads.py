"""An uploaded workbook or zipped CSV folder, kept in a private folder until it is committed, discarded or
expires.

Each upload gets a new folder under `IECTOX_VAR/imports` (the folder and each upload its owner's only: 0700,
files 0600), named at random, holding one file named by its kind (`upload.xlsx`, `upload.zip`), never by the
name it had on the user's computer (a file name may hold a patient's name). Its SHA-256 is computed while it is
written; the commit reads the file again only if it still has that checksum. An upload is deleted when it is
committed or discarded, and at the latest `IECTOX_IMPORT_MINUTES` (60) after it was made: every visit to the
import page deletes the expired ones.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.utils import timezone

from iectox.web.transfer.models import Import

KINDS = {".xlsx": "xlsx", ".xlsm": "xlsx", ".zip": "zip"}
NAMES = {"xlsx": "upload.xlsx", "zip": "upload.zip"}
PREFIX = "import-"


def max_upload_bytes() -> int:
    """`IECTOX_MAX_UPLOAD_MB` (100 by default): the largest file the import page takes."""
    return int(os.environ.get("IECTOX_MAX_UPLOAD_MB", "100")) * 2**20


def lifetime() -> timedelta:
    """How long an upload waits for its commit: `IECTOX_IMPORT_MINUTES` (60 by default)."""
    return timedelta(minutes=int(os.environ.get("IECTOX_IMPORT_MINUTES", "60")))


class SizeLimit(FileUploadHandler):
    """Stops reading an uploaded file as soon as it passes `limit` bytes: what lies beyond is read and thrown
    away, never written to a temporary file (`exceeded` then says so). Installed before the form is parsed."""

    def __init__(self, request: object, limit: int):
        super().__init__(request)
        self.limit, self.exceeded = limit, False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > self.limit:
            self.exceeded = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def imports_folder() -> Path:
    folder = Path(settings.VAR) / "imports"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    return folder


def kind_of(name: str) -> str | None:
    """The upload's kind from its name's suffix ("xlsx" or "zip"); None for any other file."""
    return KINDS.get(Path(name).suffix.lower())


@dataclass(frozen=True)
class Saved:
    folder: str  # the folder's name under imports_folder()
    size: int
    checksum: str


def save(upload: UploadedFile, kind: str) -> Saved:
    """The upload written to a new private folder, with its size and SHA-256."""
    folder = Path(tempfile.mkdtemp(prefix=PREFIX, dir=imports_folder()))
    digest, size = hashlib.sha256(), 0
    descriptor = os.open(folder / NAMES[kind], os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        for chunk in upload.chunks():
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    return Saved(folder.name, size, digest.hexdigest())


def path_of(pending: Import) -> Path:
    """Where the pending import's file is (checked to be a folder this module made, under the imports folder)."""
    name = Path(pending.folder).name
    if not name.startswith(PREFIX) or name != pending.folder:
        raise ValueError(f"not an upload folder: {pending.folder!r}")
    return imports_folder() / name / NAMES[pending.kind]


def checksum(path: Path) -> str | None:
    """The file's SHA-256, or None when it is gone."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(2**20):
                digest.update(chunk)
    except FileNotFoundError:
        return None
    return digest.hexdigest()


def remove(pending: Import) -> None:
    """Delete the import's file and folder (nothing when already gone)."""
    shutil.rmtree(path_of(pending).parent, ignore_errors=True)


def expired(pending: Import) -> bool:
    return pending.started_at < timezone.now() - lifetime()


def purge() -> int:
    """Delete every expired upload: pending imports past their lifetime, and folders left by no import (a
    stopped server). Returns how many imports expired."""
    limit = timezone.now() - lifetime()
    stale = list(Import.objects.filter(status=Import.PENDING, started_at__lt=limit))
    for pending in stale:
        remove(pending)
        pending.status, pending.finished_at = Import.EXPIRED, timezone.now()
        pending.save(update_fields=["status", "finished_at"])
    waiting = set(Import.objects.filter(status=Import.PENDING).values_list("folder", flat=True))
    oldest = time.time() - lifetime().total_seconds()
    for folder in imports_folder().glob(PREFIX + "*"):
        if folder.name not in waiting and folder.stat().st_mtime < oldest:
            shutil.rmtree(folder, ignore_errors=True)
    return len(stale)
