"""The XLSX package: checked before anything is inflated, and the parts python-calamine does not expose.

python-calamine reads cell values fast, but it does not say which number format a cell shows, and a damaged
or hostile package can stop it half-way (or make it allocate a grid of 17 billion cells). So the package is
opened here first, with the standard zip module:

- it must be a zip at all (not an old .xls, an encrypted workbook, or a CSV file renamed .xlsx), with no
  encrypted member, and unpack to at most `LIMITS.unpacked_bytes`: a zip bomb is refused from the sizes its
  directory declares, before any byte is inflated (and the zip module never inflates past a declared size);
- workbook.xml and its relationships give each sheet's XML part, so that a sheet whose part is missing is
  refused by name rather than lost;
- styles.xml gives each cell style's number format, hence which cells are dates and whether they show time.

The small parts are parsed with the standard library (expat, which resolves no external entity and bounds
entity expansion).
"""

from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

from iectox.errors import SourceError
from iectox.i18n import N_
from iectox.message import Message


@dataclass(frozen=True)
class Limits:
    """What a workbook may unpack to; beyond, it is refused before it is inflated."""

    unpacked_bytes: int = 4 * 1024**3  # a full dataset workbook (1,048,576 rows) unpacks to about 1 GB
    cells: int = 1_048_576 * 26  # a sheet's used area as python-calamine allocates it: a full sheet, A to Z


LIMITS = Limits()
_CFB = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE compound file: an .xls, or an encrypted .xlsx
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
DAMAGE = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError, OSError, SyntaxError)
"""What reading a damaged member raises: a bad CRC or deflate stream, a truncated file, malformed XML."""
# Built-in number formats that are dates or times (ECMA-376 part 1, 18.8.30, and the East Asian ones).
_BUILTIN_DATES = {
    **dict.fromkeys((14, 15, 16, 17, 27, 28, 29, 30, 31, 36, *range(50, 59)), "yyyy-mm-dd"),
    **dict.fromkeys((18, 19, 20, 21, 32, 33, 34, 35, 45, 46, 47), "hh:mm:ss"),
    22: "m/d/yy h:mm",
}
_LITERAL = re.compile(r'".*?"|\[(?!hh?\]|mm?\]|ss?\])[^\]]*\]')  # quoted text, colours, locales
_DATE_CODE = re.compile(r"(?<![_\\])[dmhysDMHYS]")

NOT_A_WORKBOOK = N_("is not an XLSX workbook (it is not a zip package); save it from Excel as .xlsx")
CSV_NAMED_XLSX = N_(
    "is a text (CSV) file named .xlsx, not a workbook; rename it .csv or save it from Excel as .xlsx"
)
OLD_XLS = N_("is an Excel 97-2003 workbook (.xls); save it from Excel as .xlsx (Excel Workbook)")
ENCRYPTED = N_(
    "is protected by a password; save a copy without the password (File > Info > Protect Workbook)"
)
DAMAGED = N_("is damaged and cannot be read ({reason}); save it again from Excel, or restore a copy")
BROKEN_PART = N_("is damaged: its part {part} is not well-formed ({reason}); save it again from Excel")
MISSING_PART = N_("is damaged: its part {part} is missing; save it again from Excel")
MISSING_SHEET = N_("is damaged: the data of this sheet (part {part}) is missing; save it again from Excel")
TOO_LARGE = N_(
    "unpacks to {size} GB, above the limit of {limit} GB, and was not opened (a damaged or hostile file?); "
    "split the data or use a folder of CSV files"
)
TOO_MANY_CELLS = N_(
    "uses {rows} rows by {columns} columns, above the limit of {limit} cells, and was not read; delete the "
    "far-away cells (Ctrl+End shows the last one) or use a folder of CSV files"
)


def shows_time(number_format: str) -> bool:
    """Whether a date cell with this number format shows its time (else: "the hour was not recorded")."""
    fmt = number_format.lower().split(";")[0]
    return "h" in fmt or "ss" in fmt


def is_date_format(number_format: str) -> bool:
    """Whether Excel shows a number with this format as a date or a time (the test openpyxl uses)."""
    return _DATE_CODE.search(_LITERAL.sub("", number_format.split(";")[0])) is not None


CONTENT_TYPES = "[Content_Types].xml"


def refusal(path: Path, template: str, sheet: str | None = None, **values: object) -> SourceError:
    """A `SourceError` whose sentence is a translatable `Message`."""
    return SourceError(str(path), Message(template, **values), sheet)


def _not_a_zip(path: Path) -> SourceError:
    with path.open("rb") as handle:
        head = handle.read(8)
        if head == _CFB:
            return refusal(path, ENCRYPTED if _ENCRYPTED in handle.read(64 * 1024**2) else OLD_XLS)
        sample = head + handle.read(4096)
    text = sample.decode("utf-8", errors="ignore") if b"\0" not in sample else ""
    if text.strip() and any(sep in text for sep in ",;\t"):
        return refusal(path, CSV_NAMED_XLSX)
    return refusal(path, NOT_A_WORKBOOK)


def read_part(package: zipfile.ZipFile, path: Path, part: str) -> bytes:
    """A part's bytes, its CRC checked; a damaged member is a `SourceError`."""
    try:
        return package.read(part)
    except KeyError:
        raise refusal(path, MISSING_PART, part=part) from None
    except DAMAGE as exc:
        raise refusal(path, DAMAGED, reason=str(exc) or type(exc).__name__) from None


def _xml(package: zipfile.ZipFile, path: Path, part: str) -> ElementTree.Element:
    try:
        return ElementTree.fromstring(read_part(package, path, part))
    except ElementTree.ParseError as exc:
        raise refusal(path, BROKEN_PART, part=part, reason=str(exc)) from None


def _relationships(package: zipfile.ZipFile, path: Path, part: str) -> dict[str, tuple[str, str]]:
    """Relationship id -> (type, target part) of `part`, read from its `_rels/*.rels`."""
    folder, name = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", f"{name}.rels")
    if rels not in package.NameToInfo:
        return {}
    found = {}
    for rel in _xml(package, path, rels).iterfind(".//{*}Relationship"):
        if rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target", "")
        resolved = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
        found[rel.get("Id", "")] = (rel.get("Type", ""), posixpath.normpath(resolved))
    return found


@dataclass(frozen=True)
class Sheet:
    """A sheet as workbook.xml lists it: its name and its XML part in the zip ("" when none is named)."""

    name: str
    part: str


@dataclass
class Package:
    """An XLSX file opened and checked: its sheets, which cell styles are dates, and the open zip."""

    path: Path
    zip: zipfile.ZipFile
    sheets: list[Sheet]
    date_styles: dict[bytes, bool]  # style index, as written in `s="..."` -> whether it shows the time
    recalculated_on_load: bool  # workbook.xml asks for a full recalculation: cached results are placeholders

    def part(self, sheet: Sheet) -> str:
        """The sheet's XML part, or a `SourceError` naming the sheet when the package lacks it."""
        if sheet.part not in self.zip.NameToInfo:
            raise refusal(self.path, MISSING_SHEET, sheet.name, part=sheet.part or "?")
        return sheet.part

    def close(self) -> None:
        self.zip.close()


def _check_members(package: zipfile.ZipFile, path: Path) -> None:
    infos = package.infolist()
    if any(info.flag_bits & 0x1 for info in infos):
        raise refusal(path, ENCRYPTED)
    unpacked = sum(info.file_size for info in infos)
    if unpacked > LIMITS.unpacked_bytes:
        gb = 1024**3
        raise refusal(path, TOO_LARGE, size=f"{unpacked / gb:.1f}", limit=f"{LIMITS.unpacked_bytes / gb:.0f}")


def _date_styles(package: zipfile.ZipFile, path: Path, part: str) -> dict[bytes, bool]:
    if part not in package.NameToInfo:
        return {}
    styles = _xml(package, path, part)
    formats = dict(_BUILTIN_DATES)
    try:
        for fmt in styles.iterfind("{*}numFmts/{*}numFmt"):
            formats[int(fmt.get("numFmtId", ""))] = fmt.get("formatCode", "")
        ids = [int(xf.get("numFmtId") or 0) for xf in styles.iterfind("{*}cellXfs/{*}xf")]
    except ValueError as exc:
        raise refusal(path, BROKEN_PART, part=part, reason=str(exc)) from None
    return {
        str(index).encode(): shows_time(formats[fid])
        for index, fid in enumerate(ids)
        if fid in formats and is_date_format(formats[fid])
    }


def _workbook_part(package: zipfile.ZipFile, path: Path) -> str:
    """The main part named by the package relationships (`_rels/.rels`): usually xl/workbook.xml."""
    for kind, target in _relationships(package, path, "").values():
        if kind.endswith("/officeDocument"):
            return target
    return "xl/workbook.xml"


def _open(package: zipfile.ZipFile, path: Path) -> Package:
    _check_members(package, path)
    _xml(package, path, CONTENT_TYPES)  # every package lists its parts' types; Excel opens none without it
    workbook = _workbook_part(package, path)
    book = _xml(package, path, workbook)
    targets = _relationships(package, path, workbook)
    sheets = []
    for element in book.iterfind(".//{*}sheet"):
        rid = next((value for key, value in element.attrib.items() if key.endswith("}id")), "")
        sheets.append(Sheet(element.get("name", ""), targets.get(rid, ("", ""))[1]))
    named = next((target for kind, target in targets.values() if kind.endswith("/styles")), None)
    if named is not None and named not in package.NameToInfo:
        # Without the styles it names, a workbook's dates are bare numbers: a midnight entered with its time
        # could no longer be told from a date alone.
        raise refusal(path, MISSING_PART, part=named)
    styles = named or posixpath.join(posixpath.dirname(workbook), "styles.xml")
    calc = book.find(".//{*}calcPr")
    recalculated = calc is not None and calc.get("fullCalcOnLoad") in ("1", "true")
    return Package(path, package, sheets, _date_styles(package, path, styles), recalculated)


def open_package(path: Path) -> Package:
    """The workbook at `path`, checked; a `SourceError` in one sentence for anything that is not a sound XLSX."""
    try:
        package = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise _not_a_zip(path) from None
    except DAMAGE as exc:
        raise refusal(path, DAMAGED, reason=str(exc) or type(exc).__name__) from None
    try:
        return _open(package, path)
    except BaseException:
        package.close()
        raise
