"""The audit's two figures, in the study report's style (Okabe-Ito colours per cohort, same fonts and axes).

    delay_by_cohort(result, {"standard_of_care": "Real-life", "clinical_trial": "Trials"}, "fr")
    kpi_trend(result, labels, "en")

Both accept an `Audit` or the table they draw from, and return a matplotlib Figure built outside pyplot (no
global state, safe in a web server); save it with `iectox.render.figures.save` or `fig.savefig`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from iectox.i18n import number, percent
from iectox.management.crs_rules import CRS_ONSET_TO_TOCILIZUMAB
from iectox.management.words import tr
from iectox.render.figures import (
    LABEL_CHARACTERS,
    NOTE_CHARACTERS,
    as_image,
    colour_at,
    label_at,
    legend_columns,
    points,
    styled,
    wrapped,
)

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from iectox.management.audit import Audit

DELAY = "hours_crs_onset_to_tocilizumab"


def _keys(values: pd.Series, labels: Mapping[str, str] | None) -> list[str]:
    present = [str(v) for v in values.dropna().unique()]
    ordered = [k for k in (labels or {}) if k in present]
    return ordered + sorted(k for k in present if k not in ordered)


def _colours(keys: list[str], labels: Mapping[str, str] | None) -> dict[str, str]:
    """Each cohort's colour by its place among the labelled cohorts (the study's order, as in the report's
    figures), the others after: a cohort missing from one figure does not shift the others' colours."""
    order = [*(labels or {}), *(k for k in keys if k not in (labels or {}))]
    return {k: colour_at(order.index(k)) for k in keys}


def _label(key: str, labels: Mapping[str, str] | None, lang: str) -> str:
    return tr((labels or {}).get(key, key.replace("_", " ").capitalize()), lang)


def _quarter_range(values: pd.Series) -> list[str]:
    """Every quarter from the first to the last present, so that a gap in the data shows as a gap in time."""
    present = sorted(values.dropna().astype(str).unique())
    if not present:
        return []
    periods = pd.period_range(present[0].replace("-", ""), present[-1].replace("-", ""), freq="Q")
    return [f"{p.year}-Q{p.quarter}" for p in periods]


def delay_by_cohort(
    audit_or_timings: Audit | pd.DataFrame,
    cohort_labels: Mapping[str, str] | None = None,
    lang: str = "en",
    target_h: float | None = None,
    seed: int = 1,
) -> Figure:
    """Hours from CRS onset to the first tocilizumab, a box per cohort with every infusion as a point
    (`iectox.render.figures.points`: one image within the SVG when there are many).

    `audit_or_timings` is an `Audit` or its per-infusion `timings` table; the target line is the pathway's
    (`kpis.crs_onset_to_tocilizumab_target_h`) when an Audit is given. Delays known only to the day are left
    out and counted in the note.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # imported on the first figure (`styled`)
    from matplotlib.colors import to_rgba
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    if isinstance(audit_or_timings, pd.DataFrame):
        timings = audit_or_timings
    else:
        timings = audit_or_timings.timings
        target_h = (
            audit_or_timings.pathway.kpis.crs_onset_to_tocilizumab_target_h.value
            if target_h is None
            else target_h
        )
    treated = (
        timings[timings["first_tocilizumab_at"].notna()] if "first_tocilizumab_at" in timings else timings
    )
    keys = _keys(timings["cohort"], cohort_labels)  # every cohort, one without a treated infusion at n = 0
    colours = _colours(keys, cohort_labels)
    rng = np.random.default_rng(seed)  # jitter moves points sideways only; a fixed seed keeps files stable
    with styled():
        fig = Figure(figsize=(6.4, 4.0), layout="constrained")
        FigureCanvasAgg(fig)
        ax = fig.subplots()
        samples = [
            pd.to_numeric(treated.loc[treated["cohort"] == k, DELAY], errors="coerce")
            .dropna()
            .to_numpy(float)
            for k in keys
        ]
        positions = np.arange(1, len(keys) + 1)
        if keys:
            box = ax.boxplot(
                [s if len(s) else np.array([np.nan]) for s in samples],
                positions=positions,
                widths=0.5,
                showfliers=False,
                patch_artist=True,
                medianprops={"color": "#222222", "linewidth": 1.6},
            )
            for key, patch in zip(keys, box["boxes"], strict=True):
                patch.set(facecolor=to_rgba(colours[key], 0.22), edgecolor=colours[key])
        image = as_image(samples)
        for key, pos, sample in zip(keys, positions, samples, strict=True):
            points(ax, pos, sample, colours[key], rng, image)
            if len(sample):
                text = f"{tr('median', lang)} {number(float(np.median(sample)), 1, lang)} h"
                label_at(ax, [pos + 0.27], [np.median(sample)], [text], va="center", fontsize=8.5)
        if target_h is not None:
            ax.axhline(target_h, color="#D55E00", linestyle="--", linewidth=1)
            target = tr("target {h} h", lang).format(h=f"{target_h:g}")
            label_at(ax, [0.5], [target_h], [target], color="#D55E00", fontsize=8, va="bottom")
        names = [
            f"{_label(k, cohort_labels, lang)}\n(n = {len(s)})" for k, s in zip(keys, samples, strict=True)
        ]
        ax.set_xticks(positions, names)
        ax.set_xlim(0.3, len(keys) + 0.9)
        ax.set_ylabel(wrapped(tr("Hours from CRS onset to first tocilizumab", lang), LABEL_CHARACTERS))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: number(v, 0, lang)))
        ax.set_ylim(bottom=0)
        ax.set_title(
            tr("Time from CRS onset to tocilizumab by cohort", lang),
            loc="left",
            fontsize=12,
            fontweight="bold",
        )
        missing = int(treated[DELAY].isna().sum())
        note = tr("Tocilizumab-treated infusions; box: median and interquartile range", lang)
        if missing:
            note += tr("; hour not recorded (left out): {n}", lang).format(n=missing)
        fig.supxlabel(wrapped(note, NOTE_CHARACTERS), x=0.01, ha="left", fontsize=8, color="#555555")
    return fig


def kpi_trend(
    kpis: Audit | pd.DataFrame,
    cohort_labels: Mapping[str, str] | None = None,
    lang: str = "en",
    rule: str = CRS_ONSET_TO_TOCILIZUMAB.id,
) -> Figure:
    """Share within target (top) and median delay (bottom) per calendar quarter of infusion, a line per cohort.

    `kpis` is an `Audit` or its `kpis_by_quarter` table; `rule` picks the KPI (default: CRS onset to first
    tocilizumab). Each point is labelled "met/n", so that a quarter of two episodes is read as such; a quarter
    without an eligible episode breaks the line (it is on the axis, with no point).
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # imported on the first figure (`styled`)
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    table = kpis if isinstance(kpis, pd.DataFrame) else kpis.kpis_by_quarter
    name = rule if isinstance(kpis, pd.DataFrame) else kpis.label(rule, lang)
    rows = table[table["rule"] == rule]
    quarters = _quarter_range(rows["quarter"])
    xs = np.arange(len(quarters))
    keys = _keys(rows["cohort"], cohort_labels)
    colours = _colours(keys, cohort_labels)
    with styled():
        fig = Figure(figsize=(6.8, 5.2), layout="constrained")
        FigureCanvasAgg(fig)
        share_ax, delay_ax = fig.subplots(2, 1, sharex=True)
        for key in keys:
            # every quarter of the range, blank where no episode was eligible: the line breaks there
            part = rows[rows["cohort"] == key].set_index("quarter").reindex(quarters)
            share = pd.to_numeric(part["share_met"], errors="coerce").to_numpy(float) * 100
            median = pd.to_numeric(part["median_delay_h"], errors="coerce").to_numpy(float)
            label = f"{_label(key, cohort_labels, lang)} (n = {int(part['n'].sum())})"
            share_ax.plot(xs, share, marker="o", color=colours[key], label=label, linewidth=1.4, markersize=4)
            delay_ax.plot(xs, median, marker="o", color=colours[key], linewidth=1.4, markersize=4)
            texts = [
                "" if np.isnan(y) else f"{int(m)}/{int(k)}"
                for y, m, k in zip(share, part["met"], part["n"], strict=True)
            ]
            label_at(
                share_ax, xs, share, texts, dy=5, ha="center", va="bottom", fontsize=6.5, color=colours[key]
            )
        share_ax.set_ylim(-5, 110)
        share_ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: percent(v, 0, lang)))
        share_ax.set_ylabel(tr("Within target", lang))
        delay_ax.set_ylabel(tr("Median delay (h)", lang))
        delay_ax.set_ylim(
            bottom=min(
                0.0,
                float(
                    np.nanmin(
                        pd.to_numeric(rows["median_delay_h"], errors="coerce").to_numpy(float), initial=0.0
                    )
                ),
            )
        )
        delay_ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: number(v, 0, lang)))
        delay_ax.set_xticks(range(len(quarters)), quarters, rotation=45, ha="right", fontsize=8)
        if keys:
            labels = [line.get_label() for line in share_ax.get_lines()]
            share_ax.legend(
                loc="lower left", bbox_to_anchor=(0, 1.0), ncols=legend_columns(labels), fontsize=9
            )
        title = tr("Pathway KPI by quarter of infusion", lang)
        fig.suptitle(title, x=0.01, ha="left", fontsize=12, fontweight="bold")
        note = tr("{rule}; labels: episodes within target / eligible episodes, per quarter of infusion", lang)
        note = note.format(rule=name)
        fig.supxlabel(wrapped(note, NOTE_CHARACTERS), x=0.01, ha="left", fontsize=8, color="#555555")
    return fig


__all__ = ["delay_by_cohort", "kpi_trend"]
