"""Management audit speed: `audit(dataset)` under the default pathway on synthetic cohorts of growing size.

The audit evaluates each pathway rule once on whole tables (episodes with their first doses, tocilizumab doses
with their spacing, corticosteroid courses), so its cost must grow linearly with the number of infusions. Each
size is measured in its own process (best of `--repeat` runs, wall-clock and CPU time). The issue's targets:
20,000 infusions audited in at most 5 s, and the time per 1,000 infusions no higher at 300,000 (checked
as the ratio of the largest size's to the 20,000's, at most 1.5).

    python benchmarks/bench_audit.py [--sizes 5000 20000 100000 300000] [--repeat 2] [--json] [--quick]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from harness import Row, child, main_rows, size, verdict

TARGET_20K_S = 5.0
LINEAR_WITHIN = 1.5  # time per 1,000 infusions at the largest size / at 20,000


def measure(n: int, repeat: int) -> dict[str, float]:
    from iectox.management.audit import audit
    from iectox.synth import generate

    dataset = generate(n)
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        audit(dataset)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    counts = dataset.counts()
    return {
        "seconds": min(walls),
        "cpu": min(cpus),
        "episodes": counts["toxicity_episodes"],
        "doses": counts["administrations"],
    }


def rows(sizes: list[int], repeat: int) -> list[Row]:
    script = Path(__file__)
    results = {n: child(script, "--measure", str(n), "--repeat", str(repeat)) for n in sorted(sizes)}
    out = []
    for n, r in results.items():
        shown = (
            f"{r['seconds']:.2f} s (CPU {r['cpu']:.2f} s); {r['episodes']:,} episodes, {r['doses']:,} doses"
        )
        per = 1000 * r["cpu"] / n
        if n == 20_000:
            out.append(
                Row(
                    f"audit of 20,000 infusions <= {TARGET_20K_S:g} s",
                    shown,
                    verdict(r["seconds"] <= TARGET_20K_S),
                    note=f"{per:.3f} s of CPU per 1,000 infusions",
                )
            )
        else:
            out.append(
                Row(f"audit of {n:,} infusions (scale)", shown, "info", note=f"{per:.3f} s CPU / 1,000")
            )
    largest = max(results)
    if 20_000 in results and largest > 20_000:
        growth = (results[largest]["cpu"] / largest) / (results[20_000]["cpu"] / 20_000)
        out.append(
            Row(
                f"audit linear up to {largest:,} infusions: CPU per 1,000 infusions at {largest:,} / at 20,000 "
                f"<= {LINEAR_WITHIN:g}",
                f"{growth:.2f}",
                verdict(growth <= LINEAR_WITHIN, largest < 300_000),
            )
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--measure", type=int)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.repeat)))
        return
    sizes = args.sizes or sorted({5_000, 20_000, size(100_000, 20_000), size(300_000, 40_000)})
    main_rows(lambda: rows(sizes, args.repeat))


if __name__ == "__main__":
    sys.exit(main())
