"""The study specs the study page runs: the seed study shipped with iectox, or a study file the user uploads.

An uploaded file is read by the library (`load_study(path, alone=True)`: every key checked, and no file of the
server named by it) from a private temporary folder, under its own name, so that a `SpecError` says the user's
file name rather than the folder's. A spec is known by a key: `seed`, or a checksum of the uploaded file (its
name and text), which names the study in its URLs; the text of the files a user uploaded stays in their session
(the last few), so that the results page and the downloads can read it again after the process restarts.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from iectox.errors import SpecError
from iectox.study.spec import StudySpec, load_study, seed_study

SEED = "seed"
SESSION_KEY = "quality.studies"
KEPT = 5  # uploaded study files remembered per session
SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class StudyFile:
    """A study file as uploaded: its name (made safe) and its UTF-8 text."""

    name: str
    text: str

    @property
    def key(self) -> str:
        return hashlib.sha256(f"{self.name}\0{self.text}".encode()).hexdigest()[:20]


def safe_name(name: str) -> str:
    """The uploaded file's own name, without a folder or a character a file system would mind."""
    stem = SAFE_NAME.sub("_", Path(name).name).strip("._") or "study"
    return stem if stem.endswith(".toml") else f"{stem}.toml"


def _load(name: str, data: bytes) -> StudySpec:
    """The library reads the file (size, encoding, TOML, every key); its `SpecError` names the user's file."""
    with tempfile.TemporaryDirectory(prefix="iectox-study-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            return load_study(path, alone=True)
        except SpecError as exc:
            raise SpecError(str(exc).replace(f"{folder}/", ""), key=exc.key, value=exc.value) from exc


def read_upload(name: str, data: bytes) -> tuple[StudySpec, StudyFile]:
    """The study of an uploaded file and the file as kept; `SpecError` when the library refuses it."""
    file_name = safe_name(name)
    spec = _load(file_name, data)
    return spec, StudyFile(file_name, data.decode("utf-8-sig"))


def read_spec(file: StudyFile) -> StudySpec:
    """The study of a file uploaded earlier (read again from its text)."""
    return _load(file.name, file.text.encode("utf-8"))


def remember(session: Any, file: StudyFile) -> None:
    """Keep the file's text in the user's session (the last `KEPT` files)."""
    kept = {k: v for k, v in session.get(SESSION_KEY, {}).items() if k != file.key}
    kept[file.key] = {"name": file.name, "text": file.text}
    session[SESSION_KEY] = dict(list(kept.items())[-KEPT:])


def recalled(session: Any, key: str) -> StudyFile | None:
    """The file the user uploaded under `key`, if their session still has it."""
    entry = session.get(SESSION_KEY, {}).get(key)
    return None if entry is None else StudyFile(entry["name"], entry["text"])


def spec_named(session: Any, key: str) -> StudySpec | None:
    """The spec known by `key`: the seed study, or a file of the user's session; None when unknown."""
    if key == SEED:
        return seed_study()
    file = recalled(session, key)
    return None if file is None else read_spec(file)
