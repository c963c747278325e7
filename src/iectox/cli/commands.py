"""Imports every command module so that each registers itself on the Typer app."""

from iectox.cli import demo, dictionary, importmap, recheck, report, synth, template, validate, vials  # noqa: F401
from iectox.cli.app import app

__all__ = ["app"]
