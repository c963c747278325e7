"""`iectox report --engine duckdb|spark` on a Parquet dataset, and a user's folder refused before any work."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from factories import seed_cohort
from iectox.cli.commands import app
from iectox.io import write_dataset

SEED_SPEC = Path(__file__).resolve().parents[1] / "examples" / "seed_study" / "study.toml"

runner = CliRunner()


def _run(*args: str):
    result = runner.invoke(app, list(args), terminal_width=200, env={"IECTOX_LANG": "en"})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


@pytest.fixture(scope="module")
def seed_parquet(tmp_path_factory) -> Path:
    return write_dataset(seed_cohort(), tmp_path_factory.mktemp("seed") / "seed.parquet")


def test_duckdb_engine_reports_what_the_pandas_path_reports(seed_parquet, tmp_path):
    """The engine grades the observations in SQL; the tables, the audit and its KPIs are the same."""
    for engine in ("pandas", "duckdb"):
        result = _run(
            "report",
            str(seed_parquet),
            "--study",
            str(SEED_SPEC),
            "--out",
            str(tmp_path / engine),
            "--engine",
            engine,
        )
        assert result.exit_code == 0, result.output
    pandas_json = json.loads((tmp_path / "pandas" / "report.json").read_text(encoding="utf-8"))
    duckdb_json = json.loads((tmp_path / "duckdb" / "report.json").read_text(encoding="utf-8"))
    assert duckdb_json == pandas_json
    pd.testing.assert_frame_equal(
        pd.read_csv(tmp_path / "duckdb" / "analysis_table.csv"),
        pd.read_csv(tmp_path / "pandas" / "analysis_table.csv"),
    )


def test_an_engine_reads_only_a_parquet_dataset(tmp_path):
    folder = write_dataset(seed_cohort(), tmp_path / "csv")
    result = _run(
        "report", str(folder), "--study", str(SEED_SPEC), "--out", str(tmp_path / "r"), "--engine", "duckdb"
    )
    assert result.exit_code == 2
    assert "reads a Parquet dataset" in result.output
    result = _run(
        "report", str(folder), "--study", str(SEED_SPEC), "--out", str(tmp_path / "r"), "--engine", "polars"
    )
    assert result.exit_code == 2 and "'polars' is not one of pandas, duckdb, spark" in result.output


@pytest.mark.parametrize("command", ["report", "audit"])
def test_a_users_folder_is_refused_before_the_data_is_even_read(tmp_path, command):
    """Before, the data was read (here: refused with exit 1 for its errors) and the study run first."""
    folder = tmp_path / "thesis"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    invalid = tmp_path / "invalid"
    invalid.mkdir()
    (invalid / "patients.csv").write_text("patient_id,sex\nP-1,dragon\n", encoding="utf-8")
    options = ("--study", str(SEED_SPEC)) if command == "report" else ()
    result = _run(command, str(invalid), *options, "--out", str(folder))
    assert result.exit_code == 2, result.output
    assert "holds files iectox did not write" in result.output
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "mine"
