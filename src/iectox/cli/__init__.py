"""The `iectox` command line."""
