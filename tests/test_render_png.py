"""The figures' PNG files are written by iectox (`iectox.render.png`), not by Pillow: the same pixels and
resolution as matplotlib's own PNG, read back by Pillow as any reader would."""

from __future__ import annotations

import zlib
from pathlib import Path

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from iectox.render.figures import DPI, save
from iectox.render.png import png_bytes, write_png


def _figure() -> Figure:
    fig = Figure(figsize=(3.2, 2.1), layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.bar(["Réel", "Essais"], [12, 7], color=["#0072B2", "#E69F00"], alpha=0.6)
    ax.plot([0, 1], [3, 9], color="#009E73")
    ax.set_title("CRS ≥ 2 (%)")
    return fig


def test_same_pixels_and_resolution_as_matplotlib(tmp_path: Path) -> None:
    fig = _figure()
    fig.savefig(tmp_path / "matplotlib.png", dpi=DPI)
    write_png(fig, tmp_path / "iectox.png", DPI)
    with Image.open(tmp_path / "matplotlib.png") as theirs, Image.open(tmp_path / "iectox.png") as ours:
        assert ours.format == "PNG" and ours.mode == theirs.mode == "RGBA"
        assert ours.size == theirs.size == (640, 420)
        assert ours.info["dpi"] == theirs.info["dpi"] == pytest.approx((DPI, DPI), abs=0.01)
        assert np.array_equal(np.asarray(ours), np.asarray(theirs))
        assert len(np.unique(np.asarray(ours).reshape(-1, 4), axis=0)) > 10  # a drawing, not a blank page


def test_save_writes_both_files(tmp_path: Path) -> None:
    png, svg = save(_figure(), tmp_path, "chart")
    with Image.open(png) as image:
        image.load()
        assert image.size == (640, 420)
    assert svg.read_text(encoding="utf-8").rstrip().endswith("</svg>")


def test_rows_unfiltered_and_exact() -> None:
    rgba = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    data = png_bytes(rgba, 72)
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    start = data.index(b"IDAT") + 4
    length = int.from_bytes(data[start - 8 : start - 4], "big")
    rows = zlib.decompress(data[start : start + length])
    assert rows == b"\x00" + rgba[0].tobytes() + b"\x00" + rgba[1].tobytes()


def test_refuses_what_is_no_rgba_image() -> None:
    with pytest.raises(ValueError, match="RGBA"):
        png_bytes(np.zeros((2, 2, 3), dtype=np.uint8), 72)
