"""Reasons in words for every infusion at once: a translated template filled column by column.

The lab-based scores say, per infusion, a sentence holding its own numbers (days, values, markers), so most
sentences are distinct and `reasons.graded_in_chunks` (one sentence per distinct combination of small codes) does
not fit. Here a template is cut once into its literal pieces and fields, each field's column is formatted once
per distinct value, and the pieces are joined as NumPy object arrays: no Python runs per infusion, and each
sentence is exactly what `template.format(...)` gives for that row.
"""

from __future__ import annotations

from string import Formatter

import numpy as np
import pandas as pd


def formatted(values: object, spec: str = "") -> np.ndarray:
    """`format(value, spec)` of each value, as an object array; each distinct value formatted once."""
    array = np.asarray(values)
    if array.dtype == np.float64:  # by bit pattern: 0.0 and -0.0 are written differently
        codes, bits = pd.factorize(array.view(np.int64))
        uniques = np.asarray(bits, dtype=np.int64).view(np.float64)
    else:
        codes, uniques = pd.factorize(array, use_na_sentinel=False)
    texts = np.array([format(value, spec) for value in uniques], dtype=object)
    return texts[codes]


def fill(template: str, n: int, /, **columns: object) -> np.ndarray:
    """`template.format(**row)` for each of the `n` rows of `columns` (arrays or scalars), as an object array."""
    out = np.full(n, "", dtype=object)
    for literal, field, spec, conversion in Formatter().parse(template):
        if literal:
            out = out + literal
        if field is None:
            continue
        if conversion:
            raise ValueError(f"conversion !{conversion} is not supported in {template!r}")
        value = columns[field]
        out = out + (format(value, spec) if np.ndim(value) == 0 else formatted(value, spec))
    return out


def join(parts: list[np.ndarray], present: list[np.ndarray], separator: str) -> np.ndarray:
    """Per row, `separator.join` of the parts present in that row (an empty text when none is)."""
    n = len(parts[0]) if parts else 0
    out = np.full(n, "", dtype=object)
    started = np.zeros(n, dtype=bool)
    for part, shown in zip(parts, present, strict=True):
        out = np.where(shown, np.where(started, out + separator + part, part), out)
        started |= shown
    return out
