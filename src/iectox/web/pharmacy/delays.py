"""Orders as the library's `order_delays` reads them: per order, the onset of the episode it treats and the
time each step was reached, as wall-clock times of the ward (`TIME_ZONE`, the registry's times being the
ward's). The administration counts at the time it was given, as recorded in the registry, not when it was
entered. A dashboard shows `order_delay_summary(order_delays_of(orders).join(...))`.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from django.db.models import QuerySet
from django.utils import timezone

from iectox.management.order_delays import ORDER_STEPS, order_delays
from iectox.web.pharmacy.models import Order
from iectox.web.pharmacy.workflow import ADMINISTERED

COLUMNS = (
    "order",
    "drug",
    "onset_at",
    "onset_at_time_known",
    *(f"{step}_at" for step in ORDER_STEPS),
    "administered_at_time_known",
)


def wall_clock(instant: dt.datetime) -> dt.datetime:
    """An instant as the ward's clock read it (naive, in TIME_ZONE)."""
    return timezone.localtime(instant).replace(tzinfo=None)


def order_times(orders: QuerySet[Order]) -> pd.DataFrame:
    """One row per order, indexed by its number: `drug`, `onset_at` (+ `_time_known`) and `<step>_at`."""
    rows = []
    for order in orders.select_related("episode").prefetch_related("transitions"):
        episode = order.episode
        row: dict[str, object] = {
            "order": order.pk,
            "drug": order.drug,
            "onset_at": None if episode is None else episode.onset_at,
            "onset_at_time_known": None if episode is None else episode.onset_at_time_known,
        }
        for move in order.transitions.all():  # in the order they happened: the first time a step was reached
            row.setdefault(f"{move.status}_at", wall_clock(move.at))
        row[f"{ADMINISTERED}_at"] = order.administered_at
        row[f"{ADMINISTERED}_at_time_known"] = order.administered_at_time_known
        rows.append(row)
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    for step in ("onset", *ORDER_STEPS):
        frame[f"{step}_at"] = pd.to_datetime(frame[f"{step}_at"]).astype("datetime64[ns]")
    return frame.set_index("order")


def order_delays_of(orders: QuerySet[Order]) -> pd.DataFrame:
    """The library's delays of each order (hours between steps, blank where unknown), indexed by number."""
    return order_delays(order_times(orders))
