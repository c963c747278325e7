"""Kept results: computed once however many threads ask at once, the oldest forgotten past the size (and told),
an exception never kept; the style sheet's cohort colours are the figures' palette."""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path

import pytest

from iectox.render.figures import OKABE_ITO
from iectox.web.quality.memo import Memo

CSS = (
    Path(__file__).resolve().parents[3]
    / "src"
    / "iectox"
    / "web"
    / "quality"
    / "static"
    / "quality"
    / "quality.css"
)


def test_a_key_asked_by_many_threads_at_once_is_computed_once():
    memo: Memo[int] = Memo(4)
    calls = []

    def slow() -> int:
        calls.append(1)
        time.sleep(0.2)
        return 42

    found = []
    threads = [threading.Thread(target=lambda: found.append(memo.get("k", slow))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert found == [42] * 8 and len(calls) == 1


def test_the_least_recently_used_is_forgotten_and_told():
    forgotten = []
    memo: Memo[str] = Memo(2, forgotten.append)
    memo.get("a", lambda: "A")
    memo.get("b", lambda: "B")
    assert memo.peek("a") == "A"  # "a" is now the most recent
    memo.get("c", lambda: "C")
    assert forgotten == ["B"] and memo.peek("b") is None and len(memo) == 2
    memo.clear()
    assert sorted(forgotten) == ["A", "B", "C"] and len(memo) == 0


def test_an_exception_is_not_kept():
    memo: Memo[int] = Memo(2)

    def fails() -> int:
        raise ValueError("no")

    with pytest.raises(ValueError):
        memo.get("k", fails)
    assert memo.get("k", lambda: 1) == 1


def test_the_style_sheets_cohort_colours_are_the_figures_palette():
    colours = dict(
        re.findall(r"\.swatch-(\d) \{ --cohort: (#[0-9A-F]{6}); \}", CSS.read_text(encoding="utf-8"))
    )
    assert [colours[str(i)] for i in range(len(colours))] == list(OKABE_ITO)
