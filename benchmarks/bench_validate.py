"""Reading and validating a dataset against a bare `pandas.read_csv` of the same files, in one run.

The issue's target: reading and validating 1,000,000 infusions (6 million rows of CSV) costs at most 3 times
a bare read of the same files. The two are alternated so that a busy machine slows them alike; each is timed
by the wall clock and by the process's CPU time (the machine is shared: CPU time is what another process
cannot take), best of `--repeat`. For a workbook there is no bare read to compare with: its reading and its
validation are timed apart.

    python benchmarks/bench_validate.py [--n 200000] [--folder DIR | --folder FILE.xlsx] [--repeat 3]
                                        [--profile]

`--folder` reads an existing dataset (written by `iectox synth --n 1000000 --out DIR`) instead of
synthesising one into a temporary folder; `--profile` prints the top of a cProfile of one validation.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from iectox.io import check_path, read_raw, write_dataset
from iectox.synth import generate
from iectox.validate import check_raw

Timing = tuple[float, float]  # wall seconds, CPU seconds


def timed(case: Callable[[], object]) -> Timing:
    wall, cpu = time.perf_counter(), time.process_time()
    case()
    return time.perf_counter() - wall, time.process_time() - cpu


def bare_read(folder: Path) -> None:
    for path in sorted(folder.glob("*.csv")):
        pd.read_csv(path, dtype=str, keep_default_na=False)


def read_and_validate(path: Path) -> None:
    dataset, issues = check_path(path)
    if dataset is None:
        raise SystemExit(f"the benchmark dataset is invalid: {issues[:3]}")


def best_of(cases: dict[str, Callable[[], object]], repeat: int) -> dict[str, Timing]:
    best = {label: (float("inf"), float("inf")) for label in cases}
    for _ in range(repeat):
        for label, case in cases.items():
            wall, cpu = timed(case)
            best[label] = (min(best[label][0], wall), min(best[label][1], cpu))
    return best


def csv_cases(folder: Path) -> dict[str, Callable[[], object]]:
    return {
        "pandas.read_csv(dtype=str) of every file": lambda: bare_read(folder),
        "iectox read + validate (io.check_path)": lambda: read_and_validate(folder),
    }


def workbook_cases(path: Path) -> dict[str, Callable[[], object]]:
    raw, extra = read_raw(path)
    return {
        "iectox reading (io.read_raw)": lambda: read_raw(path),
        "iectox validation (validate.check_raw)": lambda: check_raw(raw, where=path.name, extra=extra),
    }


def report(best: dict[str, Timing], bare: str | None) -> None:
    print(f"| {'case':<42} | wall s | CPU s | x bare (wall) | x bare (CPU) |")
    print(f"| {'---':<42} | ---: | ---: | ---: | ---: |")
    for label, (wall, cpu) in best.items():
        ratios = (wall / best[bare][0], cpu / best[bare][1]) if bare else (float("nan"), float("nan"))
        print(f"| {label:<42} | {wall:.2f} | {cpu:.2f} | {ratios[0]:.2f} | {ratios[1]:.2f} |")


def profile(path: Path, top: int = 30) -> None:
    profiler = cProfile.Profile()
    profiler.runcall(check_path, path)
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(top)
    pstats.Stats(profiler).sort_stats("tottime").print_stats(top)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200_000)
    parser.add_argument("--folder", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    args, _ = parser.parse_known_args()  # `benchmarks/run.py` passes its arguments to every script
    work = None
    if args.folder is None:
        work = Path(tempfile.mkdtemp(prefix="iectox-bench-validate-"))
        args.folder = write_dataset(generate(args.n), work / "cohort")
    try:
        workbook = args.folder.is_file()
        if not workbook:
            rows = sum(max(0, sum(1 for _ in p.open("rb")) - 1) for p in args.folder.glob("*.csv"))
            size = sum(p.stat().st_size for p in args.folder.glob("*.csv")) / 2**20
            print(f"{args.folder}: {rows:,} rows of CSV, {size:.0f} MB; best of {args.repeat}")
        else:
            print(f"{args.folder}: best of {args.repeat}")
        cases = workbook_cases(args.folder) if workbook else csv_cases(args.folder)
        best = best_of(cases, args.repeat)
        report(best, None if workbook else next(iter(cases)))
        if args.profile:
            profile(args.folder)
    finally:
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
