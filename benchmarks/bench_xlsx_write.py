"""Writing the dataset workbook: iectox's writer against openpyxl and XlsxWriter, per cell, in one run.

- `iectox.io.xlsx_write.write_workbook` on the whole synthetic cohort (`--n` infusions, 300,000 by default:
  13 million cells), the writer alone;
- openpyxl's write-only mode and XlsxWriter's constant_memory mode (when installed) given the same tables as
  rows of plain Python values, dates as styled serial numbers, on the first `--sample` rows of each table (their
  cost per cell does not depend on the table's length): a lower bound of what a writer built on them costs;
- `iectox synth --n N --out FILE.xlsx` end to end (wall clock), the issue's target: at most 30 s.

    python benchmarks/bench_xlsx_write.py [--n 300000] [--sample 20000] [--no-end-to-end]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from iectox.dataset import Dataset
from iectox.io.xlsx_write import serials, write_workbook
from iectox.schema import Kind
from iectox.synth import generate

DATE_FORMATS = {Kind.DATE: "yyyy-mm-dd", Kind.DATETIME: "yyyy-mm-dd hh:mm"}


def cells(dataset: Dataset) -> int:
    return sum((len(dataset[t.name]) + 1) * len(t.columns) for t in dataset.schema.tables)


def sample(dataset: Dataset, rows: int) -> Dataset:
    return Dataset.from_frames({name: frame.head(rows) for name, frame in dataset.tables.items()})


def plain_columns(dataset: Dataset, table_name: str) -> list[list[object]]:
    """A table's columns as Python values: text, numbers, serial numbers for dates, None for blanks."""
    table, frame = dataset.schema.table(table_name), dataset[table_name]
    columns = []
    for column in table.columns:
        values = frame[column.name]
        if column.kind in DATE_FORMATS:
            numbers = serials(values)
            columns.append([None if np.isnan(x) else x for x in numbers.tolist()])
        elif column.kind is Kind.BOOLEAN:
            columns.append(
                values.map({True: "yes", False: "no"}).astype(object).where(values.notna(), None).tolist()
            )
        else:
            columns.append(values.astype(object).where(values.notna(), None).tolist())
    return columns


def with_openpyxl(dataset: Dataset, path: Path) -> None:
    import openpyxl
    from openpyxl.cell import WriteOnlyCell

    book = openpyxl.Workbook(write_only=True)
    for table in dataset.schema.tables:
        sheet = book.create_sheet(table.name)
        sheet.append(table.column_names)
        dated = {}
        for index, column in enumerate(table.columns):
            if column.kind in DATE_FORMATS:
                cell = WriteOnlyCell(sheet)
                cell.number_format = DATE_FORMATS[column.kind]
                dated[index] = cell
        for values in zip(*plain_columns(dataset, table.name), strict=True):
            row = list(values)
            for index, cell in dated.items():
                if row[index] is not None:
                    cell.value = row[index]
                    row[index] = cell
            sheet.append(row)
    book.save(path)


def with_xlsxwriter(dataset: Dataset, path: Path) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(
        str(path), {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    formats = {kind: book.add_format({"num_format": fmt}) for kind, fmt in DATE_FORMATS.items()}
    for table in dataset.schema.tables:
        sheet = book.add_worksheet(table.name)
        sheet.write_row(0, 0, table.column_names)
        styles = [formats.get(column.kind) for column in table.columns]
        for number, values in enumerate(zip(*plain_columns(dataset, table.name), strict=True), start=1):
            for index, value in enumerate(values):
                if value is not None:
                    sheet.write(number, index, value, styles[index])
    book.close()


def timed(case: Callable[[Dataset, Path], None], dataset: Dataset, path: Path) -> tuple[float, float]:
    """Wall-clock and processor seconds (the machine may be shared: the processor time is the steadier)."""
    wall, cpu = time.perf_counter(), time.process_time()
    case(dataset, path)
    return time.perf_counter() - wall, time.process_time() - cpu


def end_to_end(n: int, path: Path) -> float:
    command = [str(Path(sys.executable).with_name("iectox")), "synth", "--n", str(n), "--out", str(path)]
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env={**os.environ, "IECTOX_LANG": "en"})
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=300_000)
    parser.add_argument("--sample", type=int, default=20_000)
    parser.add_argument("--no-end-to-end", action="store_true")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="iectox-bench-xlsx-"))
    try:
        start = time.perf_counter()
        dataset = generate(args.n, seed=1)
        small = sample(dataset, args.sample)
        print(
            f"{args.n:,} infusions synthesised in {time.perf_counter() - start:.1f} s: {cells(dataset):,} cells"
        )
        cases: list[tuple[str, Callable[[Dataset, Path], None], Dataset]] = [
            ("iectox write_workbook (XML written directly)", write_workbook, dataset),
            ("openpyxl write-only, plain rows", with_openpyxl, small),
        ]
        try:
            import xlsxwriter  # noqa: F401
        except ImportError:
            print("XlsxWriter is not installed: its row is left out")
        else:
            cases.append(("XlsxWriter constant_memory, plain rows", with_xlsxwriter, small))
        print(f"| {'writer':<46} | cells | wall s | cpu s | cpu us/cell | MB |")
        print(f"| {'---':<46} | ---: | ---: | ---: | ---: | ---: |")
        for label, case, data in cases:
            path = work / f"{len(list(work.iterdir()))}.xlsx"
            wall, cpu = timed(case, data, path)
            count = cells(data)
            size = path.stat().st_size / 1e6
            print(
                f"| {label:<46} | {count:,} | {wall:.2f} | {cpu:.2f} | {cpu / count * 1e6:.2f} | {size:.1f} |"
            )
            path.unlink()
        del dataset, small
        if not args.no_end_to_end:
            seconds = end_to_end(args.n, work / "big.xlsx")
            size = (work / "big.xlsx").stat().st_size / 1e6
            print(f"`iectox synth --n {args.n} --out big.xlsx`, end to end: {seconds:.1f} s, {size:.1f} MB")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
