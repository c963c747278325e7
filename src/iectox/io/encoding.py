"""The encoding of a CSV file, decided from its bytes and never guessed.

A CSV file from a hospital is UTF-8 (with or without a byte-order mark), Windows-1252 ("CSV" as Excel saves it
on a French Windows), or UTF-16 with a byte-order mark (Excel's "Unicode text"). Every one is turned into
UTF-8 bytes for the parser. What cannot be decided is not guessed: a file where some rows are UTF-8 and others
Windows-1252 (two exports pasted together) is read row by row in its own encoding and reported
(`mixed_encoding`), and a file that is neither text nor one of these encodings is refused.

Pure ASCII and valid UTF-8 are recognised without decoding the file into a Python string: the parser reads
the bytes themselves, which is what keeps reading close to a bare `pandas.read_csv`.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from iectox.errors import SourceError
from iectox.i18n import N_

UTF8_BOM = codecs.BOM_UTF8
BYTE_ORDER_MARKS = (  # UTF-32 first: its little-endian mark begins with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
NOT_TEXT = (
    (b"PK\x03\x04", N_("is a ZIP archive (an XLSX workbook renamed .csv?), not CSV text")),
    (
        b"\xd0\xcf\x11\xe0",
        N_("is an old Excel workbook (.xls), not CSV text; save it as .xlsx or 'CSV UTF-8'"),
    ),
)
SAMPLE = 65536  # bytes looked at to tell text from binary
CHUNK = 16 * 2**20  # bytes decoded at a time when checking UTF-8, so no copy of a large file is kept
_UTF8_SEQUENCE = re.compile(  # one well-formed multi-byte UTF-8 character (RFC 3629, table 3-7 of Unicode)
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
    rb"|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)


@dataclass(frozen=True)
class Decoded:
    """A file's text as UTF-8 bytes (no byte-order mark), and, when it mixed encodings, which lines were
    UTF-8 and which Windows-1252 (line numbers as in a text editor)."""

    data: bytes
    utf8_lines: tuple[int, ...] = ()
    ansi_lines: tuple[int, ...] = ()

    @property
    def mixed(self) -> bool:
        return bool(self.utf8_lines and self.ansi_lines)


def _is_utf8(data: bytes) -> bool:
    if data.isascii():
        return True
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    try:
        for start in range(0, len(data), CHUNK):
            decoder.decode(view[start : start + CHUNK])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _by_line(data: bytes) -> Decoded:
    """Each line in its own encoding: UTF-8 where it is valid UTF-8, else Windows-1252."""
    utf8, ansi, out = [], [], []
    for number, line in enumerate(data.splitlines(keepends=True), start=1):
        if line.isascii():
            out.append(line)
            continue
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            ansi.append(number)
            out.append(line.decode("cp1252", errors="replace").encode("utf-8"))
        else:
            utf8.append(number)
            out.append(line)
    return Decoded(b"".join(out), tuple(utf8), tuple(ansi))


def _transcoded(file: str, data: bytes, encoding: str) -> bytes:
    try:
        return data.decode(encoding).encode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise SourceError(
            file,
            N_("is not {encoding} text (line {line}); save it as 'CSV UTF-8'"),
            encoding=encoding.upper(),
            line=line,
        ) from error


def utf8_text(file: str, data: bytes) -> Decoded:
    """The text of the CSV file `file` (named in errors) whose bytes are `data`, as UTF-8."""
    for signature, reason in NOT_TEXT:
        if data.startswith(signature):
            raise SourceError(file, reason)
    for mark, encoding in BYTE_ORDER_MARKS:
        if data.startswith(mark):
            return Decoded(_transcoded(file, data[len(mark) :], encoding))
    if data.startswith(UTF8_BOM):
        data = data[len(UTF8_BOM) :]
    sample = data[:SAMPLE]
    if sample.count(0) * 4 > len(sample):
        raise SourceError(
            file,
            N_(
                "is not CSV text: a quarter of its bytes are zero (UTF-16 without a byte-order mark, or a "
                "binary file); save it as 'CSV UTF-8'"
            ),
        )
    if _is_utf8(data):
        return Decoded(data)
    if _UTF8_SEQUENCE.search(data):
        decoded = _by_line(data)
        if decoded.mixed:
            return decoded
    try:
        return Decoded(data.decode("cp1252").encode("utf-8"))
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise SourceError(
            file,
            N_("is neither UTF-8 nor Windows-1252 text: line {line} holds the byte {byte}"),
            line=line,
            byte=f"0x{data[error.start]:02X}",
        ) from error
