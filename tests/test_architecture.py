"""The layers of docs/architecture.md hold: each imports only from those below it, and nothing dodges that
with an import inside a function."""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from pathlib import Path

import iectox

PACKAGE = Path(iectox.__file__).parent
PYPROJECT = PACKAGE.parents[1] / "pyproject.toml"


def _layers() -> list[str]:
    config = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["tool"]["importlinter"]
    (contract,) = config["contracts"]
    return contract["layers"]


def test_the_layer_contract_is_kept():
    lint = Path(sys.executable).with_name("lint-imports")
    run = subprocess.run(
        [str(lint), "--config", str(PYPROJECT), "--no-cache"],
        capture_output=True,
        text=True,
        cwd=PYPROJECT.parent,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "1 kept, 0 broken" in run.stdout


def test_every_module_of_iectox_belongs_to_a_layer():
    """A new package outside the contract would escape it."""
    named = {m.strip() for layer in _layers() for m in layer.replace("|", ":").split(":")}
    found = {
        f"iectox.{p.stem if p.is_file() else p.name}"
        for p in PACKAGE.iterdir()
        if (p.suffix == ".py" and p.stem != "__init__") or (p / "__init__.py").exists()
    }
    assert found - named == set()
    assert named - found == set()


def test_no_import_of_iectox_inside_a_function():
    lazy = []
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for inner in ast.walk(node):
                module = inner.module if isinstance(inner, ast.ImportFrom) else None
                names = [a.name for a in inner.names] if isinstance(inner, ast.Import) else [module or ""]
                if isinstance(inner, ast.Import | ast.ImportFrom) and any(
                    n.startswith("iectox") for n in names
                ):
                    lazy.append(f"{relative}:{inner.lineno}")
    assert lazy == []
