"""The demo cohort split into three centres, and their packets: shared by the pooling tests."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from factories import seed_cohort
from iectox.dataset import Dataset
from iectox.study import seed_study
from iectox.study.packet import make_packet

CENTRES = ("Lyon", "Lille", "Nantes")


@cache
def demo() -> Dataset:
    return seed_cohort()


def split(dataset: Dataset, parts: int = 3) -> list[Dataset]:
    """Each patient (with their infusions and everything under them) in one centre, by turns."""
    patients = dataset.tables["patients"]["patient_id"].tolist()
    centres = []
    for i in range(parts):
        mine = set(patients[i::parts])
        infusions = dataset.tables["infusions"]
        kept = set(infusions.loc[infusions["patient_id"].isin(mine), "infusion_id"])
        tables = {}
        for name, frame in dataset.tables.items():
            column = "patient_id" if name == "patients" else "infusion_id"
            tables[name] = frame[frame[column].isin(mine if column == "patient_id" else kept)]
        centres.append(Dataset(tables))
    return centres


@cache
def packets() -> tuple[dict, ...]:
    spec = seed_study()
    return tuple(make_packet(d, spec, c) for d, c in zip(split(demo()), CENTRES, strict=True))


def write_packets(folder: Path) -> list[Path]:
    paths = []
    for packet in packets():
        path = folder / f"{packet['centre'].lower()}.json"
        path.write_text(json.dumps(packet, indent=2, ensure_ascii=False), encoding="utf-8")
        paths.append(path)
    return paths
