"""The study's audit written beside its report (`iectox demo`) copies the report's two management figures
instead of drawing them again (about 0.5 s of CPU): the same files, byte for byte, as the audit drawing them
itself; a figure drawn for another caption (another language) is drawn again."""

from __future__ import annotations

import pytest

from factories import seed_result
from iectox.render import audit as audit_outputs
from iectox.render.audit import write_audit
from iectox.render.management import cohort_labels, drawn_management_figures

NAMES = ("delay_by_cohort", "kpi_trend")


def _files(folder):
    """Each file of an audit folder but the workbook (which holds the time it was written)."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*.*"))
        if path.suffix != ".xlsx"
    }


def test_the_reports_figures_are_the_audits_byte_for_byte_and_not_drawn_again(
    english_seed, tmp_path, monkeypatch
):
    result = seed_result()
    drawn = drawn_management_figures(english_seed.figures, english_seed.captions)
    assert sorted(drawn) == list(NAMES)
    assert drawn["delay_by_cohort"][1] == english_seed.folder / "figures" / "management_delay_by_cohort.png"
    itself = write_audit(result.management, tmp_path / "drawn", "en", cohort_labels(result))
    monkeypatch.setattr(audit_outputs, "save", lambda *a: pytest.fail("a figure was drawn again"))
    copied = write_audit(result.management, tmp_path / "copied", "en", cohort_labels(result), drawn)
    files = _files(copied.folder)
    assert files == _files(itself.folder)  # the figures, audit.html (their inline SVG), audit.json
    assert {"figures/kpi_trend.png", "figures/kpi_trend.svg", "audit.html", "audit.json"} <= set(files)
    assert [p.name for p in copied.figures] == [f"{n}.{s}" for n in NAMES for s in ("png", "svg")]


def test_a_figure_drawn_for_another_caption_is_drawn_again(english_seed, tmp_path, monkeypatch):
    result = seed_result()
    drawn = dict(drawn_management_figures(english_seed.figures, english_seed.captions))
    _, png, svg = drawn["kpi_trend"]
    drawn["kpi_trend"] = ("another caption", png, svg)
    saved = []
    real = audit_outputs.save
    monkeypatch.setattr(
        audit_outputs, "save", lambda figure, folder, name: saved.append(name) or real(figure, folder, name)
    )
    write_audit(result.management, tmp_path / "audit", "en", cohort_labels(result), drawn)
    assert saved == ["kpi_trend"]
