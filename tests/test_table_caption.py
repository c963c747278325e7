"""A table's caption ("Table 2. Demographics") is made in one place, `render.layout.table_caption`, and every
render module that numbers a table calls it, so that the report, the pooled report, the audit and the web's
study page cannot word it differently."""

from __future__ import annotations

import re

from iectox.render.layout import table_caption
from source_scan import modules_holding

CAPTION_WRITTEN = re.compile(r"""tr\(\s*['"]Table['"]\s*(,\s*\w+\s*)?\)\}\s*\{""")


def test_a_numbered_table_is_captioned_with_its_number_in_the_language():
    assert table_caption("Demographics", 2, "en") == "Table 2. Demographics"
    assert table_caption("Démographie", 3, "fr") == "Tableau 3. Démographie"
    assert table_caption("Demographics", None, "fr") == "Demographics"  # a table on its own


def test_no_module_writes_a_caption_of_its_own():
    assert modules_holding(CAPTION_WRITTEN) == []  # layout.table_caption words it apart from the f-string
