"""The command line's collector settings: young collections rarer than Python's default for every command
(`iectox.cli.main.YOUNG_COLLECTION_EVERY`), and the collector enabled again once the command has run."""

from __future__ import annotations

import subprocess
import sys

from iectox.cli.main import YOUNG_COLLECTION_EVERY

PROBE = """
import gc, sys
sys.argv = ["iectox", "--help"]
from iectox.cli.main import main
try:
    main()
except SystemExit:
    pass
print("@@", gc.isenabled(), *gc.get_threshold())
"""


def test_young_collections_are_rarer_and_the_collector_back_on():
    run = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60, check=True
    )
    enabled, young, older, oldest = run.stdout.rpartition("@@")[2].split()
    assert enabled == "True"
    assert int(young) == YOUNG_COLLECTION_EVERY > 700  # Python's default
    assert (int(older), int(oldest)) == (10, 10)  # the older generations' defaults, kept
