"""The same comparison table with iectox and with the `tableone` package, side by side, in one run.

10 variables (6 categorical, 4 continuous) of the analysis table, two groups, p-values. Each measurement
runs in its own process: iectox best of `--repeat`, tableone once (it takes seconds where iectox takes
milliseconds). Both tools read the same frame, of plain NumPy dtypes (text as Python objects), as tableone
needs. The issue's target: at 1,000,000 rows, iectox at least 150 times faster than tableone.

    python benchmarks/bench_compare.py [--sizes 401,100000,1000000] [--repeat 3] [--json] [--quick]
"""

from __future__ import annotations

import argparse
import json
import pickle
import shutil
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd
from harness import Row, child, main_rows, size, verdict

CATEGORICAL = ["sex", "indication", "therapy", "crs_grade", "icans_grade", "tocilizumab"]
CONTINUOUS = ["age", "weight_kg", "tocilizumab_dose_mg", "crs_onset_day"]
BY = "cohort"
TARGET_RATIO = 150


def prepare(n: int, path: Path) -> None:
    from iectox.analysis import infusion_table
    from iectox.synth import generate

    frame = infusion_table(generate(n, seed=1))[[BY, *CATEGORICAL, *CONTINUOUS]]
    # plain NumPy dtypes, so that both tools read the same frame without pandas extension types
    for column in [*CATEGORICAL, BY]:
        frame[column] = frame[column].astype(object).where(frame[column].notna(), np.nan)
    for column in CONTINUOUS:
        frame[column] = frame[column].astype("float64")
    path.write_bytes(pickle.dumps(frame))


def run_iectox(frame: pd.DataFrame) -> object:
    from iectox.stats.compare import compare

    return compare(frame, BY, CATEGORICAL + CONTINUOUS).add_p()


def run_tableone(frame: pd.DataFrame) -> object:
    import warnings

    from tableone import TableOne

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return TableOne(
            frame, columns=CATEGORICAL + CONTINUOUS, categorical=CATEGORICAL, groupby=BY, pval=True
        )


def measure(tool: str, path: Path, repeat: int) -> dict[str, float]:
    """Best wall-clock and CPU time of `repeat` runs, then the peak memory of one traced run."""
    frame = pickle.loads(path.read_bytes())
    run = {"iectox": run_iectox, "tableone": run_tableone}[tool]
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        run(frame)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    tracemalloc.start()  # a separate, untimed run: tracing allocations slows it down
    run(frame)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {
        "seconds": min(walls),
        "cpu": min(cpus),
        "peak_mb": peak / 2**20,
        "frame_mb": frame.memory_usage(deep=True).sum() / 2**20,
    }


def side_by_side(n: int, repeat: int, work: Path) -> tuple[dict[str, float], dict[str, float]]:
    path = work / f"frame-{n}.pkl"
    prepare(n, path)
    script = Path(__file__)
    ours = child(script, "--measure", "iectox", "--frame", str(path), "--repeat", str(repeat))
    theirs_repeat = "1" if n >= 100_000 else str(repeat)
    theirs = child(script, "--measure", "tableone", "--frame", str(path), "--repeat", theirs_repeat)
    return ours, theirs


def rows(sizes: list[int], repeat: int) -> list[Row]:
    work = Path(tempfile.mkdtemp(prefix="iectox-bench-"))
    out = []
    try:
        for n in sizes:
            ours, theirs = side_by_side(n, repeat, work)
            ratio = theirs["seconds"] / ours["seconds"]
            cpu_ratio = theirs["cpu"] / ours["cpu"]
            largest = n == max(sizes)
            out.append(
                Row(
                    target=f"compare() on {n:,} rows x 10 variables, p-values: >= {TARGET_RATIO}x faster "
                    "than tableone"
                    if largest
                    else f"compare() on {n:,} rows x 10 variables (scale)",
                    measured=f"{ours['seconds']:.3f} s (CPU {ours['cpu']:.3f} s), peak {ours['peak_mb']:.0f} MB "
                    f"for a {ours['frame_mb']:.0f} MB frame",
                    reference=f"tableone 0.9.6: {theirs['seconds']:.2f} s (CPU {theirs['cpu']:.2f} s), "
                    f"peak {theirs['peak_mb']:.0f} MB",
                    ratio=f"{ratio:.0f}x",
                    status=verdict(ratio >= TARGET_RATIO, n != 1_000_000) if largest else "info",
                    note=f"CPU-time ratio {cpu_ratio:.0f}x",
                )
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--sizes", default=None, help="comma-separated row counts (default 401,100000,1000000)"
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--measure", choices=["iectox", "tableone"])
    parser.add_argument("--frame", type=Path)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.frame, args.repeat)))
        return
    default = f"401,{size(100_000, 401)},{size(1_000_000, 100_000)}"
    sizes = sorted({int(s) for s in (args.sizes or default).split(",")})
    main_rows(lambda: rows(sizes, args.repeat))


if __name__ == "__main__":
    sys.exit(main())
