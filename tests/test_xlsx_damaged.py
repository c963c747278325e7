"""Damaged and hostile workbooks are refused in one sentence (a SourceError), never with a traceback.

Each file is built here from a valid dataset workbook, spoiled the way disks, mail gateways and attackers do.
"""

from __future__ import annotations

import re
import struct
import zipfile

import openpyxl
import pytest
from typer.testing import CliRunner

from factories import small_dataset
from iectox.cli.commands import app
from iectox.errors import SourceError
from iectox.io import check_path, read_dataset, write_dataset
from xlsx_files import dataset_workbook, edited, rezipped, sheet_part


def _refused(path, pattern):
    with pytest.raises(SourceError, match=pattern) as refused:
        check_path(path)
    return refused.value


def _part_replaced(path, part, change):
    return rezipped(path, lambda name, data: change(data) if name == part else data)


def test_a_truncated_sheet(tmp_path):
    path = dataset_workbook(tmp_path)
    part = sheet_part(path, "infusions")
    damaged = _part_replaced(path, part, lambda data: data[: len(data) // 2])
    error = _refused(damaged, "is damaged")
    assert error.sheet == "infusions" or "infusions" in str(error)


def test_flipped_bytes_in_the_zip(tmp_path):
    path = dataset_workbook(tmp_path)
    with zipfile.ZipFile(path) as package:
        info = package.getinfo(sheet_part(path, "observations"))
    data = bytearray(path.read_bytes())
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    for offset in range(start + 20, start + min(info.compress_size, 200), 7):
        data[offset] ^= 0xFF
    path.write_bytes(bytes(data))
    _refused(path, "is damaged")


@pytest.mark.parametrize(
    "part",
    ["xl/workbook.xml", "xl/_rels/workbook.xml.rels", "_rels/.rels", "xl/styles.xml", "[Content_Types].xml"],
)
def test_a_broken_package_part(tmp_path, part):
    path = dataset_workbook(tmp_path)
    damaged = _part_replaced(path, part, lambda data: data[:-40] + b"<unclosed")
    _refused(damaged, f"is damaged: its part {re.escape(part)} is not well-formed")


@pytest.mark.parametrize("part", ["xl/styles.xml", "[Content_Types].xml"])
def test_a_missing_styles_or_content_types_part(tmp_path, part):
    """Found by the fuzz suite: without the styles its workbook names, dates are bare numbers and a midnight
    entered with its time was read as a date alone, in silence; without its content types no Excel opens it."""
    path = dataset_workbook(tmp_path)
    _refused(rezipped(path, lambda name, data: None if name == part else data), "is missing")


def test_not_a_zip_at_all(tmp_path):
    path = tmp_path / "book.xlsx"
    path.write_bytes(bytes(range(256)) * 16)
    _refused(path, r"is not an XLSX workbook \(it is not a zip package\)")


def test_a_csv_file_named_xlsx(tmp_path):
    path = tmp_path / "book.xlsx"
    path.write_text("patient_id;sex;birth_year;centre\nP-001;female;1961;CHU-A\n", encoding="utf-8")
    _refused(path, r"is a text \(CSV\) file named .xlsx")


def _compound_file(*streams: str) -> bytes:
    """The start of an OLE compound file (what .xls files and encrypted .xlsx files are), naming its streams."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    return header + b"".join(name.encode("utf-16-le") + bytes(64 - 2 * len(name)) for name in streams)


def test_an_old_xls_workbook(tmp_path):
    path = tmp_path / "book.xlsx"
    path.write_bytes(_compound_file("Workbook", "SummaryInformation"))
    _refused(path, r"is an Excel 97-2003 workbook \(.xls\)")


def test_an_encrypted_workbook(tmp_path):
    path = tmp_path / "book.xlsx"
    path.write_bytes(_compound_file("EncryptionInfo", "EncryptedPackage"))
    _refused(path, "is protected by a password")


def test_a_zip_bomb_is_refused_before_it_is_inflated(tmp_path):
    """Two members declaring 4 GB each: refused from the zip's directory, nothing inflated."""
    path = dataset_workbook(tmp_path)
    data = bytearray(path.read_bytes())
    directory = data.rfind(b"PK\x01\x02")
    for _ in range(2):
        struct.pack_into("<I", data, directory + 24, 0xFFFFFFF0)  # uncompressed size
        directory = data.rfind(b"PK\x01\x02", 0, directory)
    path.write_bytes(bytes(data))
    _refused(path, r"unpacks to 8\.0 GB, above the limit of 4 GB, and was not opened")


def test_a_cell_far_away_is_refused_before_a_grid_of_billions_of_cells_is_allocated(tmp_path):
    def far(book):
        book["patients"]["XFD1048576"] = "x"

    error = _refused(edited(tmp_path, far), r"uses 1048576 rows by 16384 columns, above the limit")
    assert error.sheet == "patients"


def test_the_command_says_it_in_one_line_without_a_traceback(tmp_path):
    path = dataset_workbook(tmp_path)
    part = sheet_part(path, "patients")
    damaged = _part_replaced(path, part, lambda data: data[: len(data) // 2])
    result = CliRunner().invoke(app, ["validate", str(damaged)], terminal_width=300)
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "is damaged" in result.output and "patients" in result.output


@pytest.mark.parametrize("serial", ["-5.923332069034768E+16", "-1E+300"])
def test_a_date_cell_no_date_is_is_named_not_a_panic(tmp_path, serial):
    """python-calamine panics (a Rust panic, no Python exception) on a date-formatted cell of a large negative
    number: the workbook is refused naming the cell, which Excel shows as ########. (Other numbers no date is
    are read, and reported as not a date.)"""
    path = write_dataset(small_dataset(), tmp_path / "registry.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book["infusions"]
    sheet["D2"].value = float(serial)
    sheet["D2"].number_format = "yyyy-mm-dd"
    book.save(path)
    with pytest.raises(SourceError) as refused:
        read_dataset(path)
    assert "sheet infusions: cell D2 is formatted as a date but holds" in str(refused.value)
