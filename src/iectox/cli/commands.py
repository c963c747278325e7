"""Imports every command module so that each registers itself on the Typer app."""

from iectox.cli import (  # noqa: F401
    audit,
    demo,
    dictionary,
    grade,
    importmap,
    recheck,
    report,
    synth,
    template,
    validate,
    vials,
)
from iectox.cli.app import app

__all__ = ["app"]
