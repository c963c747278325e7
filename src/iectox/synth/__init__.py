"""Synthetic cohorts: the seed study rebuilt patient by patient from its published tables, or any size."""

from iectox.synth.calibration import CalibrationRecord
from iectox.synth.contradictions import SynthFinding
from iectox.synth.generate import STAGES, SynthResult, calibrate, generate

__all__ = [
    "STAGES",
    "CalibrationRecord",
    "SynthFinding",
    "SynthResult",
    "calibrate",
    "generate",
]
