"""`run(path, engine)`: a Parquet dataset graded and tabulated by a dataframe engine, observations never in pandas.

    result = run("registry.parquet")                    # DuckDB, in this process
    result = run("registry.parquet", engine="spark")    # the same SQL on Apache Spark (local mode by default)
    result.episodes        # = iectox.grading.episodes_from_grades(grade_dataset(dataset)), one row per
                           #   infusion and syndrome
    result.grade_counts    # observations per syndrome and computed grade
    result.analysis        # = iectox.analysis.infusion_table(dataset)
    result.agreement       # = iectox.grading.agreement(dataset, episodes)

Only the observations are large (a hundred per infusion-day in a national registry): they are validated,
graded and turned into episodes by the engine, in SQL. The other tables hold one to a few rows per infusion;
they are read and validated as any dataset (`iectox.io.parquet`), and the per-infusion tables are computed
from them and the engine's episodes by the same code as for a small study, so both paths agree by construction.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa

from iectox.analysis import AnalysisSettings, infusion_table
from iectox.dataset import Dataset
from iectox.engine import grading
from iectox.engine.backends import Backend, connect
from iectox.engine.checks import observation_issues, references, stored_columns, suspect_rows
from iectox.errors import DatasetInvalid, SourceError
from iectox.grading import agreement, capd_inputs
from iectox.grading.astct_icans import DEFAULT_CAPD_AGE
from iectox.grading.episodes import EPISODE_COLUMNS, EPISODE_DTYPES
from iectox.grading.fever_waiver import therapy_since_fever
from iectox.io.parquet import FIRST_ROW, SUFFIX, check_parquet, table_parts
from iectox.validate import Settings


@dataclass(frozen=True)
class ScaleResult:
    """What the engine computed; `seconds` times each stage."""

    engine: str
    dataset: Dataset  # every table but the observations, validated
    observations: int  # rows graded
    episodes: pd.DataFrame
    grade_counts: pd.DataFrame
    analysis: pd.DataFrame
    agreement: pd.DataFrame
    seconds: dict[str, float] = field(default_factory=dict)


def frame(rows: pa.Table, dtypes: dict[str, str]) -> pd.DataFrame:
    """Engine rows as a pandas frame with iectox's dtypes (nullable integers and booleans, times in ns)."""
    out = {}
    for name, dtype in dtypes.items():
        values = rows.column(name)
        if dtype == "datetime64[ns]":
            out[name] = pd.Series(values.to_pandas().to_numpy(dtype="datetime64[ns]"))
        elif dtype in ("Int64", "boolean"):
            out[name] = pd.Series(pd.array(values.to_pylist(), dtype=dtype))
        else:
            out[name] = pd.Series(values.to_pandas().to_numpy(), dtype=dtype)
    return pd.DataFrame(out)


def grade_episodes(backend: Backend) -> pd.DataFrame:
    """`episodes_from_grades` computed by the engine from its graded rows (`graded`)."""
    steps, final = grading.episode_steps("graded", "infusion_keys")
    for name, sql in steps:
        backend.materialize(name, sql)
    episodes = frame(backend.arrow(final), EPISODE_DTYPES)
    episodes = episodes.sort_values(["infusion_id", "syndrome"], kind="stable").reset_index(drop=True)
    return episodes[list(EPISODE_COLUMNS)]


def prepare(backend: Backend, parts: list[Path], dataset: Dataset, present: list[str]) -> None:
    """Register the observations (with `ord`) and `observations_aged`: each row with its infusion's integer
    key `k` (narrower than the identifier in the engine's tables), its age, its patient's developmental delay
    and whether a cell rule could flag it (`suspect`)."""
    backend.scan("observations", parts)
    inputs = capd_inputs(dataset)
    keys = pd.DataFrame(
        {
            "k": pd.Series(range(len(inputs)), dtype="int32"),
            "infusion_id": inputs.index.to_numpy(),
            "age_at_infusion": inputs["age_years"].to_numpy(),
            "developmental_delay": inputs["developmental_delay"].array,
        }
    )
    backend.table("infusion_keys", pa.Table.from_pandas(keys, preserve_index=False))
    missing = [(name, kind) for name, kind in grading.OBSERVATION_INPUTS if name not in present]
    blanks = "".join(f", CAST(NULL AS {kind}) AS {name}" for name, kind in missing)
    backend.view(
        "observations_aged",
        f"SELECT o.*{blanks}, known_infusion_id.k AS k, known_infusion_id.age_at_infusion AS age_years, "
        "known_infusion_id.developmental_delay AS developmental_delay, "
        f"{suspect_rows(present)} AS suspect FROM observations o"
        + references(present, {"infusions": "infusion_keys"}),
    )


def waivers(backend: Backend, dataset: Dataset) -> pa.Table:
    """Per infusion key with a fever: when its first fever was and from when a dose for CRS since counts
    (`iectox.grading.fever_waiver`, the same functions as the pandas path, on one row per infusion)."""
    steps, query = grading.first_fevers("observations_aged")
    for name, sql in steps:
        backend.materialize(name, sql)
    fevers = backend.arrow(query).to_pandas()
    keys = backend.arrow("SELECT k, infusion_id FROM infusion_keys").to_pandas().set_index("k")["infusion_id"]
    fevers = fevers.assign(
        infusion_id=fevers["k"].map(keys),
        first_fever_at=pd.to_datetime(fevers["first_fever_at"]).astype("datetime64[ns]"),
    )
    by_infusion = fevers.set_index("infusion_id")
    administrations = dataset["administrations"]
    therapy = therapy_since_fever(administrations, by_infusion)
    table = pd.DataFrame(
        {
            "k": fevers["k"].astype("int32").to_numpy(),
            "first_fever_at": fevers["first_fever_at"].to_numpy(),
            "first_fever_ord": fevers["first_fever_ord"].astype("int64").to_numpy(),
            "therapy_from": therapy.to_numpy(),
        }
    )
    return pa.Table.from_pandas(table, preserve_index=False)


@dataclass(frozen=True)
class Session:
    """A validated Parquet dataset open on an engine: the small tables in pandas, the observations graded in
    the engine as the table `graded` (see `iectox.engine.grading.graded_observations`)."""

    backend: Backend
    dataset: Dataset
    seconds: dict[str, float]


@contextmanager
def session(
    path: str | Path,
    engine: str = "duckdb",
    settings: Settings | None = None,
    capd_age: float = DEFAULT_CAPD_AGE,
    **options: object,
) -> Iterator[Session]:
    """Open the dataset at `path` on `engine` and grade its observations, or raise `DatasetInvalid` with every
    issue (nothing partial). The observations are validated in the pass that grades them: the rows a cell
    rule could flag are marked there, and only when there are some are they read back and judged."""
    start = time.perf_counter()
    folder = Path(path)
    settings = settings or Settings()
    dataset, issues = check_parquet(folder, settings, skip=("observations",))
    parts = table_parts(folder)[0].get("observations", [])
    if dataset is None:
        raise DatasetInvalid(issues)
    if not parts:
        raise SourceError(str(folder), f"has no observations{SUFFIX}: nothing to grade")
    where = "observations" + SUFFIX
    present, issues = stored_columns(parts, where)
    seconds = {"read": time.perf_counter() - start}
    backend = connect(engine, **options)
    try:
        prepare(backend, parts, dataset, present)
        backend.table("waivers", waivers(backend, dataset))
        backend.materialize("graded", grading.graded_observations("observations_aged", capd_age))
        seconds["grade"] = time.perf_counter() - start - seconds["read"]
        if backend.arrow("SELECT count(*) AS n FROM graded WHERE suspect").column("n")[0].as_py():
            issues += observation_issues(backend, dataset, present, where, settings)
        if any(i.severity == "error" for i in issues):
            raise DatasetInvalid(issues)
        yield Session(backend, dataset, seconds)
    finally:
        backend.close()


def observation_grades(
    path: str | Path, engine: str = "duckdb", capd_age: float = DEFAULT_CAPD_AGE, **options: object
) -> pd.DataFrame:
    """Every observation's CRS and ICANS grade (`row` as `iectox.io.parquet` numbers it), in dataset order.

    For tests and extracts: at national scale, `run` keeps the graded rows in the engine."""
    with session(path, engine, capd_age=capd_age, **options) as opened:
        rows = opened.backend.arrow(
            f"SELECT ord + {FIRST_ROW} AS row, crs_grade, icans_grade FROM graded ORDER BY ord"
        )
    return frame(rows, {"row": "Int64", "crs_grade": "Int64", "icans_grade": "Int64"})


def run(
    path: str | Path,
    engine: str = "duckdb",
    settings: Settings | None = None,
    analysis: AnalysisSettings | None = None,
    capd_age: float = DEFAULT_CAPD_AGE,
    **options: object,
) -> ScaleResult:
    """Validate, grade and tabulate the Parquet dataset at `path` with `engine` ("duckdb" or "spark").

    `options` go to the engine (DuckDB: `memory_limit`, `threads`, `temp_directory`; Spark: `master`,
    `memory`). A dataset with an error raises `DatasetInvalid` with every issue, as `read_dataset` does.
    """
    start = time.perf_counter()
    with session(path, engine, settings, capd_age, **options) as opened:
        seconds = opened.seconds
        episodes = grade_episodes(opened.backend)
        counts = frame(opened.backend.arrow(grading.grade_counts("graded")), grading.GRADE_COUNT_DTYPES)
        counts = counts.sort_values(["syndrome", "grade"], ignore_index=True)
        seconds["episodes"] = time.perf_counter() - start - sum(seconds.values())
    dataset = opened.dataset
    observations = int(counts.loc[counts["syndrome"] == "CRS", "observations"].sum())
    table = infusion_table(dataset, analysis)
    agreed = agreement(dataset, episodes)
    seconds["tables"] = time.perf_counter() - start - sum(seconds.values())
    return ScaleResult(engine, dataset, observations, episodes, counts, table, agreed, seconds)
