"""The same SQL on Apache Spark (PySpark local mode) gives the demo cohort exactly the results of DuckDB and of
the pandas path. Java comes from Debian (scripts/ensure_java.sh installs it when absent); the test is skipped,
saying why, only when Java cannot be installed. One Spark session, one run: about a minute on 2 cores."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from factories import seed_cohort
from iectox.engine import run
from iectox.grading import agreement, episodes_from_grades, grade_dataset
from iectox.io.parquet import read_parquet_dataset, write_parquet_dataset

ENSURE_JAVA = Path(__file__).resolve().parents[1] / "scripts" / "ensure_java.sh"


def _java() -> None:
    if shutil.which("java"):
        return
    done = subprocess.run(["bash", str(ENSURE_JAVA)], capture_output=True, text=True, check=False)
    if done.returncode != 0 or not shutil.which("java"):
        pytest.skip(f"Spark needs Java, which could not be installed: {done.stderr.strip()[-300:]}")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    _java()
    pytest.importorskip("pyspark", reason="the spark extra is not installed (pip install 'iectox[spark]')")
    folder = write_parquet_dataset(seed_cohort(), tmp_path_factory.mktemp("spark") / "demo.parquet")
    return folder, read_parquet_dataset(folder)


def test_spark_gives_the_demo_cohort_the_results_of_duckdb_and_pandas(demo):
    folder, dataset = demo
    spark = run(folder, engine="spark", master="local[2]", memory="1g")
    duck = run(folder, engine="duckdb", memory_limit="1GB", threads=2)
    expected = episodes_from_grades(grade_dataset(dataset))
    pd.testing.assert_frame_equal(spark.episodes, expected, check_exact=True)
    pd.testing.assert_frame_equal(spark.episodes, duck.episodes, check_exact=True)
    pd.testing.assert_frame_equal(spark.grade_counts, duck.grade_counts)
    pd.testing.assert_frame_equal(spark.analysis, duck.analysis)
    pd.testing.assert_frame_equal(spark.agreement, agreement(dataset, expected))
    assert spark.engine == "spark" and spark.observations == len(dataset["observations"]) == 12_686
    assert spark.episodes["max_grade"].max() == 4  # an ICANS grade 4 in the demo, found by both engines
