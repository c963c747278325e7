"""How long an order of tocilizumab or a corticosteroid took, step by step, from the toxicity's onset to the
patient: the pharmacy's own part of the delay that the audit's "CRS onset -> first tocilizumab" measures whole.

An order goes ordered -> validated -> prepared -> dispensed -> administered. Given, per order, the onset of the
episode it treats and the time each step was reached (wall-clock times of the ward; NaT for a step not reached),
`order_delays` gives the hours between consecutive steps and the totals; `order_delay_summary` gives the median
and interquartile range of each, over the orders where it is known (quartiles by linear interpolation, R's
type 7, as the audit's KPIs). A time known to the day only (`<step>_at_time_known` False) gives no hour delay,
as everywhere in iectox (`iectox.times`): it is left blank, never estimated.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from iectox.times import hours_between

ORDER_STEPS = ("ordered", "validated", "prepared", "dispensed", "administered")
ONSET = "onset"
# Each delay: (from, to). Consecutive steps, then the two totals a quality team follows.
DELAYS = (
    (ONSET, "ordered"),
    ("ordered", "validated"),
    ("validated", "prepared"),
    ("prepared", "dispensed"),
    ("dispensed", "administered"),
    ("ordered", "administered"),
    (ONSET, "administered"),
)
SUMMARY_COLUMNS = ("delay", "start", "end", "n", "median_h", "q1_h", "q3_h")


def delay_column(start: str, end: str) -> str:
    return f"hours_{start}_to_{end}"


def _times(orders: pd.DataFrame, step: str) -> tuple[pd.Series, pd.Series]:
    """A step's times and whether their hours are known (known unless said otherwise)."""
    at = pd.to_datetime(orders[f"{step}_at"]).astype("datetime64[ns]")
    known_column = f"{step}_at_time_known"
    known = orders[known_column] if known_column in orders else pd.Series(True, index=orders.index)
    return at, known.astype("boolean").where(at.notna())


def order_delays(orders: pd.DataFrame) -> pd.DataFrame:
    """One row per order (same index): the hours of each delay of `DELAYS`, blank when an end is missing or
    known to the day only. `orders` has `onset_at` and `<step>_at` for each step of `ORDER_STEPS` (naive
    wall-clock times), and optionally `<column>_time_known` beside any of them."""
    missing = [f"{step}_at" for step in (ONSET, *ORDER_STEPS) if f"{step}_at" not in orders]
    if missing:
        raise ValueError(f"order_delays needs the columns {', '.join(missing)}")
    times = {step: _times(orders, step) for step in (ONSET, *ORDER_STEPS)}
    return pd.DataFrame(
        {delay_column(start, end): hours_between(*times[start], *times[end]) for start, end in DELAYS},
        index=orders.index,
    )


def order_delay_summary(delays: pd.DataFrame, by: Sequence[str] = ()) -> pd.DataFrame:
    """One row per delay (and group of the columns `by` of `delays`, e.g. drug or quarter): n of known
    delays, median and quartiles in hours. Delays in `DELAYS` order, groups sorted."""
    rows = []
    groups = delays.groupby(list(by), sort=True, dropna=False) if by else [((), delays)]
    for key, group in groups:
        keys = dict(zip(by, key if isinstance(key, tuple) else (key,), strict=True))
        for start, end in DELAYS:
            hours = group[delay_column(start, end)].astype("float64").dropna()
            rows.append(
                {
                    **keys,
                    "delay": delay_column(start, end),
                    "start": start,
                    "end": end,
                    "n": len(hours),
                    "median_h": hours.median() if len(hours) else float("nan"),
                    "q1_h": hours.quantile(0.25) if len(hours) else float("nan"),
                    "q3_h": hours.quantile(0.75) if len(hours) else float("nan"),
                }
            )
    return pd.DataFrame(rows, columns=[*by, *SUMMARY_COLUMNS])


__all__ = [
    "DELAYS",
    "ONSET",
    "ORDER_STEPS",
    "SUMMARY_COLUMNS",
    "delay_column",
    "order_delay_summary",
    "order_delays",
]
