"""Reading and writing datasets: a folder of CSV files, one XLSX workbook or a Parquet folder, losslessly.

Reading validates everything and is all-or-nothing; writing lands whole or not at all.
"""

from __future__ import annotations

from pathlib import Path

from iectox.dataset import Dataset
from iectox.errors import DatasetInvalid, Issue, SourceError
from iectox.i18n import N_
from iectox.io.atomic import check_output_folder
from iectox.io.csvdir import read_csv_folder, write_csv_folder
from iectox.io.csvzip import read_csv_zip, write_csv_zip
from iectox.io.files import regular_file
from iectox.io.owned import check_output_file
from iectox.io.parquet import check_parquet, is_parquet_dataset, write_parquet_dataset
from iectox.io.xlsx import read_workbook, write_workbook
from iectox.schema import CONTRACT
from iectox.validate import RawTable, Settings, check_raw, ensure_valid

__all__ = ["check_output", "check_path", "read_dataset", "read_raw", "write_dataset"]

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
ZIP_SUFFIX = ".zip"  # a zipped folder of CSV files (`csvzip`)


def read_raw(path: str | Path) -> tuple[dict[str, RawTable], list[str]]:
    """The raw tables of a workbook or CSV folder (a lone CSV file named after a table counts as its folder, a
    `.zip` as the folder it holds).

    Only a regular file within the size limit is ever opened (`iectox.io.files`); anything else at `path`
    (a missing file, a broken or looping link, a pipe, a device) is a `SourceError` naming it.
    """
    path = Path(path)
    if path.suffix.lower() in WORKBOOK_SUFFIXES and not path.is_dir():
        regular_file(path)
        return read_workbook(path)
    if path.is_dir():
        return read_csv_folder(path)
    if path.suffix.lower() == ZIP_SUFFIX:
        return read_csv_zip(path)
    if path.suffix.lower() == ".csv":
        if path.stem not in CONTRACT.table_names:
            raise SourceError(
                str(path),
                N_("is not a table of the dataset; give the folder that holds its tables ({files})"),
                files=", ".join(f"{name}.csv" for name in CONTRACT.table_names),
            )
        regular_file(path)
        return read_csv_folder(path.parent)
    regular_file(path)
    raise SourceError(str(path), N_("is neither an XLSX workbook nor a folder of CSV files"))


def check_path(path: str | Path, settings: Settings | None = None) -> tuple[Dataset | None, list[Issue]]:
    """Every problem in the dataset at `path`, and the dataset when there is no error.

    A Parquet folder (`*.parquet`, or a folder of `<table>.parquet` files) is read typed, with the same rules.
    """
    if is_parquet_dataset(path):
        return check_parquet(path, settings)
    raw, extra = read_raw(path)
    return check_raw(raw, settings, where=Path(path).name, extra=extra)


def read_dataset(path: str | Path, settings: Settings | None = None) -> Dataset:
    """The dataset at `path`, or `DatasetInvalid` with every problem; never a partial dataset."""
    dataset, issues = check_path(path, settings)
    if dataset is None:
        raise DatasetInvalid(issues)
    return dataset


def _single_file(path: Path) -> bool:
    """Whether `write_dataset` writes `path` as one file (a workbook, a zip), not as a folder."""
    return path.suffix.lower() in (*WORKBOOK_SUFFIXES, ZIP_SUFFIX)


def check_output(path: str | Path) -> Path:
    """`path`, or `OutputRefused` when `write_dataset` would refuse it (a file or folder iectox did not
    write): asked before a command does its work, rather than after it."""
    path = Path(path)
    if _single_file(path):
        return check_output_file(path)
    return check_output_folder(path)


def write_dataset(dataset: Dataset, path: str | Path, settings: Settings | None = None) -> Path:
    """Write `dataset` as an .xlsx workbook, a `.parquet` folder, a `.zip` of CSV files or a CSV folder after
    checking it; an invalid one is not written, nor one whose place holds a file or folder iectox did not
    write (`check_output`)."""
    path = Path(path)
    check_output(path)
    ensure_valid(dataset, settings)
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        write_workbook(dataset, path)
    elif path.suffix.lower() == ".parquet":
        write_parquet_dataset(dataset, path)
    elif path.suffix.lower() == ZIP_SUFFIX:
        write_csv_zip(dataset, path)
    else:
        write_csv_folder(dataset, path)
    return path
