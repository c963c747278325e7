"""What every benchmark script shares: sizes (full or quick), timed commands, result rows, the machine.

Each `bench_*.py` measures some of the issue's targets and, with `--json`, prints one JSON object per line,
a `Row`; `run.py` runs them all and prints one table. `BENCH_QUICK=1` (or `--quick`) runs every benchmark at
a smaller size, so the whole table takes a minute or two: a quick row's target is scaled to its size and
says so, and a ratio at a smaller size is indicative only.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

IECTOX = Path(sys.executable).with_name("iectox")
ROOT = Path(__file__).resolve().parent.parent


def quick() -> bool:
    return os.environ.get("BENCH_QUICK", "") not in ("", "0") or "--quick" in sys.argv


def size(full: int, small: int) -> int:
    """The size of a benchmark: `full` (the issue's), or `small` in quick mode."""
    return small if quick() else full


@dataclass(frozen=True)
class Row:
    """One target of the issue, measured: what, how much, against what, and whether it is met."""

    target: str  # the target, e.g. "audit of 20,000 infusions <= 5 s"
    measured: str  # what was measured, with its unit, e.g. "2.1 s (CPU 2.0 s)"
    status: str  # "pass", "fail", or "not run" with the reason in `note`
    reference: str = ""  # the tool a user would otherwise run, and its time
    ratio: str = ""  # reference / iectox, when there is a reference
    note: str = ""
    owner: str = ""  # the slice of the issue the target belongs to

    def emit(self) -> None:
        print(json.dumps(asdict(self)), flush=True)


def verdict(ok: bool, scaled: bool = False) -> str:
    """pass or fail; at a quick size, a target scaled down from the issue's is only indicative."""
    word = "pass" if ok else "fail"
    return f"({word}: quick size)" if scaled and quick() else word


@dataclass(frozen=True)
class Timed:
    """A command's wall-clock time, CPU time (user + system, children included) and peak memory."""

    wall: float
    cpu: float
    peak_mb: float
    returncode: int
    stderr: str = ""

    def show(self) -> str:
        return f"{self.wall:.2f} s (CPU {self.cpu:.2f} s)"


def run(args: list[str], timeout: float, cwd: Path | None = None) -> Timed:
    """Run a command in its own process; its peak resident memory is read from `/usr/bin/time` when present."""
    command = [str(a) for a in args]
    gnu_time = Path("/usr/bin/time")
    report = Path(os.environ.get("TMPDIR", "/tmp")) / f"iectox-bench-time-{os.getpid()}.txt"
    if gnu_time.exists():
        command = [str(gnu_time), "-f", "%M", "-o", str(report), *command]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=cwd, check=False)
        code, stderr = done.returncode, done.stderr
    except subprocess.TimeoutExpired:
        code, stderr = -1, f"stopped after {timeout:.0f} s"
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    peak = 0.0
    if report.exists():
        text = report.read_text().strip().splitlines()
        peak = float(text[-1]) / 1024 if text and text[-1].isdigit() else 0.0
        report.unlink()
    return Timed(wall, cpu, peak, code, stderr[-2000:])


def child(script: Path, *args: str) -> dict[str, float]:
    """Run one measurement of a benchmark script in its own process; its last output line is JSON."""
    out = subprocess.run([sys.executable, str(script), *args], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def ram_gib() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 2**20
    except OSError:
        pass
    return float("nan")


def machine() -> str:
    """The machine, the software and the load: a time means little without them."""
    import numpy
    import pandas

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{date.today().isoformat()}; {os.cpu_count()} cores ({cpu_model()}), {ram_gib():.0f} GiB RAM; "
        f"Python {platform.python_version()}, pandas {pandas.__version__}, NumPy {numpy.__version__}; "
        f"load average {load}"
    )


def main_rows(rows_of: object) -> None:
    """The entry point of a benchmark script: its rows as JSON lines with `--json`, else as a table."""
    rows = list(rows_of())  # type: ignore[operator]
    if "--json" in sys.argv:
        for row in rows:
            row.emit()
    else:
        print(table(rows))


def table(rows: list[Row]) -> str:
    lines = [
        "| target | measured | reference tool | ratio | status | note |",
        "| --- | --- | --- | ---: | --- | --- |",
    ]
    for r in rows:
        lines.append(f"| {r.target} | {r.measured} | {r.reference} | {r.ratio} | {r.status} | {r.note} |")
    return "\n".join(lines)
