"""A headless Chromium for tests: Debian's /usr/bin/chromium driven by Playwright's Python package.

Playwright's own browser builds are never downloaded (`playwright install` is not used): the project installs
Debian's chromium (scripts/ensure_chromium.sh) and the browser is launched from that executable, headless,
without the sandbox (CI runs as root), the GPU, or anything that reaches the network on its own (background
networking, component updates, sync, first-run pages). Each session gets a fresh profile folder of its own,
deleted when the browser closes; each test a fresh context (no cookies, no storage of another test).

Fixtures: `browser` (module), `page` (a new context's page, 1280 x 800, closed after the test). A test that
uses them is marked `browser` (`pytest -m "not browser"` leaves them out). `screenshot(page, name)` keeps a
PNG in test-artifacts/screenshots/ (git-ignored; CI keeps it as an artefact); a failed test's page is kept
there as `FAILED-<test>.png`. Without the browser the tests are skipped, saying how to install it, except on
CI (CI=true), where they fail.

Playwright's sync API runs an event loop in the test's thread; Django refuses database calls from a thread
with a running loop, so `page` sets DJANGO_ALLOW_ASYNC_UNSAFE for the test (its calls are still synchronous).
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from components import missing

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
VIEWPORT = {"width": 1280, "height": 800}
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives a headless Chromium (tests/browser_support.py)")


def screenshot(page: Any, name: str, full_page: bool = True) -> Path:
    """Keep what the page shows now as test-artifacts/screenshots/NAME.png (the README shows some)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Chromium, launched once per module: Playwright's loop stays running in the thread while it lives, and a
    database test of another module run next by the same worker would be refused by Django (an async context)."""
    if not os.access(CHROMIUM, os.X_OK):
        missing(f"no {CHROMIUM}; run scripts/ensure_chromium.sh (as root) to install Debian's chromium")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (make install)")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=list(FLAGS))
        try:
            yield launched
        finally:
            launched.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Remember each phase's outcome on the test, so that `page` knows whether to keep a picture of it."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A page in a context of its own; kept as a screenshot when the test fails."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    context = browser.new_context(viewport=VIEWPORT)
    opened = context.new_page()
    try:
        yield opened
        call = getattr(request.node, "report_call", None)
        if call is not None and call.failed:
            with contextlib.suppress(Exception):  # a crashed page: the test's own error says it
                screenshot(opened, "FAILED-" + re.sub(r"[^\w.-]+", "_", request.node.nodeid))
    finally:
        context.close()
