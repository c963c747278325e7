"""The browser chain works end to end: Playwright drives Debian's chromium, headless, with the project's flags,
through a page served on loopback, runs its script, fills a form and keeps a screenshot."""

from __future__ import annotations

import struct
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from browser_support import FLAGS, VIEWPORT, screenshot

pytestmark = pytest.mark.browser

PAGE = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Observation</title>
<style>body { font-family: sans-serif; margin: 2em } output { color: #b00020; font-weight: bold }</style></head>
<body><h1>Relevé de constantes</h1>
<form><label>Température (°C) <input name="temperature"></label><button type="button">Classer</button></form>
<output></output>
<script>
document.querySelector("button").onclick = () => {
  const t = parseFloat(document.querySelector("input").value.replace(",", "."));
  document.querySelector("output").textContent = t >= 38 ? "Fièvre : SRC grade 1 au moins" : "Pas de fièvre";
};
</script></body></html>
"""


@pytest.fixture
def site(tmp_path):
    """The page above, served by a loopback HTTP server on a free port for the test's duration."""
    (tmp_path / "index.html").write_text(PAGE, encoding="utf-8")
    handler = partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
    handler.log_message = lambda *args: None  # type: ignore[attr-defined]
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_chromium_renders_a_local_page_runs_its_script_and_keeps_a_screenshot(page, site):
    page.goto(site)
    assert page.title() == "Observation"
    page.fill("input[name=temperature]", "38,6")
    page.click("text=Classer")
    assert page.text_content("output") == "Fièvre : SRC grade 1 au moins"
    path = screenshot(page, "browser-smoke", full_page=False)
    assert path.parent.name == "screenshots" and path.parent.parent.name == "test-artifacts"
    assert _png_size(path.read_bytes()) == (VIEWPORT["width"], VIEWPORT["height"])


def test_the_browser_is_debians_chromium_headless_with_the_projects_flags_and_a_fresh_profile(page):
    page.goto("chrome://version")
    command_line = page.text_content("#command_line").split()
    assert page.text_content("#executable_path") == "/usr/lib/chromium/chromium" == command_line[0]
    assert set(FLAGS) | {"--headless"} <= set(command_line)
    (profile,) = [a.split("=", 1)[1] for a in command_line if a.startswith("--user-data-dir=")]
    assert Path(profile).name.startswith("playwright_chromiumdev_profile-") and Path(profile).is_dir()
    assert page.text_content("#profile_path") == f"{profile}/Default"
