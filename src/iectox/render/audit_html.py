"""audit.html: one self-contained page (inline CSS and SVG) in the study report's style.

KPIs by cohort first (what a quality meeting looks at), then the two figures, the headline KPI by quarter,
the findings with their severity in colour, and the pathway with the source of every threshold.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from iectox.i18n import N_, number, percent
from iectox.io.atomic import atomic_file
from iectox.management.audit import Audit
from iectox.management.crs_rules import CRS_ONSET_TO_TOCILIZUMAB
from iectox.management.words import tr
from iectox.render.figures import OKABE_ITO, inline_svg
from iectox.render.html import CSS, escape
from iectox.render.layout import figure_caption

AUDIT_CSS = """
table.audit { border-top:2px solid var(--rule); border-bottom:2px solid var(--rule); font-size:13.5px;
  margin:0 0 18px; }
table.audit th { text-align:left; font-weight:700; padding:6px 8px; border-bottom:1px solid var(--rule); }
table.audit td { padding:3px 8px; border-top:1px solid var(--hair); }
table.audit td.num, table.audit th.num { text-align:right; white-space:nowrap; }
table.audit td.rule { font-weight:600; }
table.audit small { display:block; color:var(--muted); font-size:11px; }
.sev { display:inline-block; padding:0 7px; border-radius:9px; font-size:12px; font-weight:700; color:#fff; }
.sev.deviation { background:var(--bad); } .sev.warning { background:#E69F00; } .sev.info { background:var(--muted); }
tr.deviation td { background:#fdf1ea; } tr.warning td { background:#fdf6e3; }
.counts { display:flex; gap:16px; margin:10px 0 0; }
.counts div { border-left:6px solid; padding:4px 14px 4px 10px; background:var(--soft); }
.counts span { font-size:22px; font-weight:700; display:block; }
.figures.single { grid-template-columns:1fr; }
"""
SEVERITY_COLOURS = {"deviation": "var(--bad)", "warning": "#E69F00", "info": "var(--muted)"}


def _label(key: str, labels: Mapping[str, str], lang: str) -> str:
    return tr(labels.get(key, str(key).replace("_", " ").capitalize()), lang)


def _share(row: pd.Series, lang: str) -> str:
    """met / eligible (share), the share as the audit computed it: "3/8 (37.5 %)", never "3/3"."""
    return f"{int(row['met'])}/{int(row['n'])} ({percent(100 * float(row['share_met']), 1, lang)})"


def _median(row: pd.Series, lang: str) -> str:
    if not int(row["n_delay"]):
        return "-"
    q = [number(float(row[c]), 1, lang) for c in ("median_delay_h", "q1_delay_h", "q3_delay_h")]
    return f"{q[0]} [{q[1]}; {q[2]}] <small>n = {int(row['n_delay'])}</small>"


def kpi_table(result: Audit, labels: Mapping[str, str], lang: str) -> str:
    """One line per rule and cohort: n, each outcome, share within target, median [IQR]."""
    heads = ["KPI", "Cohort", "n", "Met", "Late", "Untreated", "Other treatment", "Undetermined"]
    heads += ["Within target", "Median delay, h [IQR]"]
    head = "".join(
        f'<th class="{"num" if i >= 2 else ""}">{escape(tr(h, lang))}</th>' for i, h in enumerate(heads)
    )
    body = []
    order = {c: i for i, c in enumerate(_order(result.timings, labels))}
    for rule, rows in result.kpis_by_cohort.groupby("rule", sort=False):
        rows = rows.sort_values("cohort", key=lambda s: s.map(order))
        for k, (_, row) in enumerate(rows.iterrows()):
            name = (
                f'<td class="rule" rowspan="{len(rows)}">{escape(result.label(rule, lang))}</td>'
                if k == 0
                else ""
            )
            counts = "".join(
                f'<td class="num">{int(row[c])}</td>'
                for c in ("n", "met", "late", "untreated", "not_followed", "undetermined")
            )
            body.append(
                f"<tr>{name}<td>{escape(_label(row['cohort'], labels, lang))}</td>{counts}"
                f'<td class="num">{escape(_share(row, lang))}</td><td class="num">{_median(row, lang)}</td></tr>'
            )
    return f'<table class="audit"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def quarter_table(result: Audit, labels: Mapping[str, str], lang: str) -> str:
    """The headline KPI per quarter of infusion, cohorts side by side, with the n of every cell."""
    rows = result.kpis_by_quarter[result.kpis_by_quarter["rule"] == CRS_ONSET_TO_TOCILIZUMAB.id]
    cohorts = [c for c in _order(result.timings, labels) if c in set(rows["cohort"])]
    head = f"<th>{escape(tr('Quarter', lang))}</th>" + "".join(
        f'<th class="num">{escape(_label(c, labels, lang))}<small>{escape(tr("within target; median h", lang))}'
        "</small></th>"
        for c in cohorts
    )
    body = []
    for quarter, part in rows.groupby("quarter", sort=True):
        cells = []
        for cohort in cohorts:
            match = part[part["cohort"] == cohort]
            if match.empty:
                cells.append('<td class="num">-</td>')
                continue
            row = match.iloc[0]
            median = number(float(row["median_delay_h"]), 1, lang) if int(row["n_delay"]) else "-"
            cells.append(f'<td class="num">{escape(_share(row, lang))}; {escape(median)}</td>')
        body.append(f"<tr><td>{escape(quarter)}</td>{''.join(cells)}</tr>")
    return f'<table class="audit"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def rules_table(result: Audit, lang: str) -> str:
    """Findings counted per rule and severity, with the rule's source written once."""
    counts = result.counts_by_rule()
    if counts.empty:
        return f"<p>{escape(tr('No finding.', lang))}</p>"
    heads = ["Rule", *SEVERITY_COLOURS, "Source"]
    head = "".join(
        f'<th class="{"num" if 0 < i < 4 else ""}">{escape(tr(h, lang))}</th>' for i, h in enumerate(heads)
    )
    body = "".join(
        f"<tr><td><code>{escape(row['rule'])}</code></td>"
        + "".join(f'<td class="num">{int(row[s])}</td>' for s in SEVERITY_COLOURS)
        + f"<td><small>{escape(result.source(row['rule'], lang))}</small></td></tr>"
        for _, row in counts.iterrows()
    )
    return f'<table class="audit"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def findings_table(result: Audit, lang: str) -> str:
    """One line per finding, most serious first; the source is in the rule's tooltip and in `rules_table`."""
    table = result.findings_table(lang).fillna("")
    heads = ["Severity", "Rule", "Infusion", "Episode", "Dose", "Finding"]
    head = "".join(f"<th>{escape(tr(h, lang))}</th>" for h in heads)
    body = []
    for row in table.itertuples(index=False):
        cells = [
            f'<span class="sev {row.severity}">{escape(tr(row.severity, lang))}</span>',
            f'<code title="{escape(row.source)}">{escape(row.rule)}</code>',
            escape(row.infusion_id),
            escape(row.episode_id),
            escape(row.administration_id),
            escape(row.finding),
        ]
        body.append(f'<tr class="{row.severity}">' + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    if not body:
        return ""
    return f'<table class="audit"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def pathway_table(result: Audit, lang: str) -> str:
    """Every setting used, with its value, unit, source and the file it came from."""
    heads = ["Setting", "Value", "Unit", "Source", "From"]
    head = "".join(f"<th>{escape(tr(h, lang))}</th>" for h in heads)
    body = "".join(
        f"<tr><td><code>{escape(s.key)}</code></td><td>{escape(s.shown())}</td><td>{escape(tr(s.unit, lang))}</td>"
        f"<td>{escape(tr(s.source, lang))}</td><td>{escape(tr(s.origin, lang))}</td></tr>"
        for s in result.pathway
    )
    return f'<table class="audit"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def render(result: Audit, figures: list[tuple[str, str, Path]], labels: Mapping[str, str], lang: str) -> str:
    """The page as a string; `figures` are (name, caption, SVG path) in display order."""
    timings = result.timings
    cohorts = "".join(
        f'<div class="cohort" style="border-color:{OKABE_ITO[i % len(OKABE_ITO)]}">'
        f"<b>{escape(_label(key, labels, lang))}</b><span>N = {n}</span></div>"
        for i, (key, n) in enumerate(
            timings["cohort"].value_counts(sort=False).reindex(_order(timings, labels)).items()
        )
    )
    counts = "".join(
        f'<div style="border-color:{SEVERITY_COLOURS[s]}"><span>{n}</span>{escape(tr(s, lang))}</div>'
        for s, n in result.counts().items()
    )
    graded = tr(GRADED_NOTE if result.graded else UNGRADED_NOTE, lang)
    pictures = "".join(
        f'<figure id="figure-{escape(name)}">{inline_svg(svg, name)}'
        f"<figcaption>{escape(figure_caption(caption, i, lang))}</figcaption></figure>"
        for i, (name, caption, svg) in enumerate(figures, 1)
    )
    sections = [("kpis", "KPIs by cohort"), ("figures", "Figures"), ("quarters", "By quarter")]
    sections += [("findings", "Findings"), ("pathway", "Pathway")]
    nav = "".join(f'<a href="#{a}">{escape(tr(t, lang))}</a>' for a, t in sections)
    title = tr("Management pathway audit", lang)
    meta = tr("Pathway: {name}.", lang).format(name=tr(result.pathway.name, lang)) + " " + graded
    quarters = tr("{kpi}: by quarter of infusion", lang).format(
        kpi=result.label(CRS_ONSET_TO_TOCILIZUMAB.id, lang)
    )
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title><style>{CSS}{AUDIT_CSS}</style></head>
<body><main>
<header><p class="eyebrow">{escape(tr("Management audit", lang))} · iectox</p>
<h1>{escape(title)}</h1><p class="meta">{escape(meta)}</p>
<div class="cohorts">{cohorts}</div><div class="counts">{counts}</div><nav>{nav}</nav></header>
<section id="kpis"><h2>{escape(tr("KPIs by cohort", lang))}</h2>{kpi_table(result, labels, lang)}
<ol class="notes"><li>{escape(tr(KPI_NOTE, lang))}</li></ol></section>
<section id="figures"><h2>{escape(tr("Figures", lang))}</h2><div class="figures">{pictures}</div></section>
<section id="quarters"><h2>{escape(quarters)}</h2>
{quarter_table(result, labels, lang)}</section>
<section id="findings"><h2>{escape(tr("Findings", lang))}</h2>{rules_table(result, lang)}
{findings_table(result, lang)}</section>
<section id="pathway"><h2>{escape(tr("Pathway", lang))}</h2>{pathway_table(result, lang)}</section>
<footer>{escape(tr("Generated by iectox from the patient-level rows of the study.", lang))}</footer>
</main></body></html>
"""


KPI_NOTE = N_(
    "n: episodes the rule applies to. Within target: episodes shown within target / n (an episode the record "
    "cannot judge counts in n, never as met). Median delay from the rule's clock with quartiles, over delays "
    "known to the hour; a negative delay means the drug came before the grade was reached."
)

GRADED_NOTE = "First grade >= 2 times come from the graded observations."
UNGRADED_NOTE = (
    "No graded observations: delays from the first grade >= 2 are blank and those targets are only shown met "
    "when the delay from onset is already within them."
)


def _order(timings: pd.DataFrame, labels: Mapping[str, str]) -> list[str]:
    present = [str(c) for c in timings["cohort"].dropna().unique()]
    return [k for k in labels if k in present] + sorted(k for k in present if k not in labels)


def write_html(
    result: Audit, figures: list[tuple[str, str, Path]], path: Path, labels: Mapping[str, str], lang: str
) -> Path:
    """Write the page at `path`, whole or not at all."""
    with atomic_file(path) as tmp:
        tmp.write_text(render(result, figures, labels, lang), encoding="utf-8")
    return path


__all__ = ["render", "write_html"]
