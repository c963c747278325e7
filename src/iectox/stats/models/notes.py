"""Why a model's numbers must be read with care, or cannot be shown: each a stable id with its values, worded
(in the user's language) only by the render layer, and written as is in the JSON."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# ids of the notes; those in REFUSING mean that no estimate of the model is shown
MISSING_ROWS = "missing_rows"  # rows left out for a missing value (complete cases, as R's na.omit)
CONSTANT_COVARIATE = "constant_covariate"  # one value only: left out of the model (R: coefficient NA)
EMPTY_LEVEL = "empty_level"  # a level no row has: left out (R: coefficient NA)
FEW_EVENTS = "few_events_per_variable"  # fewer than 10 events (or non-events) per coefficient
CLUSTERS = "clusters"  # several rows per patient: cluster-robust standard errors by patient
SEPARATION = "separation"  # the outcome is perfectly predicted: no finite maximum likelihood estimate
NONPOSITIVE_WEIGHT = "nonpositive_weight"  # a weight <= 0 or missing
NO_EVENTS = "no_events"  # no event (or every row an event)
COLLINEAR = "collinear"  # a covariate is a combination of others
NOT_CONVERGED = "not_converged"
EXPOSURE_CONSTANT = "exposure_constant"  # the compared groups are not both present
BAD_OUTCOME = "bad_outcome"  # an outcome value the model cannot take (e.g. a count below 0)
TOO_FEW_ROWS = "too_few_rows"  # no more rows than coefficients
REFUSING = frozenset(
    {
        SEPARATION,
        NONPOSITIVE_WEIGHT,
        NO_EVENTS,
        COLLINEAR,
        NOT_CONVERGED,
        EXPOSURE_CONSTANT,
        BAD_OUTCOME,
        TOO_FEW_ROWS,
    }
)
EVENTS_PER_VARIABLE = 10  # Peduzzi et al., J Clin Epidemiol 1996;49:1373-9


@dataclass(frozen=True)
class Note:
    id: str
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def refuses(self) -> bool:
        return self.id in REFUSING


class Refused(Exception):
    """Raised inside model fitting when a refusing note is found; carried out as a result, never a traceback."""

    def __init__(self, note: Note, earlier: tuple[Note, ...] = ()) -> None:
        super().__init__(note.id)
        self.note = note
        self.earlier = earlier  # what was found before (rows left out...), said with the refusal
