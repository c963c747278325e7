"""A figure's caption ("Figure 3. CRS grade by cohort") is made in one place, `render.layout.figure_caption`,
beside `table_caption`, and every module and template that numbers a figure uses it, so that the report's HTML
and DOCX, the audit, the pooled report and the web's study page cannot word it differently (each wrote its
own)."""

from __future__ import annotations

import re

from iectox.render.layout import figure_caption
from source_scan import modules_holding

CAPTION_WRITTEN = re.compile(r"""tr\(\s*['"]Figure['"]""")  # tr("Figure", lang), fmt.tr('Figure')...
CAPTION_IN_TEMPLATE = re.compile(r"""\{%\s*tr\s+['"]Figure['"]""")  # {% tr "Figure" %} {{ number }}...


def test_a_figure_is_captioned_with_its_number_in_the_language():
    assert figure_caption("CRS grade by cohort", 3, "en") == "Figure 3. CRS grade by cohort"
    assert figure_caption("Grade du CRS par cohorte", 1, "fr") == "Figure 1. Grade du CRS par cohorte"


def test_no_module_or_template_writes_a_caption_of_its_own():
    assert modules_holding(CAPTION_WRITTEN) == ["render/layout.py"]
    assert modules_holding(CAPTION_IN_TEMPLATE, files="*.html") == []
