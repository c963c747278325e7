"""National scale: 100,000 infusions with 100,000,000 observation rows graded and reported on a dataframe engine.

The issue's target: DuckDB by default on one machine, within 120 s and 8 GB; the same code on Apache Spark
(`--engine spark`, checked for equal results by a test, not timed here). The whole command is timed: `iectox
report registry.parquet --engine duckdb` with the seed study, on `BENCH_ENGINE_DATA` or on the synthetic registry
of bench_scale.py (made once, kept in the temporary folder; a tenth of the size with BENCH_QUICK=1).

    [BENCH_ENGINE_DATA=/data/national] python benchmarks/bench_engines.py [--json]
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

from bench_scale import make
from harness import IECTOX, ROOT, Row, main_rows, quick, run, size, verdict

TARGET = "100,000 infusions with 100,000,000 observation rows graded and reported (DuckDB) <= 120 s, <= 8 GB"
LIMIT_S, LIMIT_GB = 120.0, 8.0


def dataset() -> Path:
    """The registry to report: `BENCH_ENGINE_DATA`, else the synthetic one of bench_scale.py, made once and kept
    in the temporary folder (writing 100 million observation rows takes minutes)."""
    given = os.environ.get("BENCH_ENGINE_DATA")
    if given:
        return Path(given)
    infusions, observations = size(100_000, 10_000), size(100_000_000, 10_000_000)
    folder = Path(tempfile.gettempdir()) / f"iectox-scale-{infusions}-{observations}.parquet"
    if not (folder / "observations.parquet").is_dir():
        shutil.rmtree(folder, ignore_errors=True)
        make(folder, infusions, observations)
    return folder


def rows() -> list[Row]:
    data = dataset()
    study = ROOT / "examples" / "seed_study" / "study.toml"
    out = Path(tempfile.mkdtemp(prefix="iectox-bench-"))
    try:
        timed = run(
            [IECTOX, "report", data, "--study", study, "--out", out / "r", "--engine", "duckdb"], 3600
        )
    finally:
        shutil.rmtree(out, ignore_errors=True)
    ok = timed.returncode == 0 and timed.wall <= LIMIT_S and timed.peak_mb <= LIMIT_GB * 1024
    measured = f"{timed.show()}, peak {timed.peak_mb / 1024:.2f} GB" if timed.returncode == 0 else "failed"
    return [Row(TARGET, measured, verdict(ok, scaled=quick()), note=f"data: {data.name}")]


if __name__ == "__main__":
    sys.exit(main_rows(rows))
