"""Lab results in canonical units, each with its day relative to the infusion (day 0), for the lab-based scores.

The scores (CAR-HEMATOTOX, ICAHT, IEC-HS) count in days from the infusion, as their sources do: a sample's day
is its calendar day minus the infusion day, whether its hour was recorded or not.
"""

from __future__ import annotations

import pandas as pd

from iectox.schema.labs import canonical_values


def lab_days(labs: pd.DataFrame, infusions: pd.DataFrame) -> pd.DataFrame:
    """infusion_id, analyte, day (int, from the infusion day) and value (canonical unit), without blanks, in
    order of infusion and time."""
    infused = labs["infusion_id"].map(
        infusions.drop_duplicates("infusion_id").set_index("infusion_id")["infusion_date"]
    )
    days = (labs["measured_at"].dt.normalize() - infused.dt.normalize()).dt.days
    out = pd.DataFrame(
        {
            "infusion_id": labs["infusion_id"].astype(object),
            "analyte": labs["analyte"].astype(object),
            "day": days,
            "at": labs["measured_at"],
            "value": canonical_values(labs),
        }
    ).dropna(subset=["infusion_id", "analyte", "day", "value"])
    out["day"] = out["day"].astype(int)
    return out.sort_values(["infusion_id", "at"], kind="stable").reset_index(drop=True)
