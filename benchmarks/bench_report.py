"""`iectox report` from start to finish, as a user runs it: the seed study, a large registry, and `--help`.

Every command runs in its own process, timed from outside (wall clock, CPU of the process, peak resident
memory), so start-up, reading, the study, the audit and every output count. The study's compute (analysis
table, comparisons, grading, audit: what runs between reading the data and writing the report) is also timed
alone, in process. The issue's targets: the seed study (401 infusions, an XLSX workbook) reported in at most
1.5 s, its compute in at most 0.4 s, `iectox --help` in at most 0.3 s, and 300,000 infusions reported with
figures in at most 60 s and 4 GB.

    python benchmarks/bench_report.py [--n 300000] [--repeat 3] [--json] [--quick]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from harness import IECTOX, ROOT, Row, Timed, child, main_rows, run, size, verdict

STUDY = ROOT / "examples" / "seed_study" / "study.toml"
PUBLISHED = ROOT / "src" / "iectox" / "data" / "seed" / "published_tables.json"
SEED_REPORT_S, SEED_COMPUTE_S, HELP_S = 1.5, 0.4, 0.3
LARGE, LARGE_S, LARGE_GB = 300_000, 60.0, 4.0


def best(args: list[object], repeat: int, timeout: float = 120) -> Timed:
    runs = [run(args, timeout) for _ in range(repeat)]
    return min(runs, key=lambda t: t.wall)


def measure_compute(data: Path, repeat: int) -> dict[str, float]:
    """The study run alone on data already read: best wall-clock and CPU time of `repeat` runs."""
    from iectox.io import read_dataset
    from iectox.study import load_study, run_study
    from iectox.validate import Settings

    spec = load_study(STUDY)
    start, end = spec.period or (None, None)
    dataset = read_dataset(data, Settings(study_start=start, study_end=end))
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        run_study(dataset, spec)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return {"seconds": min(walls), "cpu": min(cpus)}


def compile_bytecode() -> None:
    """iectox's bytecode compiled, as an installed package has it (`make install` does it too): where the
    environment forbids writing it at run time (PYTHONDONTWRITEBYTECODE), each run would otherwise compile
    iectox's modules again, a cost no user of an installed iectox pays."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "src")], check=True)


def seed_rows(work: Path, repeat: int) -> list[Row]:
    compile_bytecode()
    workbook = work / "seed.xlsx"
    made = run([IECTOX, "synth", "--calibrate", PUBLISHED, "--out", workbook], timeout=300)
    if made.returncode:
        return [Row("seed study workbook", "could not be written", "fail", note=made.stderr[-200:])]
    # a few seconds a run, on a machine whose other work comes and goes: the best of a few more runs
    report = best([IECTOX, "report", workbook, "--study", STUDY, "--out", work / "seed-report"], repeat + 2)
    compute = child(Path(__file__), "--compute", str(workbook), "--repeat", str(repeat + 2))
    help_ = best([IECTOX, "--help"], repeat + 2)
    return [
        Row(
            f"seed study, whole `iectox report` (401 infusions, XLSX, every output) <= {SEED_REPORT_S:g} s",
            f"{report.show()}, peak {report.peak_mb:.0f} MB",
            verdict(report.returncode == 0 and report.wall <= SEED_REPORT_S),
            note=f"best of {repeat + 2}; figures drawn by a worker process beside the tables",
        ),
        Row(
            f"seed study compute (analysis table, comparisons, grading, audit) <= {SEED_COMPUTE_S:g} s",
            f"{compute['seconds']:.3f} s (CPU {compute['cpu']:.3f} s)",
            verdict(compute["seconds"] <= SEED_COMPUTE_S),
            note=f"in process, after reading; best of {repeat + 2}",
        ),
        Row(
            f"`iectox --help` <= {HELP_S:g} s",
            help_.show(),
            verdict(help_.returncode == 0 and help_.wall <= HELP_S),
            note=f"best of {repeat + 2}",
        ),
    ]


def large_rows(n: int, work: Path) -> list[Row]:
    folder = work / "registry"
    scaled = n != LARGE
    limit = LARGE_S * n / LARGE
    made = run([IECTOX, "synth", "--n", n, "--out", folder], timeout=1800)
    rows = [
        Row(
            f"`iectox synth --n {n:,}` to CSV (input of the report below)",
            f"{made.show()}, peak {made.peak_mb:.0f} MB",
            "info" if made.returncode == 0 else "fail",
        )
    ]
    if made.returncode:
        return rows
    report = run(
        [IECTOX, "report", folder, "--study", STUDY, "--out", work / "registry-report"], timeout=3600
    )
    target = f"report of {LARGE:,} infusions with figures <= {LARGE_S:g} s and <= {LARGE_GB:g} GB"
    if scaled:
        target += f" (quick: {n:,} infusions, {limit:.1f} s)"
    ok = report.returncode == 0 and report.wall <= limit and report.peak_mb <= LARGE_GB * 1024
    rows.append(
        Row(
            target,
            f"{report.show()}, peak {report.peak_mb / 1024:.2f} GB"
            + ("" if report.returncode == 0 else " (failed)"),
            verdict(ok, scaled),
            note=report.stderr.strip().splitlines()[-1]
            if report.returncode and report.stderr.strip()
            else "",
        )
    )
    return rows


def all_rows(n: int, repeat: int) -> list[Row]:
    work = Path(tempfile.mkdtemp(prefix="iectox-bench-"))
    try:
        return [*seed_rows(work, repeat), *large_rows(n, work)]
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=None, help="best of (default 3, quick 1)")
    parser.add_argument("--compute", type=Path, help="time the study run on this dataset (a child process)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    if args.compute:
        print(json.dumps(measure_compute(args.compute, args.repeat)))
        return
    main_rows(lambda: all_rows(args.n or size(LARGE, 10_000), args.repeat or size(3, 1)))


if __name__ == "__main__":
    sys.exit(main())
