"""Definitions that studies vary on: settings of the study spec, never constants in the analysis code."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AnalysisSettings:
    """How the one-row-per-infusion table is derived.

    `grading_scale`: the scale whose grades fill the `*_grade` columns; a grade recorded on another scale is
    left out of them (never converted). `steroid_window_h`: a corticosteroid counts as concomitant with
    tocilizumab when given between the onset of the CRS episode and this many hours after its resolution
    (or after the last tocilizumab dose when the resolution is not recorded). `include_prophylaxis`: whether
    drugs given as prophylaxis count.
    """

    grading_scale: str = "ASTCT2019"
    steroid_window_h: float = 24.0
    include_prophylaxis: bool = False
