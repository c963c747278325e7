"""Every target of the issue's "Linear cost" list, measured side by side in one run: `make bench`.

Runs each `bench_*.py` in its own process, collects its rows (target, measured, reference tool, ratio,
pass/fail) and prints one table under the machine, the software and the load it ran on. `BENCH_QUICK=1`
(or `--quick`) runs every benchmark at a smaller size (a minute or two); `--write FILE` also writes the
table as Markdown (benchmarks/RESULTS.md quotes such a run).

    python benchmarks/run.py [--quick] [--write FILE] [--only compare,audit]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from harness import Row, machine, quick, table

HERE = Path(__file__).resolve().parent
# The issue 8 list, then the others (issue 9: the web application under load).
ORDER = ("audit", "report", "labs", "capture", "compare", "engines", "grading", "web_load")


def script_rows(name: str) -> list[Row]:
    script = HERE / f"bench_{name}.py"
    env = {**os.environ, "BENCH_QUICK": "1" if quick() else os.environ.get("BENCH_QUICK", "")}
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(script), "--json"], capture_output=True, text=True, env=env, check=False
    )
    print(f"  {script.name}: {time.perf_counter() - start:.0f} s", file=sys.stderr, flush=True)
    rows = [Row(**json.loads(line)) for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode:
        why = (done.stderr.strip().splitlines() or ["no output"])[-1]
        rows.append(Row(f"{script.name}", "-", "fail", note=f"the benchmark stopped: {why}"))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes (same as BENCH_QUICK=1)")
    parser.add_argument("--write", type=Path, help="also write the table as Markdown to this file")
    parser.add_argument("--only", default=",".join(ORDER), help="comma-separated benchmarks to run")
    args = parser.parse_args()
    header = f"Machine: {machine()}" + ("; quick sizes (BENCH_QUICK=1)" if quick() else "")
    print(header, file=sys.stderr, flush=True)
    rows = [row for name in args.only.split(",") for row in script_rows(name.strip())]
    text = f"{header}\n\n{table(rows)}\n\nLoad average at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())}\n"
    print(text)
    if args.write:
        args.write.write_text(text, encoding="utf-8")
    return (
        1 if any(r.note.startswith("the benchmark stopped") for r in rows) else 0
    )  # a missed target is a row


if __name__ == "__main__":
    sys.exit(main())
