"""The lab-based gradings at scale: CAR-HEMATOTOX, ICAHT and IEC-HS of every infusion, alone and in the study.

The cohort is `iectox.synth.generate(n, seed=8, observations=True)` (about 80 lab rows and 30 observation rows
per infusion). Each size runs in its own process: `haematotoxicity(...)` alone (the analysis table's lab
columns, lab days and unit conversion included), then the seed study's whole `run_study` (analysis table,
comparisons, audit with grading of the observations, adverse events, survival). The target: linear cost, CPU
per 1,000 infusions at the largest size within 1.5x the smallest's (before issue 8's fix ICAHT alone took
1.5 ms per infusion in a Python loop).

    python benchmarks/bench_labs.py [--sizes 3000,30000,300000] [--json] [--quick]
    python benchmarks/bench_labs.py --one 30000   # one size, one JSON line (what the table runs per size)
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from harness import Row, child, main_rows, peak_mb, quick, verdict

SPEC = Path(__file__).resolve().parents[1] / "examples" / "seed_study" / "study.toml"
LINEAR = 1.5


def one(n: int) -> dict[str, float]:
    """Time the lab gradings and the whole study on `n` synthetic infusions, in this process."""
    from iectox.analysis.haematotoxicity import haematotoxicity
    from iectox.study import load_study
    from iectox.study.run import run_study
    from iectox.synth import generate

    dataset = generate(n, seed=8, observations=True)
    infusions = dataset["infusions"].set_index("infusion_id", drop=False)
    spec = load_study(SPEC)
    wall, cpu = time.perf_counter(), time.process_time()
    labs = haematotoxicity(dataset, infusions)
    labs_wall, labs_cpu = time.perf_counter() - wall, time.process_time() - cpu
    wall, cpu = time.perf_counter(), time.process_time()
    run_study(dataset, spec)
    study_wall, study_cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {
        "n": n,
        "lab_rows": len(dataset["labs"]),
        "graded": int(labs["icaht_early"].notna().sum()),
        "labs_wall": labs_wall,
        "labs_cpu": labs_cpu,
        "study_wall": study_wall,
        "study_cpu": study_cpu,
        "peak_mb": peak_mb(),
    }


def rows(sizes: list[int]) -> list[Row]:
    out, per = [], {}
    for n in sizes:
        got = child(Path(__file__), "--one", str(n))
        per[n] = got["labs_cpu"] / n * 1000
        out.append(
            Row(
                f"lab gradings (CAR-HEMATOTOX, ICAHT, IEC-HS) of {n:,} infusions (scale)",
                f"{got['labs_wall']:.2f} s (CPU {got['labs_cpu']:.2f} s); {got['lab_rows']:,} lab rows",
                "info",
                note=f"{per[n]:.3f} s CPU / 1,000",
                owner="labs",
            )
        )
        out.append(
            Row(
                f"seed study `run_study` on {n:,} infusions with labs and observations (scale)",
                f"{got['study_wall']:.2f} s (CPU {got['study_cpu']:.2f} s), peak {got['peak_mb']:.0f} MB",
                "info",
                owner="labs",
            )
        )
    small, large = min(sizes), max(sizes)
    ratio = per[large] / per[small]
    out.append(
        Row(
            f"lab gradings linear up to {large:,} infusions: CPU per 1,000 at {large:,} / at {small:,} <= {LINEAR}",
            f"{ratio:.2f}",
            verdict(ratio <= LINEAR, scaled=True),
            owner="labs",
        )
    )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--one", type=int, help="measure one size in this process, print one JSON line")
    parser.add_argument("--sizes", default="3000,30000" if quick() else "3000,30000,300000")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one)))
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    main_rows(lambda: rows(sizes))


if __name__ == "__main__":
    sys.exit(main())
