"""The same comparison table with iectox and with the `tableone` package, side by side.

10 variables (6 categorical, 4 continuous), two groups, p-values, at 401, 100,000 and 1,000,000 infusions.
Each measurement runs in its own process; memory is the peak of the memory allocated during one computation
(tracemalloc, in an untimed run), next to the size of the frame itself.

    python benchmarks/bench_compare.py [--sizes 401,100000,1000000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import pickle
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

CATEGORICAL = ["sex", "indication", "therapy", "crs_grade", "icans_grade", "tocilizumab"]
CONTINUOUS = ["age", "weight_kg", "tocilizumab_dose_mg", "crs_onset_day"]
BY = "cohort"


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
    frame = pickle.loads(path.read_bytes())
    run = {"iectox": run_iectox, "tableone": run_tableone}[tool]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run(frame)
        times.append(time.perf_counter() - start)
    tracemalloc.start()  # a separate, untimed run: tracing allocations slows it down
    run(frame)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {
        "seconds": min(times),
        "peak_mb": peak / 2**20,
        "frame_mb": frame.memory_usage(deep=True).sum() / 2**20,
    }


def _child(tool: str, path: Path, repeat: int) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--measure", tool, "--frame", str(path), "--repeat", str(repeat)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="401,100000,1000000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--measure", choices=["iectox", "tableone"])
    parser.add_argument("--frame", type=Path)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.frame, args.repeat)))
        return
    work = Path(tempfile.mkdtemp(prefix="iectox-bench-"))
    print(f"{'rows':>10} {'frame MB':>9} {'iectox s':>9} {'MB':>6} {'tableone s':>11} {'MB':>6} {'ratio':>7}")
    try:
        for n in (int(s) for s in args.sizes.split(",")):
            path = work / f"frame-{n}.pkl"
            prepare(n, path)
            ours = _child("iectox", path, args.repeat)
            theirs = _child("tableone", path, 1 if n >= 100_000 else args.repeat)
            ratio = theirs["seconds"] / ours["seconds"]
            print(
                f"{n:>10,} {ours['frame_mb']:>9.0f} {ours['seconds']:>9.3f} {ours['peak_mb']:>6.0f} "
                f"{theirs['seconds']:>11.2f} {theirs['peak_mb']:>6.0f} {ratio:>6.0f}x",
                flush=True,
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
