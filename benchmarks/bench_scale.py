"""National scale: a Parquet registry of 100,000 infusions and 100,000,000 observation rows, validated, graded
and tabulated by the DuckDB engine in at most 120 s and 8 GB (the targets of issue 8).

The infusions, episodes, doses and outcomes come from the synthetic generator (`iectox.synth.generate`, the seed
study's proportions); the observations, a thousand per infusion (every 15 minutes for ten days, from the
infusion day), are written by DuckDB itself, in ten part files, since no pandas frame holds that many rows.
They follow each infusion's recorded episodes: fever from a CRS onset to its resolution, at its peak the
hypotension, pressors or oxygen of its recorded grade, ICE scores falling during an ICANS, 3 % of each input
blank, an eighth of the infusions observed by the day only on their first day, and noise everywhere else.

The measured run (`--measure`) is started under `/usr/bin/time -v`, which reports its wall time and peak
memory; DuckDB gets `--memory-limit` and `--threads`. It runs `iectox.engine.run` (validation of every
observation, CRS and ICANS grades, episodes, grade counts, the analysis table, the agreement table), the seed
study's comparison tables on the analysis table, and the management audit of the seed study's pathway with the
engine's episodes.

    python benchmarks/bench_scale.py [--infusions 100000] [--rows 100000000] [--data DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import pandas as pd

from iectox.analysis import AnalysisSettings
from iectox.engine import run
from iectox.io.parquet import write_parquet_dataset
from iectox.management.audit import audit
from iectox.stats.compare import compare
from iectox.study import load_study
from iectox.study.spec import load_management_pathway
from iectox.synth import generate

SPEC = Path(__file__).resolve().parents[1] / "examples" / "seed_study" / "study.toml"
PARTS = 10
EVERY_MIN = 15
TARGET_S, TARGET_GB = 120, 8


def windows(folder: Path) -> pd.DataFrame:
    """Per infusion: its day 0, and the first CRS and ICANS episode (onset, end, grade) when recorded."""
    con = duckdb.connect()
    rows = con.sql(
        f"""
        WITH e AS (
            SELECT infusion_id, syndrome, onset_at, coalesce(resolved_at, onset_at + INTERVAL 5 DAY) AS end_at,
                   coalesce(max_grade, 1) AS grade,
                   row_number() OVER (PARTITION BY infusion_id, syndrome ORDER BY onset_at) AS n
            FROM read_parquet('{folder}/toxicity_episodes.parquet')
            WHERE onset_at IS NOT NULL AND grading_scale = 'ASTCT2019')
        SELECT i.infusion_id, row_number() OVER (ORDER BY i.infusion_id) - 1 AS k,
               coalesce(i.infusion_date, DATE '2023-01-01')::TIMESTAMP + INTERVAL 8 HOUR AS day0,
               c.onset_at AS crs_on, c.end_at AS crs_off, least(c.grade, 4) AS crs_grade,
               n.onset_at AS icans_on, n.end_at AS icans_off, least(n.grade, 4) AS icans_grade
        FROM read_parquet('{folder}/infusions.parquet') i
        LEFT JOIN e c ON c.infusion_id = i.infusion_id AND c.syndrome = 'CRS' AND c.n = 1
        LEFT JOIN e n ON n.infusion_id = i.infusion_id AND n.syndrome = 'ICANS' AND n.n = 1
        """
    ).df()
    con.close()
    return rows


def _noise(salt: int) -> str:
    """A pseudo-random number in [0, 1) per row, from the row number and a salt."""
    return f"((hash(i * {2 * salt + 1} + {salt}) % 1000000) / 1000000.0)"


def _blank(expression: str, salt: int, share: float = 0.03) -> str:
    return f"CASE WHEN {_noise(salt)} < {share} THEN NULL ELSE {expression} END"


def observation_sql(source: str, first: int, last: int, per_infusion: int) -> str:
    """Rows `first`..`last - 1` of the observations, as one DuckDB query over the per-infusion windows."""
    in_crs = "(obs_at >= crs_on AND obs_at < crs_off)"
    crs_peak = (
        f"({in_crs} AND obs_at >= crs_on + (crs_off - crs_on) * 0.3 "
        "AND obs_at < crs_on + (crs_off - crs_on) * 0.5)"
    )
    in_icans = "(obs_at >= icans_on AND obs_at < icans_off)"
    icans_peak = (
        f"({in_icans} AND obs_at >= icans_on + (icans_off - icans_on) * 0.3 "
        "AND obs_at < icans_on + (icans_off - icans_on) * 0.5)"
    )
    temperature = (
        f"round(CASE WHEN {in_crs} THEN 38.1 + 1.6 * {_noise(1)} ELSE 36.3 + 1.3 * {_noise(1)} END, 1)"
    )
    hypotension = (
        f"CASE WHEN {crs_peak} AND crs_grade >= 2 AND {_noise(2)} < 0.5 THEN true ELSE {_noise(3)} < 0.01 END"
    )
    pressors = (
        f"CASE WHEN {crs_peak} AND crs_grade = 4 THEN 2 WHEN {crs_peak} AND crs_grade = 3 THEN 1 ELSE 0 END"
    )
    device = (
        f"CASE WHEN {crs_peak} AND crs_grade = 4 THEN 'bipap' WHEN {crs_peak} AND crs_grade = 3 "
        f"THEN 'high_flow_cannula' WHEN {crs_peak} AND crs_grade = 2 THEN 'nasal_cannula' "
        f"WHEN {_noise(4)} < 0.02 THEN 'nasal_cannula' ELSE 'none' END"
    )
    flow = (
        f"CASE WHEN device = 'nasal_cannula' THEN 1 + floor(5 * {_noise(5)}) "
        "WHEN device = 'high_flow_cannula' THEN 30.0 WHEN device = 'none' THEN 0.0 END"
    )
    ice = (
        f"CASE WHEN {icans_peak} THEN (CASE icans_grade WHEN 1 THEN 8 WHEN 2 THEN 5 WHEN 3 THEN 2 ELSE 0 END) "
        f"WHEN {in_icans} THEN 7 + floor(3 * {_noise(6)}) ELSE 10 END"
    )
    consciousness = f"CASE WHEN {icans_peak} AND icans_grade = 4 THEN 'unarousable' ELSE 'alert' END"
    day_only = f"(k % 8 = 0 AND j < {24 * 60 // EVERY_MIN})"
    return f"""
        WITH r AS (
            SELECT i, i // {per_infusion} AS k, i % {per_infusion} AS j FROM range({first}, {last}) t(i)),
        s AS (
            SELECT r.i, r.k, r.j, w.*, w.day0 + to_minutes(r.j * {EVERY_MIN}) AS obs_at
            FROM r JOIN {source} w ON w.k = r.k),
        d AS (SELECT *, {device} AS device FROM s)
        SELECT infusion_id,
               CASE WHEN {day_only} THEN date_trunc('day', obs_at) ELSE obs_at END AS observed_at,
               NOT {day_only} AS observed_at_time_known,
               {_blank(temperature, 7)} AS temperature_c,
               {_blank(hypotension, 8)} AS hypotension,
               {_blank(f"CAST({pressors} AS BIGINT)", 9)} AS vasopressors,
               {_blank(f"({pressors} = 2)", 10)} AS vasopressin,
               {_blank("device", 11)} AS oxygen_device,
               {_blank(flow, 12)} AS oxygen_l_min,
               {_blank(f"CAST({ice} AS BIGINT)", 13)} AS ice_score,
               {_blank(consciousness, 14)} AS consciousness,
               {_blank("'none'", 15)} AS seizure,
               {_blank("false", 16)} AS motor_weakness,
               {_blank("'none'", 17)} AS cerebral_edema,
               CAST(NULL AS BIGINT) AS capd_score,
               {_blank("obs_at >= coalesce(crs_on, icans_on, TIMESTAMP '9999-01-01') + INTERVAL 6 HOUR", 18)}
                   AS antipyretic_or_anticytokine_given
        FROM d
    """


def make(folder: Path, infusions: int, rows: int) -> None:
    """Write the synthetic registry at `folder` (small tables from the generator, observations by DuckDB)."""
    start = time.perf_counter()
    dataset = generate(infusions)
    write_parquet_dataset(dataset, folder)
    print(f"generated {infusions:,} infusions in {time.perf_counter() - start:.0f} s", flush=True)
    per_infusion = rows // infusions
    (folder / "observations.parquet").unlink()
    parts = folder / "observations.parquet"
    parts.mkdir()
    con = duckdb.connect()
    con.execute("SET threads = 2")
    con.execute("SET memory_limit = '6GB'")
    con.register("windows_frame", windows(folder))
    con.execute("CREATE TABLE windows AS SELECT * FROM windows_frame")
    step = rows // PARTS
    for n in range(PARTS):
        sql = observation_sql("windows", n * step, rows if n == PARTS - 1 else (n + 1) * step, per_infusion)
        con.execute(
            f"COPY ({sql}) TO '{parts / f'part-{n:03d}.parquet'}' (FORMAT parquet, ROW_GROUP_SIZE 1000000)"
        )
        print(f"observations part {n + 1}/{PARTS} at {time.perf_counter() - start:.0f} s", flush=True)
    con.close()


def measure(folder: Path, memory_limit: str, threads: int) -> dict[str, object]:
    """The timed work: validate, grade, tabulate, and the seed study's comparison tables."""
    start = time.perf_counter()
    spec = load_study(SPEC)
    result = run(
        folder, memory_limit=memory_limit, threads=threads, analysis=spec.analysis or AnalysisSettings()
    )
    tables = [
        compare(result.analysis, spec.by, t.variables, spec.policy, spec.order, dict(spec.labels)).add_p()
        for t in spec.tables
    ]
    seconds = dict(result.seconds)
    seconds["comparisons"] = time.perf_counter() - start - sum(seconds.values())
    audited = audit(result.dataset, load_management_pathway(spec), graded=result.episodes)
    seconds["audit"] = time.perf_counter() - start - sum(seconds.values())
    return {
        "observations": result.observations,
        "infusions": len(result.analysis),
        "episodes": len(result.episodes),
        "comparison_tables": len(tables),
        "audit_findings": len(audited.findings),
        "audit_kpi_rows": len(audited.kpis_by_cohort),
        "crs_grade_counts": dict(
            zip(
                result.grade_counts["syndrome"] + ":" + result.grade_counts["grade"].astype(str),
                result.grade_counts["observations"].astype(int),
                strict=True,
            )
        ),
        "seconds": {k: round(v, 2) for k, v in seconds.items()},
    }


def _time_v(output: str) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds (user + system), peak resident GB) from /usr/bin/time -v."""
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)", output)
    user = re.search(r"User time \(seconds\): ([\d.]+)", output)
    system = re.search(r"System time \(seconds\): ([\d.]+)", output)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", output)
    hours, minutes, secs = (float(g or 0) for g in wall.groups())
    cpu = float(user.group(1)) + float(system.group(1))
    return hours * 3600 + minutes * 60 + secs, cpu, int(rss.group(1)) / 1024**2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--infusions", type=int, default=100_000)
    parser.add_argument("--rows", type=int, default=100_000_000)
    parser.add_argument("--data", type=Path, default=None, help="where the registry is (made when absent)")
    parser.add_argument("--memory-limit", default="6GB")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    folder = args.data or Path(tempfile.gettempdir()) / f"iectox-scale-{args.infusions}-{args.rows}.parquet"
    if args.measure:
        print(json.dumps(measure(folder, args.memory_limit, args.threads)))
        return
    if not (folder / "observations.parquet").is_dir():
        shutil.rmtree(folder, ignore_errors=True)
        make(folder, args.infusions, args.rows)
    command = [
        sys.executable,
        __file__,
        "--measure",
        "--data",
        str(folder),
        "--infusions",
        str(args.infusions),
    ]
    command += ["--rows", str(args.rows), "--memory-limit", args.memory_limit, "--threads", str(args.threads)]
    timed = subprocess.run(["/usr/bin/time", "-v", *command], capture_output=True, text=True, check=False)
    if timed.returncode != 0:
        sys.exit(timed.stderr[-3000:])
    wall, cpu, peak = _time_v(timed.stderr)
    report = json.loads(timed.stdout.strip().splitlines()[-1])
    print(json.dumps(report, indent=1))
    verdict = "within" if wall <= TARGET_S and peak <= TARGET_GB else "OUTSIDE"
    print(
        f"engine run: {args.infusions:,} infusions, {report['observations']:,} observations in {wall:.1f} s "
        f"({cpu:.0f} CPU-seconds on {args.threads} threads; load average {os.getloadavg()[0]:.1f}), "
        f"peak {peak:.2f} GB ({verdict} the targets {TARGET_S} s and {TARGET_GB} GB)"
    )


if __name__ == "__main__":
    main()
