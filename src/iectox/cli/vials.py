"""`iectox vials`: the tocilizumab dose and vials for one weight, or the stock for a plan of infusions."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich import box
from rich.markup import escape
from rich.table import Table

from iectox.cli.app import app
from iectox.cli.console import console, err_console
from iectox.cli.validate import DatesOption, print_issues, settings_from_options
from iectox.errors import SourceError
from iectox.io.atomic import atomic_file
from iectox.io.csvdir import read_csv_table
from iectox.management.dosing import (
    TOCILIZUMAB_CRS_MAX_DOSE_MG,
    TOCILIZUMAB_CRS_MG_PER_KG,
    TOCILIZUMAB_CRS_MG_PER_KG_UNDER_30_KG,
    TOCILIZUMAB_CRS_WEIGHT_CUTOFF_KG,
    tocilizumab_dose_mg,
)
from iectox.management.vials import (
    DOSES_ON_SITE,
    TOCILIZUMAB_IV_VIALS_MG,
    VialCombination,
    VialPlan,
    VialSettings,
    check_plan,
    choose_vials,
    plan_table,
    plan_vials,
)


def _num(value: float) -> str:
    """A quantity as a pharmacist writes it: 358.8, 240, 17.94 (no float dust, no trailing zeros)."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _basis(weight_kg: float) -> str:
    """Which branch of the label rule gave the dose, so the reader can check it by hand."""
    if weight_kg < TOCILIZUMAB_CRS_WEIGHT_CUTOFF_KG:
        return f"{_num(TOCILIZUMAB_CRS_MG_PER_KG_UNDER_30_KG)} mg/kg, under {_num(TOCILIZUMAB_CRS_WEIGHT_CUTOFF_KG)} kg"
    if TOCILIZUMAB_CRS_MG_PER_KG * weight_kg >= TOCILIZUMAB_CRS_MAX_DOSE_MG:
        return f"{_num(TOCILIZUMAB_CRS_MG_PER_KG)} mg/kg capped at {_num(TOCILIZUMAB_CRS_MAX_DOSE_MG)} mg"
    return f"{_num(TOCILIZUMAB_CRS_MG_PER_KG)} mg/kg"


def _stock_text(combo: VialCombination, doses: int) -> str:
    return " + ".join(f"{n * doses} x {s} mg" for s, n in zip(combo.sizes_mg, combo.counts, strict=True) if n)


def _footnote(settings: VialSettings) -> None:
    """Every default in force, printed (as gtsummary prints its tests): nothing here is hidden."""
    sizes = ", ".join(f"{s} mg" for s in settings.vials_mg)
    console.print(
        f"[dim]Dose: tocilizumab label for CRS, {_num(TOCILIZUMAB_CRS_MG_PER_KG)} mg/kg from "
        f"{_num(TOCILIZUMAB_CRS_WEIGHT_CUTOFF_KG)} kg, {_num(TOCILIZUMAB_CRS_MG_PER_KG_UNDER_30_KG)} mg/kg "
        f"below, at most {_num(TOCILIZUMAB_CRS_MAX_DOSE_MG)} mg. Vials: {sizes} at {_num(settings.mg_per_ml)} "
        "mg/mL, least waste then fewest vials. Stock: "
        f"{settings.doses_on_site} dose(s) per patient on site before infusion, each from its own vials "
        "(--doses-on-site; US REMS asked for 2, REMS removed June 2025; EU SmPCs: 1 on site and a further "
        "dose within 8 h).[/]",
        soft_wrap=True,
        highlight=False,
    )


def _one_weight(weight_kg: float, settings: VialSettings) -> None:
    column = plan_table().column("weight_kg")
    low, high = column.minimum, column.maximum
    if low is not None and high is not None and not low <= weight_kg <= high:
        raise typer.BadParameter(
            f"{_num(weight_kg)} kg is outside the plausible range {_num(low)}-{_num(high)} kg",
            param_hint="--weight-kg",
        )
    dose = tocilizumab_dose_mg(weight_kg)
    combo = choose_vials(dose, settings.vials_mg)
    console.print(
        f"Tocilizumab for CRS at {_num(weight_kg)} kg: [bold]{_num(dose)} mg[/] ({_basis(weight_kg)}), "
        f"{_num(dose / settings.mg_per_ml)} mL of {_num(settings.mg_per_ml)} mg/mL",
        soft_wrap=True,
        highlight=False,
    )
    console.print(
        f"Vials: [bold]{combo}[/] ({combo.n_vials} vial(s), {combo.total_mg} mg); "
        f"waste {_num(combo.waste_mg)} mg",
        soft_wrap=True,
        highlight=False,
    )
    console.print(
        f"Stock for {settings.doses_on_site} dose(s) on site: {_stock_text(combo, settings.doses_on_site)}",
        soft_wrap=True,
        highlight=False,
    )
    _footnote(settings)


def _compact(counts: dict[int, int], times: int = 1) -> str:
    """Vials in a table cell: "1x400 + 2x80" (mg), so that the table fits an 80-column terminal."""
    return " + ".join(f"{n * times}x{size}" for size, n in counts.items() if n)


def _print_plan(plan: VialPlan, source: str) -> None:
    rows, settings = plan.infusions, plan.settings
    ids = [c for c in ("patient_id", "infusion_id") if c in rows]
    dated = rows["planned_date"].notna().any()
    table = Table(
        title=f"Tocilizumab per planned infusion ({escape(source)})",
        caption="vials as count x mg, e.g. 1x400 + 2x80",
        title_justify="left",
        caption_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        collapse_padding=True,
    )
    for name in ids:
        table.add_column(name, no_wrap=True)
    table.add_column("kg", justify="right")
    if dated:
        table.add_column("planned", no_wrap=True)
    table.add_column("dose mg", justify="right")
    table.add_column("vials per dose")
    table.add_column("waste mg", justify="right")
    table.add_column(f"stock, {settings.doses_on_site} doses")
    for _, row in rows.iterrows():
        counts = {size: int(row[f"vials_{size}mg"]) for size in settings.vials_mg}
        cells = [escape(str(row[c])) for c in ids] + [_num(row["weight_kg"])]
        if dated:
            cells.append(row["planned_date"].date().isoformat() if pd.notna(row["planned_date"]) else "")
        cells += [
            _num(row["dose_mg"]),
            _compact(counts),
            _num(row["waste_mg"]),
            _compact(counts, settings.doses_on_site),
        ]
        table.add_row(*cells)
    console.print(table)

    console.print(f"[bold]Stock to hold for {len(rows)} planned infusion(s)[/]", highlight=False)
    totals = Table()
    for name in ("vial", "vials", "mg"):
        totals.add_column(name, justify="right")
    for _, row in plan.totals.iterrows():
        totals.add_row(f"{row['vial_mg']} mg", str(row["vials"]), str(row["mg"]))
    console.print(totals)

    if plan.weekly is not None:
        console.print("[bold]Stock per planned week (Monday to Sunday)[/]", highlight=False)
        weekly = Table()
        weekly.add_column("week of")
        weekly.add_column("infusions", justify="right")
        for size in settings.vials_mg:
            weekly.add_column(f"{size} mg", justify="right")
        for _, row in plan.weekly.iterrows():
            week = row["week"].date().isoformat() if pd.notna(row["week"]) else "no date"
            stock = [str(row[f"stock_{size}mg"]) for size in settings.vials_mg]
            weekly.add_row(week, str(row["infusions"]), *stock)
        console.print(weekly)
    _footnote(settings)


def _write(plan: VialPlan, out: Path) -> None:
    frame = plan.infusions.copy()
    frame["planned_date"] = frame["planned_date"].dt.strftime("%Y-%m-%d")
    with atomic_file(out) as tmp:
        frame.to_csv(tmp, index=False)


def _sizes(text: str) -> tuple[int, ...]:
    try:
        return VialSettings(vials_mg=tuple(int(part) for part in text.split(","))).vials_mg
    except ValueError as exc:
        raise typer.BadParameter(
            f"'{text}' is not a list of whole mg such as 400,200,80", param_hint="--vials"
        ) from exc


@app.command()
def vials(
    weight_kg: Annotated[
        float | None, typer.Option("--weight-kg", help="Body weight (kg): print the dose, vials and waste.")
    ] = None,
    plan: Annotated[
        Path | None,
        typer.Option(
            "--plan",
            help="CSV of planned infusions: patient_id or infusion_id, weight_kg, optional planned_date.",
        ),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="With --plan: also write the per-infusion table as CSV.")
    ] = None,
    doses_on_site: Annotated[
        int,
        typer.Option("--doses-on-site", min=1, help="Doses held per patient before infusion (local rule)."),
    ] = DOSES_ON_SITE,
    vial_sizes: Annotated[
        str, typer.Option("--vials", help="Vial strengths the pharmacy stocks, in mg, comma-separated.")
    ] = ",".join(str(s) for s in TOCILIZUMAB_IV_VIALS_MG),
    dates: DatesOption = "iso",
) -> None:
    """Tocilizumab for CRS: label dose, vials with the least waste, and the stock to hold before infusions."""
    if (weight_kg is None) == (plan is None):
        raise typer.BadParameter("give either --weight-kg or --plan (one of them)")
    if out is not None and plan is None:
        raise typer.BadParameter("--out writes the table of a --plan", param_hint="--out")
    settings = VialSettings(vials_mg=_sizes(vial_sizes), doses_on_site=doses_on_site)
    if weight_kg is not None:
        _one_weight(weight_kg, settings)
        return
    assert plan is not None
    try:
        if not plan.is_file():
            raise SourceError(str(plan), "does not exist")
        raw = read_csv_table(plan)
    except SourceError as exc:
        err_console.print(f"[red]error:[/] {escape(str(exc))}")
        raise typer.Exit(2) from exc
    planned, issues = check_plan(raw, settings_from_options(dates, None, None))
    if issues:
        print_issues(issues)
    if planned is None:
        errors = sum(i.severity == "error" for i in issues)
        console.print(f"[red]{escape(str(plan))}: {errors} error(s); nothing was planned.[/]", soft_wrap=True)
        raise typer.Exit(1)
    result = plan_vials(planned, settings)
    _print_plan(result, plan.name)
    if out is not None:
        _write(result, out)
        console.print(f"Wrote {escape(str(out))}", soft_wrap=True, highlight=False)
