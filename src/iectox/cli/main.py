"""The `iectox` entry point: the Typer app with every command registered on it (see `commands`)."""

from __future__ import annotations

from iectox.cli.commands import app


def main() -> None:
    app()


if __name__ == "__main__":
    main()
