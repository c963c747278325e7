"""Which of iectox's modules hold a piece of code: for the tests that keep a thing written in one place."""

from __future__ import annotations

import re
from pathlib import Path

import iectox

PACKAGE = Path(iectox.__file__).parent


def modules_holding(pattern: str | re.Pattern[str], files: str = "*.py") -> list[str]:
    """The modules (paths below src/iectox, sorted) whose text holds `pattern`: a regular expression, or a
    plain string to find as it is; `files` another kind of source (the web's templates: "*.html")."""
    found = re.compile(re.escape(pattern)) if isinstance(pattern, str) else pattern
    return sorted(
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob(files)
        if found.search(path.read_text(encoding="utf-8"))
    )
