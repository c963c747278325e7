"""The `iectox` entry point: the Typer app with every command registered on it (see `commands`)."""

from __future__ import annotations

import gc

from iectox.cli.commands import app

# Container objects allocated between two collections of the youngest generation (Python's default: 700). A
# command allocates millions (data frames' cells read, figures' artists), nearly all freed by reference
# counting: at 700, the seed report's main process ran about 200 young collections, 0.06-0.08 s of CPU;
# at 50,000, a dozen milliseconds. Garbage in cycles waits a little longer: a few megabytes at most.
YOUNG_COLLECTION_EVERY = 50_000


def main() -> None:
    """Run the command line. The cyclic garbage collector is off while the command's module imports its
    library (half a million objects that live as long as the process, none of them garbage), and those are
    then frozen out of its reach (`Command.load`), so that each later collection looks only at what the
    command makes: 0.3 s of the seed report's 3.5 s of CPU. Young collections are then rarer
    (`YOUNG_COLLECTION_EVERY`), in the command and in the processes it forks."""
    gc.disable()
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(YOUNG_COLLECTION_EVERY, older, oldest)
    try:
        app()
    finally:
        gc.enable()


if __name__ == "__main__":
    main()
