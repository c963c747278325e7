"""Management audit speed: `audit(dataset)` under the default pathway on synthetic cohorts of growing size.

The audit evaluates each pathway rule once on whole tables (episodes with their first doses, tocilizumab doses
with their spacing, corticosteroid courses), so its cost must grow linearly with the number of infusions. The
benchmark prints the best of `--repeat` runs at each size and the time per 1,000 infusions; the line "largest /
smallest per 1,000" is the check: near 1 when the cost is linear (it was about 3.5 between 5,000 and 40,000
infusions when rules walked the episodes row by row).

    python benchmarks/bench_audit.py [--sizes 5000 10000 20000 40000] [--repeat 2] [--observations]
"""

from __future__ import annotations

import argparse
import time

from iectox.management.audit import audit
from iectox.synth import generate


def best_of(repeat: int, dataset) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        audit(dataset)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[5_000, 10_000, 20_000, 40_000])
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--observations", action="store_true", help="grade observation series too")
    args = parser.parse_args()
    print("| infusions | episodes | doses | audit s | s per 1,000 infusions |")
    print("| ---: | ---: | ---: | ---: | ---: |")
    per_thousand = []
    for n in args.sizes:
        dataset = generate(n, observations=args.observations)
        seconds = best_of(args.repeat, dataset)
        per_thousand.append(1000 * seconds / n)
        print(
            f"| {n:,} | {len(dataset['toxicity_episodes']):,} | {len(dataset['administrations']):,} | "
            f"{seconds:.2f} | {per_thousand[-1]:.3f} |",
            flush=True,
        )
    print(f"\nlargest / smallest per 1,000 infusions: {per_thousand[-1] / per_thousand[0]:.2f}")


if __name__ == "__main__":
    main()
