"""A zipped folder of CSV files: read as the folder it holds; a hostile archive (zip slip, a link, a bomb, a
password, tables spread over folders) refused in one sentence before anything is unpacked."""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from factories import small_dataset
from iectox.cli.commands import app
from iectox.errors import SourceError
from iectox.io import check_path, csvzip, read_dataset, write_dataset
from iectox.io.csvzip import read_csv_zip, unpack_csv_zip
from iectox.io.ooxml import Limits
from iectox.schema import CONTRACT


@pytest.fixture
def tables(tmp_path) -> Path:
    return write_dataset(small_dataset(), tmp_path / "registry")


def zipped(path: Path, members: dict[str, bytes], **options) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, **options) as package:
        for name, data in members.items():
            package.writestr(name, data)
    return path


def csv_members(folder: Path, prefix: str = "") -> dict[str, bytes]:
    return {prefix + p.name: p.read_bytes() for p in sorted(folder.glob("*.csv"))}


@pytest.mark.parametrize("prefix", ["", "registry/", "exports/registry/"])
def test_a_zipped_folder_reads_back_exactly(tables, tmp_path, prefix):
    archive = zipped(tmp_path / "registry.zip", csv_members(tables, prefix) | {"README.txt": b"notes"})
    read = read_dataset(archive)
    for name in CONTRACT.table_names:
        pd.testing.assert_frame_equal(read[name], small_dataset()[name], check_exact=True, obj=name)


def test_write_dataset_writes_a_zip_of_the_csv_folder_that_reads_back_exactly(tmp_path):
    data = small_dataset()
    frames = {name: data[name].copy() for name in data}
    frames["outcomes"].loc[1, "death_cause"] = "=HYPERLINK(1)"
    data = type(data).from_frames(frames)
    archive = write_dataset(data, tmp_path / "export.zip")
    with zipfile.ZipFile(archive) as package:
        assert package.namelist() == [f"export/{name}.csv" for name in CONTRACT.table_names]
        assert b",'=HYPERLINK(1)\n" in package.read("export/outcomes.csv")
    read = read_dataset(archive)
    for name in CONTRACT.table_names:
        pd.testing.assert_frame_equal(read[name], data[name], check_exact=True, obj=name)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".export.zip.iectox-output",
        "export.zip",
    ]  # its record


def test_an_issue_names_the_csv_file_and_row(tables, tmp_path):
    members = csv_members(tables)
    members["infusions.csv"] = members["infusions.csv"].replace(b"axicabtagene_ciloleucel", b"Yescarte")
    dataset, issues = check_path(zipped(tmp_path / "bad.zip", members))
    assert dataset is None
    (issue,) = [i for i in issues if i.severity == "error"]
    assert (issue.file, issue.row, issue.column, issue.value, issue.rule) == (
        "infusions.csv",
        2,
        "therapy",
        "Yescarte",
        "vocabulary",
    )


@pytest.mark.parametrize(
    "name",
    [
        "../patients.csv",
        "registry/../../patients.csv",
        "/etc/patients.csv",
        "..\\..\\patients.csv",
        "C:/x.csv",
    ],
)
def test_a_name_leading_outside_the_folder_is_refused_and_nothing_is_unpacked(tables, tmp_path, name):
    archive = zipped(tmp_path / "slip.zip", csv_members(tables) | {name: b"patient_id\nP-9\n"})
    target = tmp_path / "out"
    target.mkdir()
    with pytest.raises(SourceError) as refused:
        unpack_csv_zip(archive, target)
    assert "leads outside the archive's folder" in str(refused.value) and name in str(refused.value)
    assert list(target.iterdir()) == []
    assert not (tmp_path / "patients.csv").exists()


def test_a_symbolic_link_member_is_refused(tables, tmp_path):
    archive = tmp_path / "link.zip"
    with zipfile.ZipFile(archive, "w") as package:
        for name, data in csv_members(tables).items():
            package.writestr(name, data)
        link = zipfile.ZipInfo("notes.csv")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        package.writestr(link, "/etc/passwd")
    with pytest.raises(SourceError, match="a symbolic link"):
        read_csv_zip(archive)


def test_a_bomb_is_refused_from_its_declared_sizes(tables, tmp_path, monkeypatch):
    archive = zipped(tmp_path / "bomb.zip", csv_members(tables) | {"observations.csv": b"0" * 5_000_000})
    assert archive.stat().st_size < 100_000
    monkeypatch.setattr(csvzip, "LIMITS", Limits(unpacked_bytes=1_000_000))
    with pytest.raises(SourceError, match=r"unpacks to 4\.8 MiB, above the limit of 976\.6 KiB"):
        read_csv_zip(archive)
    monkeypatch.setenv("IECTOX_MAX_FILE_SIZE", "1M")
    with pytest.raises(SourceError, match=r"'observations\.csv', 4\.8 MiB once unpacked, above the limit"):
        read_csv_zip(archive)


def test_tables_spread_over_folders_a_name_twice_and_no_csv_are_refused(tables, tmp_path):
    spread = csv_members(tables, "a/") | {"b/notes.csv": b"text\n"}
    with pytest.raises(SourceError, match=r"more than one folder \(a, b\)"):
        read_csv_zip(zipped(tmp_path / "spread.zip", spread))
    with pytest.warns(UserWarning, match="Duplicate name"):
        twice = zipped(tmp_path / "twice.zip", csv_members(tables) | {"patients.csv": b"x"})
        with zipfile.ZipFile(twice, "a") as package:
            package.writestr("patients.csv", b"patient_id\n")
    with pytest.raises(SourceError, match=r"holds 'patients\.csv' twice"):
        read_csv_zip(twice)
    with pytest.raises(SourceError, match="holds no CSV file"):
        read_csv_zip(zipped(tmp_path / "empty.zip", {"notes.txt": b"x", "__MACOSX/._patients.csv": b"x"}))


def test_not_a_zip_and_a_damaged_zip_are_refused(tables, tmp_path):
    text = tmp_path / "registry.zip"
    text.write_text("patient_id,sex\nP-1,female\n")
    with pytest.raises(SourceError, match="is not a zip archive"):
        read_csv_zip(text)
    archive = zipped(tmp_path / "damaged.zip", {"patients.csv": (tables / "patients.csv").read_bytes() * 50})
    data = bytearray(archive.read_bytes())
    data[60] ^= 0xFF  # a byte of the compressed data: the CRC no longer matches
    archive.write_bytes(bytes(data))
    with pytest.raises(SourceError, match="is damaged and cannot be read"):
        read_csv_zip(archive)


def test_a_problem_of_a_file_inside_names_the_archive_and_the_file(tmp_path):
    archive = zipped(tmp_path / "registry.zip", {"patients.csv": b""})
    with pytest.raises(SourceError) as refused:
        read_csv_zip(archive)
    assert refused.value.file == "registry.zip/patients.csv"
    assert "iectox-zip-" not in str(refused.value)


def test_cli_validates_a_zip(tables, tmp_path):
    archive = zipped(tmp_path / "registry.zip", csv_members(tables))
    result = CliRunner().invoke(app, ["validate", str(archive)])
    assert result.exit_code == 0, result.output
    slip = zipped(tmp_path / "slip.zip", {"../patients.csv": b"x"})
    result = CliRunner().invoke(app, ["validate", str(slip)])
    assert result.exit_code == 2
    assert "leads outside the archive's folder" in result.output
