"""`write_audit(result, out)`: audit.html, audit.xlsx, audit.json and the two figures (PNG and SVG).

The HTML page and the workbook are laid out from the same `Audit`, so they never disagree; audit.json keeps
the findings, the KPIs, the rules judged (id, severity, source, whether a KPI follows it, in the registry's
order) and the pathway used (every value with its unit, source and origin) for scripts and later comparison.
KPI labels and their order come from the audit's rules, never from a list kept here.
"""

from __future__ import annotations

import json
import math
import shutil
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from iectox.i18n import LANGUAGES
from iectox.io.atomic import atomic_file, atomic_folder, check_output_folder
from iectox.management.audit import Audit
from iectox.management.crs_rules import CRS_ONSET_TO_TOCILIZUMAB
from iectox.management.words import tr
from iectox.render.audit_figures import delay_by_cohort, kpi_trend
from iectox.render.audit_html import write_html
from iectox.render.audit_xlsx import write_xlsx
from iectox.render.figures import save
from iectox.schema import THERAPY
from iectox.schema.vocabularies import SETTING

if TYPE_CHECKING:
    from matplotlib.figure import Figure

FORMAT = "iectox-audit/1"
"""What an audit folder of iectox's own holds: only such a folder is replaced."""


@dataclass(frozen=True)
class AuditFiles:
    """Every file `write_audit` wrote; iterating gives them all, the figures last."""

    folder: Path
    html: Path
    xlsx: Path
    json: Path
    figures: tuple[Path, ...]

    def __iter__(self) -> Iterator[Path]:
        yield from (self.html, self.xlsx, self.json, *self.figures)

    def moved(self, folder: Path) -> AuditFiles:
        """The same files in `folder`: where the audit is published once written in a temporary folder."""

        def move(path: Path) -> Path:
            return folder / path.relative_to(self.folder)

        return AuditFiles(
            folder, move(self.html), move(self.xlsx), move(self.json), tuple(map(move, self.figures))
        )


def default_cohort_labels(result: Audit) -> dict[str, str]:
    """Names of the cohorts from the contract's vocabulary (settings, products); codes otherwise."""
    by = result.pathway.kpis.cohort_by.value
    vocabulary = {"setting": SETTING, "therapy": THERAPY}.get(by)
    return {t.code: t.label for t in vocabulary.terms} if vocabulary else {}


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    rows = frame.astype(object).where(frame.notna(), None).to_dict("records")
    return [
        {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in row.items()} for row in rows
    ]


def audit_json(result: Audit, lang: str = "en") -> dict[str, Any]:
    """The audit as plain JSON data: pathway used, counts, KPIs and findings (sentences in `lang`)."""
    try:
        iectox_version = version("iectox")
    except PackageNotFoundError:  # running from a source tree
        iectox_version = "unknown"
    return {
        "format": FORMAT,
        "iectox": iectox_version,
        "language": lang,
        "pathway": result.pathway.as_dict(),
        "graded_observations": result.graded,
        "counts": result.counts(),
        "kpi_labels": {r.id: result.label(r.id, lang) for r in result.kpi_rules()},
        "rules": [
            {"id": r.id, "severity": r.severity, "source": result.source(r.id), "kpi": bool(r.title)}
            for r in result.rules.values()
        ],
        "kpis_by_cohort": _records(result.kpis_by_cohort),
        "kpis_by_quarter": _records(result.kpis_by_quarter),
        "findings": _records(result.findings_table(lang)),
    }


def write_json(result: Audit, path: Path, lang: str = "en") -> Path:
    """Write audit.json at `path`, whole or not at all."""
    with atomic_file(path) as tmp:
        text = json.dumps(audit_json(result, lang), indent=2, ensure_ascii=False, default=str)
        tmp.write_text(text + "\n", encoding="utf-8")
    return path


def audit_figure_plans(
    result: Audit, cohort_labels: Mapping[str, str], lang: str = "en"
) -> list[tuple[str, str, Callable[[], Figure]]]:
    """The audit's two figures as (name, caption, draw) before they are drawn: the delay by cohort, the
    headline KPI by quarter (`draw()` returns the Figure)."""
    trend = tr("{kpi}: by quarter of infusion", lang).format(
        kpi=result.label(CRS_ONSET_TO_TOCILIZUMAB.id, lang)
    )
    return [
        (
            "delay_by_cohort",
            tr("Time from CRS onset to first tocilizumab by cohort", lang),
            partial(delay_by_cohort, result, cohort_labels, lang),
        ),
        ("kpi_trend", trend, partial(kpi_trend, result, cohort_labels, lang)),
    ]


def audit_figures(
    result: Audit, cohort_labels: Mapping[str, str], lang: str = "en"
) -> list[tuple[str, str, Figure]]:
    """The audit's two figures as (name, caption, Figure): the delay by cohort, the headline KPI by quarter."""
    return [
        (name, caption, draw()) for name, caption, draw in audit_figure_plans(result, cohort_labels, lang)
    ]


def check_audit_folder(out: Path) -> Path:
    """`out` resolved, or `OutputRefused` when it is a folder or file of the user's: asked before any work."""
    return check_output_folder(Path(out))


Drawn = Mapping[str, tuple[str, Path, Path]]
"""Figures of an audit already drawn and saved, by the audit's figure name: (caption, PNG, SVG)."""


def _figure(
    folder: Path, name: str, caption: str, draw: Callable[[], Figure], drawn: Drawn
) -> tuple[Path, Path]:
    """The figure `name` saved into `folder`: copied from `drawn` when that one has the same caption, else
    drawn."""
    found = drawn.get(name)
    if found is None or found[0] != caption:
        return save(draw(), folder, name)
    folder.mkdir(parents=True, exist_ok=True)
    png, svg = folder / f"{name}.png", folder / f"{name}.svg"
    shutil.copyfile(found[1], png)
    shutil.copyfile(found[2], svg)
    return png, svg


def write_audit(
    result: Audit,
    out: str | Path,
    lang: str = "en",
    cohort_labels: Mapping[str, str] | None = None,
    drawn: Drawn | None = None,
) -> AuditFiles:
    """Write audit.html, audit.xlsx, audit.json and figures/ (delay_by_cohort, kpi_trend) into `out`.

    `drawn`: the figures of this very audit already drawn in `lang` with these cohort labels (a report's
    management figures: `render.management.drawn_management_figures`), copied instead of drawn again (about
    1 s of CPU for the two); a figure whose caption differs from this audit's is drawn.

    Published whole, as a report is (`atomic_folder`): `out` holds the previous audit or this one, never a
    mixture; only a folder iectox wrote is replaced (`OutputRefused` otherwise).
    """
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; use one of {', '.join(LANGUAGES)}")
    labels = dict(cohort_labels) if cohort_labels is not None else default_cohort_labels(result)
    with atomic_folder(Path(out)) as folder:
        figures = []
        for name, caption, draw in audit_figure_plans(result, labels, lang):
            png, svg = _figure(folder / "figures", name, caption, draw, drawn or {})
            figures.append((name, caption, png, svg))
        pages = [(n, c, svg) for n, c, _, svg in figures]
        html = write_html(result, pages, folder / "audit.html", labels, lang)
        xlsx = write_xlsx(result, folder / "audit.xlsx", lang)
        data = write_json(result, folder / "audit.json", lang)
        pictures = tuple(p for _, _, png, svg in figures for p in (png, svg))
    return AuditFiles(folder, html, xlsx, data, pictures).moved(Path(out))


__all__ = [
    "FORMAT",
    "AuditFiles",
    "Drawn",
    "audit_figure_plans",
    "audit_figures",
    "audit_json",
    "default_cohort_labels",
    "write_audit",
    "write_json",
]
