"""`iectox --help` starts fast: it lists every command with its help and imports none of the library's heavy
dependencies; a command's module is imported only when that command runs or shows its own help."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from typer.testing import CliRunner

from iectox.cli.commands import COMMANDS, app

HEAVY = ("pandas", "numpy", "scipy", "matplotlib", "openpyxl", "docx", "markdown_it")

PROBE = """
import json, sys
watched = set(json.loads(sys.argv[2]))
sys.argv = ["iectox", *json.loads(sys.argv[1])]
from iectox.cli.main import main
try:
    main()
except SystemExit:
    pass
heavy = sorted({name.split(".")[0] for name in sys.modules} & watched)
loaded = sorted(name for name in sys.modules if name.startswith("iectox.cli."))
print("\\n@@" + json.dumps({"heavy": heavy, "loaded": loaded}))
"""


def _probe(*args: str, lang: str = "en") -> tuple[str, dict[str, list[str]]]:
    """Run `iectox ARGS` in a fresh interpreter: its output, and which heavy and cli modules it imported."""
    env = {**os.environ, "IECTOX_LANG": lang, "COLUMNS": "200"}
    run = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(list(args)), json.dumps(HEAVY)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    output, _, seen = run.stdout.rpartition("\n@@")
    return output, json.loads(seen)


def test_help_lists_every_command_without_importing_the_library():
    output, seen = _probe("--help")
    assert seen["heavy"] == []
    assert seen["loaded"] == [
        "iectox.cli.commands",
        "iectox.cli.console",
        "iectox.cli.language",
        "iectox.cli.main",
    ]
    for command in COMMANDS.values():
        assert command.id in output
    assert "Tocilizumab for CRS: label dose, vials with the least waste" in output


def test_help_is_in_french_with_iectox_lang_fr():
    output, seen = _probe("--help", lang="fr")
    assert seen["heavy"] == []
    assert "Écrire le modèle XLSX de saisie vierge" in output
    assert "Write the blank XLSX" not in output


def test_a_command_is_imported_only_when_it_is_asked_for():
    output, seen = _probe("vials", "--help")
    assert "--weight-kg" in output
    assert "iectox.cli.vials" in seen["loaded"]
    assert "iectox.cli.report" not in seen["loaded"]


def test_the_table_lists_the_commands_in_the_order_of_the_help():
    result = CliRunner().invoke(app, ["--help"], terminal_width=200)
    assert result.exit_code == 0
    positions = [result.output.index(f"│ {name} ") for name in COMMANDS]
    assert positions == sorted(positions)


def test_each_command_loads_with_the_help_the_table_gives_it():
    for command in COMMANDS.values():
        loaded = command.load()
        assert loaded.name == command.id
        assert loaded.help == command.help
        assert loaded.params or loaded.commands, command.id  # a group (`redcap`) has subcommands instead


def test_a_misspelt_command_gets_the_close_one():
    result = CliRunner().invoke(app, ["valdiate", "x.xlsx"], terminal_width=200)
    assert result.exit_code == 2
    assert "Did you mean 'validate'" in result.output
