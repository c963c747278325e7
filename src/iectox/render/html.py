"""report.html: one self-contained page (inline CSS, figures as inline SVG, no external request).

Laid out like a poster's results panel: cohorts with their N on top, booktabs tables whose numbers line up
(counts right-aligned, percentages left-aligned in their own sub-column), footnotes naming each test.
"""

from __future__ import annotations

import html
from pathlib import Path

from iectox.i18n import tr
from iectox.io.atomic import atomic_file
from iectox.render.document import CheckLine, Document
from iectox.render.figures import OKABE_ITO, inline_svg
from iectox.render.layout import Column, Table, figure_caption

CSS = """
:root { --ink:#1d232a; --muted:#5b6670; --rule:#1d232a; --hair:#dde2e6; --soft:#f5f7f9; --ok:#009E73;
  --bad:#D55E00; }
* { box-sizing: border-box; }
body { margin:0; background:#eef1f4; color:var(--ink); font:15px/1.5 "Source Sans 3","Segoe UI",system-ui,
  -apple-system,Roboto,"Helvetica Neue",Arial,sans-serif; }
main { max-width:1120px; margin:24px auto; background:#fff; padding:40px 56px 48px;
  box-shadow:0 1px 3px rgba(0,0,0,.08); }
header { border-bottom:3px solid var(--rule); padding-bottom:20px; margin-bottom:8px; }
.eyebrow { text-transform:uppercase; letter-spacing:.08em; font-size:12px; color:var(--muted); margin:0; }
h1 { font-size:28px; line-height:1.2; margin:6px 0 6px; }
h2 { font-size:20px; margin:36px 0 12px; padding-bottom:4px; border-bottom:1px solid var(--hair); }
.meta { color:var(--muted); margin:0 0 16px; }
.cohorts { display:flex; gap:16px; flex-wrap:wrap; }
.cohort { border-left:6px solid; padding:6px 16px 6px 12px; background:var(--soft); min-width:220px; }
.cohort b { display:block; font-size:15px; }
.cohort span { font-size:26px; font-weight:700; font-variant-numeric:tabular-nums; }
nav { font-size:13px; color:var(--muted); margin:14px 0 0; }
nav a { color:inherit; margin-right:14px; text-decoration:none; border-bottom:1px dotted; }
figure { margin:28px 0 0; break-inside:avoid; }
figcaption { font-weight:700; font-size:16px; margin-bottom:8px; }
table { border-collapse:collapse; width:100%; font-variant-numeric:tabular-nums; }
table.result { border-top:2px solid var(--rule); border-bottom:2px solid var(--rule); }
thead th { font-weight:700; text-align:center; vertical-align:bottom; padding:8px 10px 6px;
  border-bottom:1px solid var(--rule); }
thead th.label { text-align:left; }
.swatch { display:inline-block; width:10px; height:10px; border-radius:2px; margin-right:6px; }
table.result { table-layout:fixed; }
thead th small { display:block; font-weight:400; color:var(--muted); font-size:13px; }
td { padding:4px 10px; vertical-align:top; }
tr.var td { font-weight:600; border-top:1px solid var(--hair); padding-top:7px; }
tr.var td.p, tr.var td.stat { font-weight:400; }
tbody tr:first-child td { border-top:none; }
tr.level td.label { padding-left:28px; font-weight:400; }
td.n { text-align:right; padding-right:3px; white-space:nowrap; }
td.pct { text-align:left; padding-left:3px; color:#39424a; white-space:nowrap; }
td.p, td.stat { text-align:right; white-space:nowrap; }
td.overall, td.overall + td.pct { background:var(--soft); }
tbody tr:hover td { background:#fbf6e9; }
ol.notes { list-style:none; padding:0; margin:8px 0 0; font-size:13px; color:var(--muted); }
ol.notes li { margin:1px 0; }
.figures { display:grid; grid-template-columns:1fr 1fr; gap:8px 28px; }
.figures figure { margin-top:12px; }
.figures svg { width:100%; height:auto; display:block; }
.figures figcaption { font-size:14px; margin:6px 0 0; font-weight:600; }
p.methods { text-align:justify; hyphens:auto; margin:0 0 10px; }
h3 { font-size:15px; margin:16px 0 6px; }
dl.definitions { display:grid; grid-template-columns:minmax(180px, 28%) 1fr; gap:4px 18px; margin:0 0 14px;
  font-size:14px; }
dl.definitions dt { font-weight:600; } dl.definitions dd { margin:0; color:#39424a; }
dl.definitions code { display:block; font-weight:400; color:var(--muted); font-size:12px; }
.summary { font-weight:600; }
table.checks { font-size:12.5px; border-top:2px solid var(--rule); border-bottom:2px solid var(--rule); }
table.checks th { text-align:left; font-weight:600; padding:4px 6px; }
table.checks thead tr:first-child th.group { text-align:center; border-bottom:1px solid var(--hair); }
table.checks td { padding:2px 5px; }
table.checks .num { text-align:right; white-space:nowrap; }
table.checks .first { border-left:1px solid var(--hair); }
table.checks td.var { font-weight:600; min-width:130px; }
table.checks td.statname { min-width:160px; }
table.checks small { display:block; color:var(--muted); font-size:11px; }
td.verdict.na { font-size:11px; font-weight:400; line-height:1.1; }
table.checks tr.section td { font-weight:700; background:var(--soft); border-top:1px solid var(--hair);
  padding:5px 6px; }
td.verdict { text-align:center; font-weight:700; width:1.8em; }
td.verdict.ok { color:var(--ok); } td.verdict.bad { color:var(--bad); } td.verdict.na { color:var(--muted); }
tr.differs td { background:#fdf1ea; }
.trace { background:var(--soft); border-left:4px solid var(--muted); padding:10px 16px; }
code { font-family:"JetBrains Mono",Consolas,Menlo,monospace; font-size:13px; }
footer { margin-top:32px; font-size:12px; color:var(--muted); }
@media print { body { background:#fff; } main { box-shadow:none; margin:0; padding:0; max-width:none; } }
"""


def escape(text: str) -> str:
    """HTML-escaped, with French spacing kept: no line break before ':', ';' or '»', nor after '«'."""
    text = html.escape(text)
    for plain, fixed in ((" :", "\u00a0:"), (" ;", "\u00a0;"), (" »", "\u00a0»"), ("« ", "«\u00a0")):
        text = text.replace(plain, fixed)
    return text


def swatch_class(colour: str) -> str:
    """The class naming a cohort's colour where a page may carry no style attribute (the web application's
    Content-Security-Policy): `swatch-N`, N its place in the palette; its style sheet gives each its colour."""
    return f"swatch-{OKABE_ITO.index(colour)}" if colour in OKABE_ITO else ""


def _head(column: Column, lang: str, inline_style: bool = True) -> str:
    if column.kind in ("group", "overall"):
        if not column.colour:
            swatch = ""
        elif inline_style:
            swatch = f'<span class="swatch" style="background:{column.colour}"></span>'
        else:
            swatch = f'<span class="swatch {swatch_class(column.colour)}"></span>'
        return (
            f'<th colspan="2" class="group">{swatch}{escape(column.label)}<small>N = {column.n}</small></th>'
        )
    return f'<th class="{column.kind}">{escape(column.label)}</th>'


def _colgroup(table: Table) -> str:
    """Fixed column widths, so that every table of the report puts its cohorts at the same place."""
    kinds = [c.kind for c in table.columns]
    label, p, stat = 30.0, 10.0, 8.0
    groups = sum(k in ("group", "overall") for k in kinds)
    if not groups and kinds.count("stat"):  # a table of statistics only (the management KPIs): share the rest
        label = 40.0
        stat = (100 - label - p * kinds.count("p")) / kinds.count("stat")
    rest = 100 - label - p * kinds.count("p") - stat * kinds.count("stat")
    share = rest / max(groups, 1)
    widths = {"label": [label], "p": [p], "stat": [stat], "group": [share * 0.42, share * 0.58]}
    widths["overall"] = widths["group"]
    cols = "".join(f'<col style="width:{w:.1f}%">' for k in kinds for w in widths[k])
    return f"<colgroup>{cols}</colgroup>"


def table_html(table: Table, lang: str, inline_style: bool = True) -> str:
    """The table as an HTML figure (caption, table, footnotes). `inline_style=False` leaves out the style
    attributes (the fixed column widths, the swatches' colours, given by `swatch_class` instead), for a page
    whose Content-Security-Policy refuses them; the text and the numbers are the same."""
    head = "".join(_head(c, lang, inline_style) for c in table.columns)
    rows = []
    for line in table.lines:
        cells = []
        for column, value in zip(table.columns, line.cells, strict=False):
            if column.kind in ("group", "overall"):
                n, share = (*value.parts, "", "")[:2]  # a count and its share line up in two sub-columns
                cells.append(
                    f'<td class="n {column.kind}">{escape(n)}</td> <td class="pct">{escape(share)}</td>'
                )
            else:
                cells.append(f'<td class="{column.kind}">{escape(value.text)}</td>')
        rows.append(f'<tr class="{"level" if line.level else "var"}">{"".join(cells)}</tr>')
    notes = "".join(f"<li>{escape(n)}</li>" for n in table.footnotes)
    caption = f"<figcaption>{escape(table.caption)}</figcaption>" if table.caption else ""
    widths = _colgroup(table) if inline_style else ""
    return (
        f'<figure class="table" id="table-{escape(table.id)}">{caption}'
        f'<table class="result">{widths}<thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
        f'<ol class="notes">{notes}</ol></figure>'
    )


def _verdict(check: CheckLine | None, lang: str) -> str:
    if check is None:
        return '<td class="num"></td><td class="num"></td><td></td>'
    kind = {True: "ok", False: "bad", None: "na"}[check.agrees]
    ours = escape(check.reproduced) + (f"<small>{escape(check.test)}</small>" if check.test else "")
    return (
        f'<td class="num first">{escape(check.published)}</td><td class="num">{ours}</td>'
        f'<td class="verdict {kind}">{escape(check.verdict(lang))}</td>'
    )


def checks_html(document: Document) -> str:
    """One line per published number and statistic, cohorts side by side, the p-value on the right: the
    layout of the published table itself, so that the two can be read together."""
    lang = document.lang
    groups = list(dict.fromkeys(c.group for c in document.checks if not c.between))
    blocks: dict[tuple[str, str], dict[str, object]] = {}
    for c in document.checks:
        block = blocks.setdefault((c.table, c.variable), {"stats": {}, "p": None})
        if c.between:
            block["p"] = c
        else:
            block["stats"].setdefault(c.statistic, {})[c.group] = c
    top = "".join(f'<th colspan="3" class="group">{escape(g)}</th>' for g in [*groups, tr("p-value", lang)])
    sub = "".join(
        f'<th class="num first">{escape(tr("Published", lang))}</th>'
        f'<th class="num">{escape(tr("Reproduced", lang))}</th><th></th>'
        for _ in range(len(groups) + 1)
    )
    width = 2 + 3 * (len(groups) + 1)
    rows, section = [], None
    for (table, variable), block in blocks.items():
        if table != section:
            section = table
            rows.append(f'<tr class="section"><td colspan="{width}">{escape(table)}</td></tr>')
        stats = block["stats"] or {tr("p-value", lang): {}}
        for k, (statistic, cells) in enumerate(stats.items()):
            name = f'<td rowspan="{len(stats)}" class="var">{escape(variable)}</td>' if k == 0 else ""
            p = _verdict(block["p"], lang).replace("<td", f'<td rowspan="{len(stats)}"') if k == 0 else ""
            bad = any(c.agrees is False for c in cells.values())
            line = "".join(_verdict(cells.get(g), lang) for g in groups)
            label = f'<td class="statname">{escape(statistic)}</td>'
            rows.append(f'<tr class="{"differs" if bad else ""}">{name}{label}{line}{p}</tr>')
    return (
        f'<section id="checks"><h2>{escape(tr("Published vs reproduced", lang))}</h2>'
        f'<p class="summary">{escape(document.check_summary)}</p>'
        f"<p>{escape(tr(CHECKS_NOTE, lang))}</p>"
        f'<table class="checks"><thead><tr><th rowspan="2">{escape(tr("Variable", lang))}</th>'
        f'<th rowspan="2">{escape(tr("Statistic", lang))}</th>{top}</tr><tr>{sub}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></section>"
    )


def methods_html(document: Document) -> str:
    m, lang = document.methods, document.lang
    items = "".join(
        f"<dt>{escape(label)} <code>{escape(name)}</code></dt><dd>{escape(text)}</dd>"
        for label, name, text in m.definitions
    )
    paragraphs = [m.design, m.grading]
    body = "".join(f'<p class="methods">{escape(p)}</p>' for p in paragraphs if p)
    if items:
        body += f'<h3>{escape(tr("Definitions", lang))}</h3><dl class="definitions">{items}</dl>'
    body += "".join(f'<p class="methods">{escape(p)}</p>' for p in (m.statistics, m.missing, m.software))
    return f'<section id="methods"><h2>{escape(tr("Methods", lang))}</h2>{body}</section>'


CHECKS_NOTE = (
    "Each number printed in the published tables, next to the same number recomputed from the patient-level "
    "rows. A count agrees when it is equal; a mean, SD or p-value when it is equal at the printed precision. "
    "A p-value can differ because the published test was not stated: the test used here is named in brackets."
)
TRACE_NOTE = (
    "Every number in the tables is computed from {csv}, written next to this file: one row per infusion, "
    "one column per variable (the column names are given with the definitions in the methods). To check a "
    "number, open it in a spreadsheet, filter the column {by} on a cohort, then count the rows (n), divide "
    "by the rows where the column is filled (%), or average the column (mean). The same rows are in the "
    "sheet analysis of {xlsx}."
)


def figures_html(figures: list[tuple[str, str, Path]], lang: str, first: int = 1) -> str:
    """The figures inline, captioned "Figure {first}.", "Figure {first + 1}."..."""
    return "".join(
        f'<figure id="figure-{escape(name)}">{inline_svg(svg, name)}'
        f"<figcaption>{escape(figure_caption(caption, i, lang))}</figcaption></figure>"
        for i, (name, caption, svg) in enumerate(figures, first)
    )


def management_html(document: Document, figures: list[tuple[str, str, Path]], first: int) -> str:
    """The management section: the headline, the pathway and its source, the KPI table, the two figures."""
    m, lang = document.management, document.lang
    if m is None:
        return ""
    return (
        f'<section id="management"><h2>{escape(m.title)}</h2><p class="summary">{escape(m.headline)}</p>'
        f'<p class="meta">{escape(m.pathway)}</p>{table_html(m.table, lang)}'
        f'<div class="figures">{figures_html(figures, lang, first)}</div></section>'
    )


ADJUSTED = "Adjusted comparisons"


def render(
    document: Document,
    figures: list[tuple[str, str, Path]],
    management_figures: list[tuple[str, str, Path]] | None = None,
) -> str:
    """The page as a string; `figures` and `management_figures` are (name, caption, SVG path) in display
    order, the latter shown in the management section."""
    lang = document.lang
    cohorts = "".join(
        f'<div class="cohort" style="border-color:{c.colour}"><b>{escape(c.label)}</b><span>N = {c.n}</span></div>'
        for c in document.cohorts
    )
    period = tr("Period: {period}", lang).format(period=document.period) if document.period else ""
    sections = [
        ("tables", "Tables"),
        *([("adjusted", ADJUSTED)] if document.adjusted else []),
        ("figures", "Figures"),
    ]
    if document.management is not None:
        sections.append(("management", document.management.title))
    sections.append(("methods", "Methods"))
    if document.checks:
        sections.append(("checks", "Published vs reproduced"))
    sections.append(("trace", "How to trace a number"))
    nav = "".join(f'<a href="#{anchor}">{escape(tr(name, lang))}</a>' for anchor, name in sections)
    tables = "".join(table_html(t, lang) for t in document.shown_tables)
    adjusted = "".join(table_html(t, lang) for t in document.adjusted)
    if adjusted:
        adjusted = f'<section id="adjusted"><h2>{escape(tr(ADJUSTED, lang))}</h2>{adjusted}</section>'
    pictures = figures_html(figures, lang)
    management = management_html(document, management_figures or [], len(figures) + 1)
    trace = tr(TRACE_NOTE, lang).format(csv="\0csv\0", by="\0by\0", xlsx="\0xlsx\0")
    trace = escape(trace).replace("\0csv\0", "<code>analysis_table.csv</code>")
    trace = trace.replace("\0by\0", f"<code>{escape(document.by)}</code>").replace(
        "\0xlsx\0", "<code>report.xlsx</code>"
    )
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(document.title)}</title><style>{CSS}</style></head>
<body><main>
<header><p class="eyebrow">{escape(tr("Cohort comparison report", lang))} · iectox</p>
<h1>{escape(document.title)}</h1><p class="meta">{escape(period)}</p>
<div class="cohorts">{cohorts}</div><nav>{nav}</nav></header>
<section id="tables"><h2>{escape(tr("Tables", lang))}</h2>{tables}</section>
{adjusted}
<section id="figures"><h2>{escape(tr("Figures", lang))}</h2><div class="figures">{pictures}</div></section>
{management}
{methods_html(document)}
{checks_html(document) if document.checks else ""}
<section id="trace"><h2>{escape(tr("How to trace a number", lang))}</h2><p class="trace">{trace}</p></section>
<footer>{escape(tr("Generated by iectox from the patient-level rows of the study.", lang))}</footer>
</main></body></html>
"""


def write_report_html(
    document: Document,
    figures: list[tuple[str, str, Path]],
    path: Path,
    management_figures: list[tuple[str, str, Path]] | None = None,
) -> Path:
    with atomic_file(path) as tmp:
        tmp.write_text(render(document, figures, management_figures), encoding="utf-8")
    return path
