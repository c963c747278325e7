"""Imports every command module so that each registers itself on the Typer app, in the order of the pipeline
(the order `iectox --help` lists them)."""

# ruff: noqa: I001, F401  (the order of these imports is the order of the commands in the help)
from iectox.cli import template, validate, importmap, synth, grade, audit, vials, recheck, report, demo
from iectox.cli import dictionary
from iectox.cli.app import app

__all__ = ["app"]
