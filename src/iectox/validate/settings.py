"""How a dataset is read and checked: the settings a study states once, never guessed row by row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from iectox.i18n import N_

DateOrder = Literal["iso", "dmy", "mdy"]

DATE_ORDER_HELP = {
    "iso": N_("YYYY-MM-DD"),
    "dmy": N_("DD/MM/YYYY (day first) or YYYY-MM-DD"),
    "mdy": N_("MM/DD/YYYY (month first) or YYYY-MM-DD"),
}


@dataclass(frozen=True)
class Settings:
    """Reading and validation settings.

    `date_order`: ISO dates are always accepted; dates written with slashes, dots or dashes and the year last
    are read day-first ("dmy") or month-first ("mdy") only when the study says so, because 06/03/2024 means
    two different days in Paris and in Boston. `study_start`/`study_end`: when given, every infusion must fall
    in [study_start, study_end].
    """

    date_order: DateOrder = "iso"
    study_start: date | None = None
    study_end: date | None = None

    def __post_init__(self) -> None:
        if self.date_order not in DATE_ORDER_HELP:
            raise ValueError(
                f"date_order must be one of {', '.join(DATE_ORDER_HELP)}, not {self.date_order!r}"
            )
