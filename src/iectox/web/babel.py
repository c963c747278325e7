"""The catalog extractor of the templates: `make messages` finds `{% tr "..." %}` in every page (babel.cfg)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import IO, Any

TAG = re.compile(r"""\{%\s*tr\s+(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')""")


def extract(
    fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Any
) -> Iterator[tuple[int, str, str, list[str]]]:
    """Each literal message of a `tr` tag, with its line, as Babel's extractors yield them."""
    text = fileobj.read().decode("utf-8")
    for match in TAG.finditer(text):
        message = match.group(1) if match.group(1) is not None else match.group(2)
        yield (
            text.count("\n", 0, match.start()) + 1,
            "tr",
            message.replace('\\"', '"').replace("\\'", "'"),
            [],
        )
