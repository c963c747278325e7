"""`write_report` says each figure's caption with its files (`ReportFiles.captions`), in the report's language
and display order, so that a page showing the figures (the web's study page) captions them as the report does."""

from __future__ import annotations

from iectox.i18n import tr
from iectox.render.figures import FIGURES


def test_every_figure_written_has_its_caption_in_the_reports_language(french_seed):
    report = french_seed.report
    drawn = [path.stem for path in report.figures if path.suffix == ".png"]
    assert list(report.captions) == drawn
    assert {p.stem for p in report.figures if p.suffix == ".svg"} == set(drawn)
    studied = {f.name: tr(f.caption, "fr") for f in FIGURES if f.name in report.captions}
    assert studied and all(report.captions[name] == caption for name, caption in studied.items())
    assert report.captions["management_delay_by_cohort"] == tr(
        "Time from CRS onset to first tocilizumab by cohort", "fr"
    )
    assert (
        report.captions["management_delay_by_cohort"] != "Time from CRS onset to first tocilizumab by cohort"
    )
