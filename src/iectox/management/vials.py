"""Tocilizumab vials for CRS: which vials make up a dose, and the stock a site holds before infusions.

Tocilizumab IV concentrate is 20 mg/mL in single-use vials of 80 mg/4 mL, 200 mg/10 mL and 400 mg/20 mL
(RoActemra SmPC 6.5, Actemra USPI 16); which of them the pharmacy stocks is a setting. A dose is drawn from
whole vials and what is left in an opened vial is discarded, so the combination that wastes the fewest
milligrams wins, then the one with the fewest vials (fewer punctures, less handling).

How many doses must be on site is local policy, hence a setting (`doses_on_site`, default 2), per product
when the pathway says so (`doses_by_product`): the US REMS for the CAR-T products required at least 2 doses
per patient available before infusion (REMS removed in June 2025); EU SmPCs (e.g. axicabtagene ciloleucel)
require at least 1 dose on site before infusion and access to a further dose within 8 hours of each dose.
Stock is counted per patient, never shared between patients, and a patient keeps it for `crs_window_days`
after the infusion (new CRS after day 14 is rare), so a week's stock counts the patients infused in earlier
weeks who are still in their window. `VialSettings.from_pathway` reads these from the pathway's
`[readiness]` section, with their sources.

Dose banding (`band_tolerance`, off by default): the dose is rounded to a total of whole vials within that
fraction of the label dose, the nearest such total first, then the fewest vials, so that nothing is
discarded (560 mg stays 560 mg; 620 mg becomes 600 mg, 400 + 200, within 10 %). Without a total within the
tolerance the dose stays the label dose, from the vials that waste least.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from iectox.errors import Issue
from iectox.management.dosing import tocilizumab_dose_mg
from iectox.management.pathway import Pathway
from iectox.schema import CONTRACT, Column, Kind, Table
from iectox.validate.cells import read_cells
from iectox.validate.content import check_column
from iectox.validate.frames import Frames
from iectox.validate.settings import Settings
from iectox.validate.structure import (
    HEADER_ROW,
    MISSING_COLUMN,
    UNKNOWN_COLUMN,
    RawTable,
    check_headers,
    header_key,
)

TOCILIZUMAB_IV_VIALS_MG = (400, 200, 80)  # 400 mg/20 mL, 200 mg/10 mL, 80 mg/4 mL
TOCILIZUMAB_IV_MG_PER_ML = 20.0
DOSES_ON_SITE = 2  # US REMS (removed June 2025); EU SmPCs ask for >= 1 on site + 1 more within 8 h
CRS_WINDOW_DAYS = 14  # docs/sources.md, Management pathway: "New CRS/ICANS after day 14 is rare"
DOSE_DUST_MG = 1e-6  # float error of weight x mg/kg (240.00000000000003) must not call for one more vial
ID_COLUMNS = ("patient_id", "infusion_id")
PLAN_TABLE_NAME = "planned infusions"


@dataclass(frozen=True)
class VialSettings:
    """What the pharmacy stocks and how many doses it holds per patient; every default is printed."""

    vials_mg: tuple[int, ...] = TOCILIZUMAB_IV_VIALS_MG
    mg_per_ml: float = TOCILIZUMAB_IV_MG_PER_ML
    doses_on_site: int = DOSES_ON_SITE
    doses_by_product: tuple[tuple[str, int], ...] = ()  # (therapy code, doses) pairs; others: doses_on_site
    band_tolerance: float = 0.0  # dose banding to whole vials within this fraction; 0 = off
    crs_window_days: float = CRS_WINDOW_DAYS

    @classmethod
    def from_pathway(cls, pathway: Pathway, **overrides: Any) -> VialSettings:
        """The readiness settings of `pathway` (`[readiness]`), with any field given in `overrides`."""
        ready = pathway.readiness
        values: dict[str, Any] = {
            "doses_on_site": ready.doses_on_site.value,
            "doses_by_product": ready.doses_on_site_by_product.value,
            "band_tolerance": ready.dose_banding_tolerance.value,
            "crs_window_days": ready.crs_window_days.value,
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def doses_for(self, therapy: object) -> int:
        """Doses on site for a patient given `therapy` (a product's own rule, else the default)."""
        return (
            dict(self.doses_by_product).get(str(therapy), self.doses_on_site)
            if therapy
            else self.doses_on_site
        )

    def __post_init__(self) -> None:
        sizes = tuple(self.vials_mg)
        if not sizes or any(isinstance(s, bool) or int(s) != s or s <= 0 for s in sizes):
            raise ValueError(f"vial sizes must be whole, positive numbers of mg, got {self.vials_mg!r}")
        object.__setattr__(self, "vials_mg", tuple(sorted({int(s) for s in sizes}, reverse=True)))
        if not self.mg_per_ml > 0:
            raise ValueError(f"the concentration must be positive, got {self.mg_per_ml!r} mg/mL")
        if isinstance(self.doses_on_site, bool) or int(self.doses_on_site) != self.doses_on_site:
            raise ValueError(f"doses on site must be a whole number, got {self.doses_on_site!r}")
        if self.doses_on_site < 1:
            raise ValueError(f"at least one dose must be on site before infusion, got {self.doses_on_site}")
        if not 0 <= self.band_tolerance < 1:
            raise ValueError(
                f"a banding tolerance is a fraction from 0 to under 1, got {self.band_tolerance!r}"
            )
        if not self.crs_window_days >= 0:
            raise ValueError(f"a CRS window is a number of days >= 0, got {self.crs_window_days!r}")


@dataclass(frozen=True)
class VialCombination:
    """Whole vials for one dose: `counts[i]` vials of `sizes_mg[i]` mg (largest size first)."""

    dose_mg: float
    sizes_mg: tuple[int, ...]
    counts: tuple[int, ...]

    @property
    def total_mg(self) -> int:
        return sum(s * n for s, n in zip(self.sizes_mg, self.counts, strict=True))

    @property
    def waste_mg(self) -> float:
        """Milligrams left in the opened vials and discarded (never negative, float dust removed)."""
        return max(0.0, round(self.total_mg - self.dose_mg, 6))

    @property
    def n_vials(self) -> int:
        return sum(self.counts)

    def count(self, size_mg: int) -> int:
        return dict(zip(self.sizes_mg, self.counts, strict=True)).get(size_mg, 0)

    def __str__(self) -> str:
        """As a pharmacist writes it on a preparation sheet: "1 x 400 mg + 2 x 80 mg"."""
        return " + ".join(f"{n} x {s} mg" for s, n in zip(self.sizes_mg, self.counts, strict=True) if n)


@lru_cache(maxsize=4096)
def _least_waste(target_mg: int, sizes_mg: tuple[int, ...]) -> tuple[int, ...]:
    """Counts per size (sizes largest first) of the smallest total >= target, then the fewest vials.

    Dynamic programming over whole milligrams: `fewest[t]` is the fewest vials adding up to exactly t. The
    best total is below target + largest vial (dropping any vial from a larger one would still cover it).
    Among equal combinations the largest vials are taken first, so the answer never depends on chance.
    """
    limit = target_mg + sizes_mg[0] - 1
    none = limit + 1  # more vials than any combination needs
    fewest = [0] + [none] * limit
    for total in range(1, limit + 1):
        fewest[total] = min((fewest[total - s] + 1 for s in sizes_mg if s <= total), default=none)
    best = next(t for t in range(target_mg, limit + 1) if fewest[t] < none)
    counts = dict.fromkeys(sizes_mg, 0)
    while best:
        size = next(s for s in sizes_mg if s <= best and fewest[best - s] == fewest[best] - 1)
        counts[size] += 1
        best -= size
    return tuple(counts[s] for s in sizes_mg)


def choose_vials(dose_mg: float, vials_mg: tuple[int, ...] = TOCILIZUMAB_IV_VIALS_MG) -> VialCombination:
    """The whole vials covering `dose_mg` with the least waste, ties broken by the fewest vials.

    Least waste first because each milligram left in an opened vial is paid for and thrown away; the vial
    count second because each vial is one more puncture and one more line on the preparation record.
    """
    if not math.isfinite(dose_mg) or dose_mg <= 0:
        raise ValueError(f"a dose must be a positive number of mg, got {dose_mg!r}")
    sizes = VialSettings(vials_mg=vials_mg).vials_mg
    target = max(1, math.ceil(dose_mg - DOSE_DUST_MG))
    return VialCombination(float(dose_mg), sizes, _least_waste(target, sizes))


def band_vials(dose_mg: float, vials_mg: tuple[int, ...], tolerance: float) -> VialCombination:
    """Dose banding: the total of whole vials nearest `dose_mg` within +/- `tolerance` of it (then the fewest
    vials, then the larger total), given as a combination of that banded dose with no waste; without such a
    total, or with a tolerance of 0, the least-waste vials of the dose itself (`choose_vials`)."""
    exact = choose_vials(dose_mg, vials_mg)
    if tolerance <= 0:
        return exact
    sizes = exact.sizes_mg
    low, high = (
        math.ceil(dose_mg * (1 - tolerance) - DOSE_DUST_MG),
        math.floor(dose_mg * (1 + tolerance) + DOSE_DUST_MG),
    )
    best: tuple[float, int, int, tuple[int, ...]] | None = None
    for total in range(max(1, low), high + 1):
        counts = _least_waste(total, sizes)
        if sum(s * n for s, n in zip(sizes, counts, strict=True)) != total:
            continue  # no whole vials add up to exactly this total
        key = (abs(total - dose_mg), sum(counts), -total, counts)
        best = key if best is None or key < best else best
    if best is None:
        return exact
    return VialCombination(float(-best[2]), sizes, best[3])


def plan_table(headers: Collection[str] = ()) -> Table:
    """The columns of a plan CSV, borrowed from the dataset contract so that ids and weights obey one rule.

    Either id will do (the one that is absent is not asked for); with both, `infusion_id` is the key and a
    patient may appear twice.
    """
    infusions = CONTRACT.table("infusions")
    patient_id = CONTRACT.table("patients").column("patient_id")
    return Table(
        PLAN_TABLE_NAME,
        "One row per planned infusion of a CAR-T product.",
        (
            replace(patient_id, unique="infusion_id" not in headers),
            infusions.column("infusion_id"),
            replace(infusions.column("weight_kg"), required=True),
            Column("planned_date", Kind.DATE, "Planned infusion day (optional): gives the stock per week."),
            replace(infusions.column("therapy"), required=False),
        ),
    )


def _header_issues(raw: RawTable, table: Table, headers: set[str]) -> tuple[pd.DataFrame, list[Issue]]:
    """Header problems as the registry reports them, except that extra columns are only a warning."""
    named, issues = check_headers(table, raw)
    issues = [
        replace(i, severity="warning", message=f"{i.message}; ignored") if i.rule == UNKNOWN_COLUMN.id else i
        for i in issues
        if not (i.rule == MISSING_COLUMN.id and i.column in ID_COLUMNS)
    ]
    if not headers & set(ID_COLUMNS):
        message = "the plan needs a patient_id or an infusion_id column"
        issues.append(Issue(raw.file, raw.sheet, HEADER_ROW, "patient_id", None, MISSING_COLUMN.id, message))
    return named.dropna(how="all") if len(named.columns) else named, issues


def check_plan(raw: RawTable, settings: Settings | None = None) -> tuple[pd.DataFrame | None, list[Issue]]:
    """The typed plan (index = row number in the file) and every problem; None when there is an error.

    Cells are read as the registry reads them (decimal commas, the study's date order) and checked by its
    rules: `number`/`date` for unreadable cells, `required`, `range` (the contract's weight range),
    `pattern` and `unique` for ids. Other columns (ward, product...) are left out with a warning.
    """
    settings = settings or Settings()
    headers = {header_key(c) for c in raw.frame.columns}
    table = plan_table(headers)
    named, issues = _header_issues(raw, table, headers)
    frames = Frames({}, {table.name: (raw.file, raw.sheet)})
    typed: dict[str, pd.Series] = {}
    unreadable: set[tuple[int, str]] = set()
    for column in table.columns:
        if column.name not in named:
            frames.absent.add((table.name, column.name))
            typed[column.name] = pd.Series(pd.NA, index=named.index, dtype=object)
            continue
        cells = named[column.name]
        parsed, unread = read_cells(frames, table.name, column, cells, settings)
        issues += unread
        unreadable |= {(int(row), column.name) for row in parsed.bad_rows}
        typed[column.name] = parsed.values
    frames.tables[table.name] = plan = pd.DataFrame(typed, index=named.index)
    for column in table.columns:
        # an unreadable cell is reported once, as unreadable, not again as blank
        issues += [i for i in check_column(frames, table, column) if (i.row, i.column) not in unreadable]
    order = {name: n for n, name in enumerate(table.column_names)}
    issues.sort(key=lambda i: (i.row or 0, order.get(i.column or "", -1)))
    if any(i.severity == "error" for i in issues):
        return None, issues
    plan = plan[[c for c in ID_COLUMNS if c in named] + ["weight_kg", "planned_date", "therapy"]]
    plan = plan.astype({"weight_kg": "float64"})
    plan["planned_date"] = pd.to_datetime(plan["planned_date"]).astype("datetime64[ns]")
    return plan, issues


@dataclass(frozen=True)
class VialPlan:
    """Dose, vials and stock per planned infusion, the stock per vial size, and per week when dated."""

    infusions: pd.DataFrame
    totals: pd.DataFrame
    weekly: pd.DataFrame | None
    settings: VialSettings


def plan_vials(planned: pd.DataFrame, settings: VialSettings | None = None) -> VialPlan:
    """For each planned infusion (`weight_kg`, optional `planned_date` and `therapy`): the label dose (banded
    to whole vials when the settings say so), its vials, the waste, and the vials held on site for it
    (the product's doses on site, each dose from its own vials).

    The weekly table (with dates) counts in each week the infusions planned that week (`infusions`) and the
    patients infused in an earlier week still within `crs_window_days` of their infusion on that week's
    Monday (`in_crs_window`); the stock of a week is that of both, since their doses stay reserved."""
    settings = settings or VialSettings()
    sizes = settings.vials_mg
    rows = planned.copy()
    label = np.asarray(tocilizumab_dose_mg(rows["weight_kg"].to_numpy(dtype=np.float64)), dtype=np.float64)
    combos = [band_vials(float(d), sizes, settings.band_tolerance) for d in label]
    dose = np.array([c.dose_mg for c in combos], dtype=np.float64)
    therapy = rows["therapy"] if "therapy" in rows else pd.Series(pd.NA, index=rows.index)
    rows["label_dose_mg"] = label.round(6)
    rows["dose_mg"] = dose.round(6)
    rows["volume_ml"] = (dose / settings.mg_per_ml).round(6)
    rows["vials"] = [str(c) for c in combos]
    rows["waste_mg"] = [c.waste_mg for c in combos]
    rows["doses_on_site"] = np.array(
        [settings.doses_for(t if pd.notna(t) else None) for t in therapy], dtype=np.int64
    )
    for size in sizes:
        rows[f"vials_{size}mg"] = np.array([c.count(size) for c in combos], dtype=np.int64)
    for size in sizes:
        rows[f"stock_{size}mg"] = rows[f"vials_{size}mg"] * rows["doses_on_site"]
    stock = [f"stock_{size}mg" for size in sizes]
    needed = rows[stock].sum().to_numpy(dtype=np.int64)
    totals = pd.DataFrame(
        {
            "vial_mg": np.array(sizes, dtype=np.int64),
            "vials": needed,
            "mg": needed * np.array(sizes, dtype=np.int64),
        }
    )
    dates = rows["planned_date"] if "planned_date" in rows else pd.Series(dtype="datetime64[ns]")
    weekly = _weekly(rows, dates, stock, settings.crs_window_days) if dates.notna().any() else None
    return VialPlan(rows, totals, weekly, settings)


def _weekly(rows: pd.DataFrame, dates: pd.Series, stock: list[str], window_days: float) -> pd.DataFrame:
    """Per week (Monday), the infusions planned that week and those of earlier weeks still in their CRS
    window on that Monday, with the stock of both; undated infusions in a last "no date" row."""
    monday = (dates - pd.to_timedelta(dates.dt.weekday, unit="D")).dt.normalize()
    weeks = pd.DatetimeIndex(sorted(monday.dropna().unique()))
    window_end = dates + pd.to_timedelta(window_days, unit="D")
    lines = []
    for week in weeks:
        planned = monday.eq(week).to_numpy()
        carried = (monday.lt(week) & window_end.ge(week)).to_numpy()
        held = rows.loc[planned | carried, stock].sum()
        lines.append(
            {"week": week, "infusions": int(planned.sum()), "in_crs_window": int(carried.sum()), **held}
        )
    undated = monday.isna().to_numpy()
    if undated.any():
        held = rows.loc[undated, stock].sum()
        lines.append({"week": pd.NaT, "infusions": int(undated.sum()), "in_crs_window": 0, **held})
    weekly = pd.DataFrame(lines, columns=["week", "infusions", "in_crs_window", *stock])
    weekly["week"] = weekly["week"].astype("datetime64[ns]")
    return weekly.astype({c: np.int64 for c in ["infusions", "in_crs_window", *stock]})
