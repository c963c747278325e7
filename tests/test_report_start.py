"""`iectox report` starts with what it uses: its module imports neither matplotlib (drawn in the figure worker,
imported there while the data are read), the synthetic generator (and SciPy's optimiser), nor the national
scale's engines (DuckDB, sqlglot, Parquet)."""

from __future__ import annotations

import json
import subprocess
import sys

PROBE = """
import json, sys
import iectox.cli.report
print(json.dumps(sorted(sys.modules)))
"""

NOT_AT_START = (
    "matplotlib",
    "iectox.synth",
    "scipy.optimize",
    "scipy.stats",
    "statsmodels",  # the Cox model's, imported when one is fitted (iectox.stats.models.regression)
    "duckdb",
    "sqlglot",
    "pyarrow.parquet",
)


def test_the_report_command_imports_only_what_it_uses_at_start():
    run = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120, check=True
    )
    loaded = set(json.loads(run.stdout))
    assert sorted(name for name in NOT_AT_START if name in loaded) == []
    assert {"pandas", "openpyxl", "docx", "iectox.render", "iectox.study"} <= loaded


COLLECTOR = """
import gc, json, sys
sys.argv = ["iectox", "report", "--help"]
from iectox.cli.main import main
try:
    main()
except SystemExit:
    pass
print("\\n@@" + json.dumps({"enabled": gc.isenabled(), "frozen": gc.get_freeze_count()}))
"""


def test_the_library_a_command_imports_is_kept_out_of_the_garbage_collector():
    """`main` imports a command's library with the collector off, then freezes it and turns the collector back
    on: later collections look only at what the command makes (0.3 s of the seed report's CPU)."""
    run = subprocess.run([sys.executable, "-c", COLLECTOR], capture_output=True, text=True, timeout=120)
    state = json.loads(run.stdout.rpartition("\n@@")[2])
    assert state["enabled"] is True
    assert state["frozen"] > 100_000  # pandas, openpyxl, python-docx and iectox's own modules
