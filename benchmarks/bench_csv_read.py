"""Reading a CSV dataset against a bare `pandas.read_csv` of the same files, as a ratio, in one run.

Three readings of the same folder, alternated so that a busy machine slows them alike (best of `--repeat`):

- `pandas.read_csv(path, dtype=str)` of every file: text cells, nothing decoded by hand, nothing checked;
- `iectox.io.read_raw`: the reading itself (safe opening, encoding, separator, rows cut and checked);
- `iectox.io.check_path`: reading and validating every cell and rule (what `iectox validate` does).

The issue's target: reading and validating 1,000,000 infusions (6 million rows) in at most 3 times the bare
read. The "reading" ratio is io's part; the rest of "read + validate" is validation.

    python benchmarks/bench_csv_read.py [--n 1000000] [--folder DIR] [--repeat 2]

`--folder` reads an existing CSV dataset (e.g. written by `iectox synth --n 1000000 --out DIR`) instead of
synthesising one into a temporary folder.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from iectox.io import check_path, read_raw, write_dataset
from iectox.synth import generate


def bare_pandas(folder: Path) -> None:
    for path in sorted(folder.glob("*.csv")):
        pd.read_csv(path, dtype=str)


def reading(folder: Path) -> None:
    read_raw(folder)


def reading_and_validation(folder: Path) -> None:
    dataset, issues = check_path(folder)
    if dataset is None:
        raise SystemExit(f"the benchmark dataset is invalid: {issues[:3]}")


CASES: dict[str, Callable[[Path], None]] = {
    "pandas.read_csv(dtype=str) of every file": bare_pandas,
    "iectox reading (io.read_raw)": reading,
    "iectox read + validate (io.check_path)": reading_and_validation,
}


def measure(folder: Path, repeat: int) -> dict[str, float]:
    best = dict.fromkeys(CASES, float("inf"))
    for _ in range(repeat):
        for label, case in CASES.items():
            start = time.perf_counter()
            case(folder)
            best[label] = min(best[label], time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--folder", type=Path)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    work = None
    if args.folder is None:
        work = Path(tempfile.mkdtemp(prefix="iectox-bench-csv-"))
        start = time.perf_counter()
        args.folder = write_dataset(generate(args.n), work / "cohort")
        print(f"synthesised and written in {time.perf_counter() - start:.1f} s")
    try:
        rows = sum(max(0, sum(1 for _ in p.open("rb")) - 1) for p in args.folder.glob("*.csv"))
        size = sum(p.stat().st_size for p in args.folder.glob("*.csv")) / 2**20
        print(f"{args.folder}: {rows:,} rows of CSV, {size:.0f} MB; best of {args.repeat}")
        best = measure(args.folder, args.repeat)
    finally:
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)
    bare = best["pandas.read_csv(dtype=str) of every file"]
    print(f"| {'case':<42} | seconds | x bare read |")
    print(f"| {'---':<42} | ---: | ---: |")
    for label, seconds in best.items():
        print(f"| {label:<42} | {seconds:.2f} | {seconds / bare:.2f} |")


if __name__ == "__main__":
    main()
