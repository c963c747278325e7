"""National scale: 100,000 infusions with 100,000,000 observation rows graded and reported on a dataframe engine.

The issue's target: DuckDB by default on one machine, within 120 s and 8 GB; the same code on Apache Spark
(`--engine spark`, checked for equal results by a test, not timed here). This benchmark runs only when the
command line has an `--engine` option and `BENCH_ENGINE_DATA` names a prepared dataset of that size (a
Parquet dataset of 100 million observation rows is not made on the fly); otherwise its row says why not.

    BENCH_ENGINE_DATA=/data/national python benchmarks/bench_engines.py [--json]
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from harness import IECTOX, ROOT, Row, main_rows, run, verdict

TARGET = "100,000 infusions with 100,000,000 observation rows graded and reported (DuckDB) <= 120 s, <= 8 GB"
LIMIT_S, LIMIT_GB = 120.0, 8.0


def rows() -> list[Row]:
    usage = subprocess.run([IECTOX, "report", "--help"], capture_output=True, text=True, check=False).stdout
    if "--engine" not in usage:
        return [Row(TARGET, "-", "not run", note="this build's `iectox report` has no --engine option")]
    data = os.environ.get("BENCH_ENGINE_DATA")
    if not data:
        return [
            Row(TARGET, "-", "not run", note="set BENCH_ENGINE_DATA to a 100,000-infusion Parquet dataset")
        ]
    study = ROOT / "examples" / "seed_study" / "study.toml"
    out = Path(tempfile.mkdtemp(prefix="iectox-bench-"))
    try:
        timed = run(
            [IECTOX, "report", data, "--study", study, "--out", out / "r", "--engine", "duckdb"], 3600
        )
    finally:
        shutil.rmtree(out, ignore_errors=True)
    ok = timed.returncode == 0 and timed.wall <= LIMIT_S and timed.peak_mb <= LIMIT_GB * 1024
    return [Row(TARGET, f"{timed.show()}, peak {timed.peak_mb / 1024:.2f} GB", verdict(ok))]


if __name__ == "__main__":
    sys.exit(main_rows(rows))
