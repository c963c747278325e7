"""Only regular files are opened, within a size limit and without waiting: anything else in a dataset folder
(or given as the dataset) is refused with one sentence naming it, never a hang, a traceback or a full memory."""

from __future__ import annotations

import errno
import os
import signal
from pathlib import Path

import pytest

from factories import small_dataset
from iectox.errors import SourceError
from iectox.io import check_path, read_raw, write_dataset
from iectox.io import files as files_module


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return write_dataset(small_dataset(), tmp_path / "data")


@pytest.fixture(autouse=True)
def no_hang():
    """A read that waits (a FIFO) fails the test after 10 s instead of hanging the suite."""

    def hung(*_):
        raise TimeoutError("the read hung")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(10)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def _refused(path: Path) -> str:
    with pytest.raises(SourceError) as caught:
        read_raw(path)
    return str(caught.value)


def _replace(folder: Path, make) -> Path:
    patients = folder / "patients.csv"
    patients.unlink()
    make(patients)
    return patients


def test_a_folder_named_like_a_table(folder):
    patients = _replace(folder, Path.mkdir)
    assert _refused(folder) == f"{patients}: is a folder, not a file"


def test_a_dangling_link(folder):
    patients = _replace(folder, lambda p: p.symlink_to(folder / "gone.csv"))
    assert _refused(folder) == f"{patients}: is a broken link: {folder / 'gone.csv'} does not exist"


def test_a_looping_link(folder):
    patients = _replace(folder, lambda p: p.symlink_to(p))
    assert _refused(folder) == f"{patients}: is a symbolic link that loops back on itself"


def test_a_fifo_is_refused_without_waiting(folder):
    patients = _replace(folder, os.mkfifo)
    assert _refused(folder) == (
        f"{patients}: is a named pipe (FIFO), not a file: reading it would wait for a writer"
    )


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null"])
def test_a_link_to_a_device(folder, device):
    patients = _replace(folder, lambda p: p.symlink_to(device))
    assert _refused(folder) == f"{patients}: is a device, not a file"


def test_a_workbook_path_that_is_a_fifo(tmp_path):
    os.mkfifo(tmp_path / "registry.xlsx")
    assert "is a named pipe (FIFO)" in _refused(tmp_path / "registry.xlsx")


def test_an_unreadable_file(folder, monkeypatch):
    """Permissions cannot be tested by chmod when the tests run as root: the refusal of open() is simulated."""
    real_open = os.open

    def denied(path, *args, **kwargs):
        if str(path).endswith("patients.csv"):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(files_module.os, "open", denied)
    assert _refused(folder) == f"{folder / 'patients.csv'}: cannot be read: permission denied"


def test_a_file_above_the_size_limit_is_refused_before_it_is_read(folder, monkeypatch):
    monkeypatch.setenv("IECTOX_MAX_FILE_SIZE", "1K")
    (folder / "patients.csv").write_bytes(b"patient_id\n" + b"P-1\n" * 300)
    real_open = os.open

    def watched(path, *args, **kwargs):
        assert not str(path).endswith("patients.csv"), "the file was opened"
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(files_module.os, "open", watched)
    assert _refused(folder) == (
        f"{folder / 'patients.csv'}: is 1.2 KiB, above the limit of 1.0 KiB per file "
        "(set IECTOX_MAX_FILE_SIZE to allow more)"
    )


def test_a_read_that_takes_too_long_is_stopped(folder, monkeypatch):
    monkeypatch.setattr(files_module, "READ_SECONDS", -1.0)
    assert _refused(folder).endswith("administrations.csv: took more than -1 s to read and was stopped")


def test_a_size_limit_that_is_not_a_size(folder, monkeypatch):
    monkeypatch.setenv("IECTOX_MAX_FILE_SIZE", "lots")
    assert _refused(folder) == (
        "IECTOX_MAX_FILE_SIZE: 'lots' is not a size: give bytes, or a number with K, M or G (e.g. 4G)"
    )


def test_the_default_limit_reads_the_dataset(folder, monkeypatch):
    monkeypatch.delenv("IECTOX_MAX_FILE_SIZE", raising=False)
    assert files_module.max_file_size() == 2 * 2**30
    assert check_path(folder)[0] is not None


def test_a_lone_csv_named_after_a_table_reads_its_folder(folder):
    assert check_path(folder / "patients.csv")[0] is not None


def test_a_lone_csv_that_is_not_a_table(folder):
    (folder / "notes.csv").write_text("a\n1\n")
    assert _refused(folder / "notes.csv") == (
        f"{folder / 'notes.csv'}: is not a table of the dataset; give the folder that holds its tables "
        "(patients.csv, infusions.csv, toxicity_episodes.csv, administrations.csv, observations.csv, "
        "outcomes.csv, labs.csv)"
    )


def test_an_empty_folder_and_a_folder_without_csv(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert _refused(empty).startswith(f"{empty}: is an empty folder; a CSV dataset holds patients.csv, ")
    (empty / "notes.txt").write_text("hello")
    assert _refused(empty).startswith(f"{empty}: holds no CSV file; a CSV dataset holds patients.csv, ")


def test_a_missing_path(tmp_path):
    assert _refused(tmp_path / "nowhere") == f"{tmp_path / 'nowhere'}: does not exist"


def test_files_that_are_not_tables_are_listed_not_opened(folder):
    os.mkfifo(folder / "notes.csv")
    _, extra = read_raw(folder)
    assert extra == ["notes.csv"]


def test_a_refusal_is_translated(folder):
    _replace(folder, Path.mkdir)
    with pytest.raises(SourceError) as caught:
        read_raw(folder)
    assert caught.value.text("fr") == f"{folder / 'patients.csv'}: est un dossier, pas un fichier"
