"""Capture at scale: synthesising, writing, and reading back with full validation, 1,000,000 infusions.

Side by side with what a user would otherwise do to load the same CSV files: `pandas.read_csv`, which checks
nothing. Each case runs in its own process so that its peak memory is its own.

    python benchmarks/bench_capture.py [--n 1000000]
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def case_generate(n: int, folder: Path) -> dict[str, float]:
    from iectox.synth import generate

    start = time.perf_counter()
    generate(n)
    return {"seconds": time.perf_counter() - start, "peak_mb": _peak_mb()}


def case_write(n: int, folder: Path) -> dict[str, float]:
    from iectox.io import write_dataset
    from iectox.synth import generate

    dataset = generate(n)
    start = time.perf_counter()
    write_dataset(dataset, folder)
    rows = sum(dataset.counts().values())
    return {"seconds": time.perf_counter() - start, "peak_mb": _peak_mb(), "rows": rows}


def case_read_iectox(n: int, folder: Path) -> dict[str, float]:
    from iectox.io import read_dataset

    start = time.perf_counter()
    read_dataset(folder)
    return {"seconds": time.perf_counter() - start, "peak_mb": _peak_mb()}


def case_read_pandas(n: int, folder: Path) -> dict[str, float]:
    import pandas as pd

    start = time.perf_counter()
    for path in sorted(folder.glob("*.csv")):
        pd.read_csv(path)
    return {"seconds": time.perf_counter() - start, "peak_mb": _peak_mb()}


CASES = {
    f.__name__.removeprefix("case_"): f
    for f in (case_generate, case_write, case_read_iectox, case_read_pandas)
}


def _run(case: str, n: int, folder: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--case", case, "--n", str(n), "--folder", str(folder)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _cli_wall(n: int, folder: Path) -> float:
    start = time.perf_counter()
    iectox = Path(sys.executable).with_name("iectox")
    subprocess.run(
        [str(iectox), "synth", "--n", str(n), "--out", str(folder)], check=True, capture_output=True
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--case", choices=sorted(CASES))
    parser.add_argument("--folder", type=Path)
    args = parser.parse_args()
    if args.case:
        print(json.dumps(CASES[args.case](args.n, args.folder)))
        return
    work = Path(tempfile.mkdtemp(prefix="iectox-bench-"))
    try:
        folder = work / "cohort"
        results = {
            case: _run(case, args.n, folder) for case in ("generate", "write", "read_iectox", "read_pandas")
        }
        wall = _cli_wall(args.n, work / "cli")
        size_mb = sum(p.stat().st_size for p in folder.glob("*.csv")) / 2**20
    finally:
        shutil.rmtree(work, ignore_errors=True)
    rows = results["write"]["rows"]
    print(f"{args.n:,} infusions = {rows:,.0f} rows in 6 tables, {size_mb:.0f} MB of CSV")
    print(f"{'step':<42}{'seconds':>9}{'peak MB':>9}")
    labels = {
        "generate": "iectox synth: generate (in memory)",
        "write": "iectox write_dataset: validate + write CSV",
        "read_iectox": "iectox read_dataset: read + validate all",
        "read_pandas": "pandas.read_csv of the same files",
    }
    for case, label in labels.items():
        print(f"{label:<42}{results[case]['seconds']:>9.1f}{results[case]['peak_mb']:>9.0f}")
    ratio = results["read_iectox"]["seconds"] / results["read_pandas"]["seconds"]
    print(f"ratio read_dataset / pandas.read_csv: {ratio:.1f}x (iectox also types and validates every cell)")
    print(f"`iectox synth --n {args.n}` end to end (wall): {wall:.1f} s")


if __name__ == "__main__":
    main()
