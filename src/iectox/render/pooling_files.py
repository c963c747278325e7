"""`iectox pool`'s folder: pooled.html, pooled.xlsx, pooled.docx, pooled.json and a forest plot per variable,
written into a new folder swapped in whole (`iectox.io.atomic.atomic_folder`), as a study report is."""

from __future__ import annotations

import json
import math
from pathlib import Path

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm

from iectox.io.atomic import atomic_folder, check_output_folder
from iectox.io.sheets import save_workbook
from iectox.render.docx import add_table, blank
from iectox.render.figures import inline_svg
from iectox.render.format import Formatter
from iectox.render.html import CSS, escape, table_html
from iectox.render.layout import Table, figure_caption
from iectox.render.pooling import pooled_record, pooled_tables, pooled_workbook
from iectox.render.pooling_figures import forest_plots
from iectox.study.pooled_summary import pooled_summary_table
from iectox.study.pooling import PooledStudy


def check_pool_folder(out: Path) -> Path:
    """`out` resolved, or `OutputRefused` when it holds files of the user's: asked before any work."""
    return check_output_folder(Path(out))


def _intro(pooled: PooledStudy, fmt: Formatter) -> str:
    centres = ", ".join(f"{c} ({n})" for c, n in zip(pooled.centres, _sizes(pooled), strict=True))
    return fmt.tr("Pooled from {count} centres: {centres}.").format(
        count=len(pooled.centres), centres=centres
    )


def _sizes(pooled: PooledStudy) -> list[int]:
    return [sum(g["by_centre"][i] for g in pooled.groups) for i in range(len(pooled.centres))]


def _html(pooled: PooledStudy, tables: list[Table], figures: list, fmt: Formatter) -> str:
    title = fmt.tr(pooled.study.get("title", ""))
    body = "".join(table_html(t, fmt.lang) for t in tables)
    pictures = "".join(
        f'<figure id="figure-{escape(name)}">{inline_svg(svg, name)}'
        f"<figcaption>{escape(figure_caption(caption, i, fmt.lang))}</figcaption></figure>"
        for i, (name, caption, _, svg) in enumerate(figures, 1)
    )
    return f"""<!DOCTYPE html>
<html lang="{fmt.lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title><style>{CSS}</style></head>
<body><main><h1>{escape(title)}</h1><p>{escape(_intro(pooled, fmt))}</p>
{body}{pictures}
</main></body></html>
"""


def _docx(pooled: PooledStudy, tables: list[Table], figures: list, fmt: Formatter, path: Path) -> None:
    doc, width = blank(tuple(tables))
    doc.add_heading(fmt.tr(pooled.study.get("title", "")), level=1)
    doc.add_paragraph(_intro(pooled, fmt))
    for table in tables:
        add_table(doc, table, width)
    for i, (_, caption, png, _) in enumerate(figures, 1):
        paragraph = doc.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.add_run().add_picture(str(png), width=Cm(min(width, 17)))
        doc.add_paragraph(figure_caption(caption, i, fmt.lang), style="Caption")
    doc.save(str(path))


def write_pooled(pooled: PooledStudy, out: Path, lang: str = "en") -> list[Path]:
    """Every file of the pooled study, in `lang`; the folder is replaced whole, or left as it was."""
    fmt = Formatter(lang, digits=1, p_digits=4)
    tables = pooled_tables(pooled, fmt)
    with atomic_folder(Path(out)) as folder:
        figures = forest_plots(pooled, fmt, folder / "figures")
        (folder / "pooled.html").write_text(_html(pooled, tables, figures, fmt), encoding="utf-8")
        _docx(pooled, tables, figures, fmt, folder / "pooled.docx")
        save_workbook(pooled_workbook(tables), folder / "pooled.xlsx")
        record = _finite(pooled_record(pooled))
        (folder / "pooled.json").write_text(
            json.dumps(record, indent=2, ensure_ascii=False, allow_nan=False), encoding="utf-8"
        )
        (folder / "pooled_table.json").write_text(
            json.dumps(pooled_summary_table(pooled), indent=2, ensure_ascii=False, allow_nan=False),
            encoding="utf-8",
        )
        written = ["pooled.html", "pooled.xlsx", "pooled.docx", "pooled.json", "pooled_table.json"]
        written += [f"figures/{png.name}" for _, _, png, _ in figures]
    return [Path(out) / name for name in written]


def _finite(value: object) -> object:
    """JSON has no NaN: a number that is not finite (an SD of one value) is written null; numpy numbers as
    numbers."""
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    if isinstance(value, bool | int | str) or value is None:
        return value
    number = float(value)  # type: ignore[arg-type]
    return number if math.isfinite(number) else None
