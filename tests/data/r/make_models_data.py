"""Writes models_data.csv: a synthetic cohort (no real patient) on which models.R computes R's reference values.

One row per infusion; some patients have two. Run once; the CSV is committed with R's values (models_r.json).
"""

from pathlib import Path

import numpy as np
import pandas as pd

rng = np.random.default_rng(20261205)
n = 240
patients = np.concatenate([np.arange(200), rng.choice(200, n - 200, replace=False)])
cohort = np.where(rng.random(200) < 0.3, "clinical_trial", "standard_of_care")[patients]
age = np.round(rng.normal(60, 11, 200), 1)[patients]
weight = np.round(rng.normal(75, 14, n), 1)
group = rng.choice(["lbcl", "myeloma", "other"], 200, p=[0.6, 0.25, 0.15])[patients]
product = rng.choice(["cd19", "bcma"], n, p=[0.7, 0.3])
trial = cohort == "clinical_trial"
eta = -0.4 + 0.6 * trial + 0.02 * (age - 60) - 0.01 * (weight - 75) + 0.5 * (group == "myeloma")
crs_any = rng.random(n) < 1 / (1 + np.exp(-eta))
crs_grade2 = crs_any & (rng.random(n) < 0.35 + 0.2 * trial)
icans = rng.random(n) < 1 / (1 + np.exp(-(eta - 1.2)))
injections = rng.negative_binomial(2, 2 / (2 + np.exp(0.1 + 0.4 * trial + 0.3 * (product == "bcma"))))
hazard = 0.02 * np.exp(0.5 * trial + 0.03 * (age - 60))
time = np.ceil(rng.exponential(1 / hazard))  # whole days: ties
censor = rng.integers(20, 200, n)
status = (time <= censor).astype(int)
days = np.minimum(time, censor)
delay = np.round(rng.gamma(2, 8 + 6 * trial + 0.1 * (age - 60).clip(-50, 50)) + 1, 1)
pd.DataFrame(
    {
        "patient_id": [f"P{p:03d}" for p in patients],
        "cohort": cohort,
        "age": age,
        "weight_kg": weight,
        "indication_group": group,
        "product_class": product,
        "crs_any": crs_any.astype(int),
        "crs_grade2": crs_grade2.astype(int),
        "icans_any": icans.astype(int),
        "injections": injections,
        "days": days,
        "status": status,
        "delay_h": delay,
    }
).to_csv(Path(__file__).with_name("models_data.csv"), index=False)
