"""A zipped folder of CSV files (`registry.zip`): checked before a byte is inflated, unpacked into a private
temporary folder, and read as the folder it holds (`csvdir.read_csv_folder`); written as the CSV folder
`csvdir.write_csv_folder` writes, zipped (`write_csv_zip`).

A zip is what a browser uploads and an e-mail carries, so it is read as a file that may be hostile:

- it must be a zip, without an encrypted member;
- no member may land outside the folder it is unpacked into ("zip slip"): a name that is absolute, that has a
  drive letter or a `..` part (with `/` or `\\` as separator), or a member that is a symbolic link refuses the
  whole archive, before anything is unpacked;
- a zip bomb is refused from the sizes its directory declares: each CSV file at most the per-file limit
  (`files.max_file_size`, as a CSV folder), all of them at most what a workbook may unpack to
  (`ooxml.LIMITS.unpacked_bytes`); the zip module never inflates past a member's declared size, and the bytes
  written are counted against it again;
- the CSV files must sit in one folder: the archive's root, or one folder in it (a zipped folder). Other members
  (not `.csv`, hidden files, macOS's `__MACOSX` folder) are not unpacked, as a folder's other files are not read.

The temporary folder (mode 0700, files 0600) is deleted once the tables are read.

Writing zips the files `write_csv_folder` made (formula-like text neutralised, read back exactly) into one folder
named after the archive, as "compress the folder" makes it, written to a temporary file and renamed into place.
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
import zipfile
from collections.abc import Iterable
from pathlib import Path

from iectox.dataset import Dataset
from iectox.errors import SourceError
from iectox.i18n import N_
from iectox.io.atomic import atomic_file
from iectox.io.csvdir import read_csv_folder, write_csv_folder
from iectox.io.files import SIZE_VARIABLE, max_file_size, regular_file
from iectox.io.ooxml import DAMAGE, LIMITS
from iectox.message import Message
from iectox.schema import CONTRACT
from iectox.validate import RawTable

CHUNK = 2**20
MACOS_FOLDER = "__MACOSX"
_DRIVE = re.compile(r"^[A-Za-z]:")

NOT_A_ZIP = N_("is not a zip archive; zip the folder of CSV files again, or give the folder itself")
ENCRYPTED = N_("is protected by a password; zip the folder again without one")
UNSAFE_NAME = N_(
    "holds '{member}', a name that leads outside the archive's folder (an absolute path or '..'); nothing was "
    "unpacked"
)
LINK = N_("holds '{member}', a symbolic link; nothing was unpacked")
TWICE = N_("holds '{member}' twice; nothing was unpacked")
SPREAD = N_("holds CSV files in more than one folder ({folders}); zip the one folder that holds the tables")
NO_CSV = N_("holds no CSV file; a CSV dataset holds {files}")
TOO_LARGE = N_(
    "unpacks to {size}, above the limit of {limit}, and was not opened (a damaged or hostile file?); split the "
    "data"
)
MEMBER_TOO_LARGE = N_(
    "holds '{member}', {size} once unpacked, above the limit of {limit} per file (set {variable} to allow more)"
)
DAMAGED = N_("is damaged and cannot be read ({reason}); zip the folder again")


def _refusal(path: Path, template: str, **values: object) -> SourceError:
    return SourceError(path.name, Message(template, **values))


def _size(size: int) -> str:
    for unit, factor in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if size >= factor:
            return f"{size / factor:.1f} {unit}"
    return f"{size} bytes"


def _parts(name: str) -> tuple[str, ...] | None:
    """The member's path parts, or None when it would lead outside the folder it is unpacked into."""
    if name.startswith(("/", "\\")) or _DRIVE.match(name):
        return None
    parts = tuple(part for part in re.split(r"[/\\]", name) if part not in ("", "."))
    return None if ".." in parts else parts


def _is_link(info: zipfile.ZipInfo) -> bool:
    return stat.S_ISLNK(info.external_attr >> 16)


def _tables(path: Path, package: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    """The CSV members to unpack, by file name, after every member of the archive is checked."""
    infos = package.infolist()
    if any(info.flag_bits & 0x1 for info in infos):
        raise _refusal(path, ENCRYPTED)
    found: dict[str, zipfile.ZipInfo] = {}
    folders: set[str] = set()
    for info in infos:
        parts = _parts(info.filename)
        if parts is None:
            raise _refusal(path, UNSAFE_NAME, member=info.filename)
        if _is_link(info):
            raise _refusal(path, LINK, member=info.filename)
        if info.is_dir() or not parts or not parts[-1].lower().endswith(".csv"):
            continue
        if parts[0] == MACOS_FOLDER or any(part.startswith(".") for part in parts):
            continue
        if parts[-1] in found:
            raise _refusal(path, TWICE, member=info.filename)
        found[parts[-1]] = info
        folders.add("/".join(parts[:-1]) or ".")
    if len(folders) > 1:
        raise _refusal(path, SPREAD, folders=", ".join(sorted(folders)))
    if not found:
        raise _refusal(path, NO_CSV, files=", ".join(f"{name}.csv" for name in CONTRACT.table_names))
    _check_sizes(path, found.values())
    return found


def _check_sizes(path: Path, infos: Iterable[zipfile.ZipInfo]) -> None:
    limit, total = max_file_size(), 0
    for info in infos:
        if info.file_size > limit:
            raise _refusal(
                path,
                MEMBER_TOO_LARGE,
                member=info.filename,
                size=_size(info.file_size),
                limit=_size(limit),
                variable=SIZE_VARIABLE,
            )
        total += info.file_size
    if total > LIMITS.unpacked_bytes:
        raise _refusal(path, TOO_LARGE, size=_size(total), limit=_size(LIMITS.unpacked_bytes))


def _unpack(path: Path, package: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path) -> None:
    """One member written to `target` (a new file, its owner's only), never more than its declared size."""
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    written = 0
    with package.open(info) as source, os.fdopen(descriptor, "wb") as out:
        while chunk := source.read(CHUNK):
            written += len(chunk)
            if written > info.file_size:
                raise _refusal(path, DAMAGED, reason=f"{info.filename}: more bytes than declared")
            out.write(chunk)


def unpack_csv_zip(path: str | Path, folder: str | Path) -> Path:
    """Unpack the CSV files of the zip at `path` into the existing, empty `folder` (flat); a `SourceError` in
    one sentence for a file that is not a safe zip of one folder of CSV files."""
    path, folder = Path(path), Path(folder)
    regular_file(path)
    try:
        with zipfile.ZipFile(path) as package:
            for name, info in _tables(path, package).items():
                _unpack(path, package, info, folder / name)
    except zipfile.BadZipFile as error:
        if zipfile.is_zipfile(path):
            raise _refusal(path, DAMAGED, reason=str(error)) from None
        raise _refusal(path, NOT_A_ZIP) from None
    except SourceError:
        raise
    except DAMAGE as error:
        raise _refusal(path, DAMAGED, reason=str(error) or type(error).__name__) from None
    return folder


def read_csv_zip(path: str | Path) -> tuple[dict[str, RawTable], list[str]]:
    """The tables of a zipped CSV folder, and the names of its other CSV files, as `read_csv_folder` gives
    them; a file's problem is named `ARCHIVE/FILE` (registry.zip/patients.csv)."""
    path = Path(path)
    with tempfile.TemporaryDirectory(prefix="iectox-zip-") as folder:
        unpack_csv_zip(path, folder)
        try:
            return read_csv_folder(Path(folder))
        except SourceError as error:
            inner = Path(error.file).name
            raise SourceError(f"{path.name}/{inner}", error.reason, error.sheet) from None


def write_csv_zip(dataset: Dataset, path: str | Path) -> Path:
    """The dataset's CSV files in a zip at `path`, in a folder named after it (`registry.zip` holds
    `registry/patients.csv`...), written whole or not at all."""
    path = Path(path)
    with tempfile.TemporaryDirectory(prefix="iectox-zip-") as folder:
        tables = Path(folder) / path.stem
        write_csv_folder(dataset, tables)
        with atomic_file(path) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as package:
            for table in dataset.schema.table_names:
                package.write(tables / f"{table}.csv", f"{path.stem}/{table}.csv")
    return path
