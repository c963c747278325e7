"""The Rich consoles every command prints through (errors go to stderr)."""

from rich.console import Console

console = Console()
err_console = Console(stderr=True)
