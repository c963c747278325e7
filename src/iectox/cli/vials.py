"""`iectox vials`: the tocilizumab dose and vials for one weight, or the stock for a plan of infusions."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich import box
from rich.table import Table

from iectox.cli.console import console, err_console, literal, visible
from iectox.cli.files import check_file_output
from iectox.cli.language import HELP_LANG, LangOption, chosen_language, decimal_number, say
from iectox.cli.validate import DatesOption, print_issues, refuse, settings_from_options
from iectox.errors import OutputRefused, SourceError, SpecError
from iectox.io.csvdir import read_csv_table
from iectox.io.sheets import write_csv
from iectox.management.dosing import (
    TOCILIZUMAB_CRS_MAX_DOSE_MG,
    TOCILIZUMAB_CRS_MG_PER_KG,
    TOCILIZUMAB_CRS_MG_PER_KG_UNDER_30_KG,
    TOCILIZUMAB_CRS_WEIGHT_CUTOFF_KG,
    tocilizumab_dose_mg,
)
from iectox.management.pathway import default_pathway, load_pathway
from iectox.management.vials import (
    TOCILIZUMAB_IV_VIALS_MG,
    VialCombination,
    VialPlan,
    VialSettings,
    band_vials,
    check_plan,
    plan_table,
    plan_vials,
)


def _num(value: float, lang: str) -> str:
    """A quantity as a pharmacist writes it: 358.8, 240, 17.94 (no float dust, no trailing zeros); 358,8 in
    French."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if lang == "fr" else text


def _basis(weight_kg: float, lang: str) -> str:
    """Which branch of the label rule gave the dose, so the reader can check it by hand."""
    if weight_kg < TOCILIZUMAB_CRS_WEIGHT_CUTOFF_KG:
        return say(
            "{dose} mg/kg, under {cutoff} kg",
            lang,
            dose=_num(TOCILIZUMAB_CRS_MG_PER_KG_UNDER_30_KG, lang),
            cutoff=_num(TOCILIZUMAB_CRS_WEIGHT_CUTOFF_KG, lang),
        )
    if TOCILIZUMAB_CRS_MG_PER_KG * weight_kg >= TOCILIZUMAB_CRS_MAX_DOSE_MG:
        return say(
            "{dose} mg/kg capped at {cap} mg",
            lang,
            dose=_num(TOCILIZUMAB_CRS_MG_PER_KG, lang),
            cap=_num(TOCILIZUMAB_CRS_MAX_DOSE_MG, lang),
        )
    return f"{_num(TOCILIZUMAB_CRS_MG_PER_KG, lang)} mg/kg"


def _stock_text(combo: VialCombination, doses: int) -> str:
    return " + ".join(f"{n * doses} x {s} mg" for s, n in zip(combo.sizes_mg, combo.counts, strict=True) if n)


def _footnote(settings: VialSettings, lang: str) -> None:
    """Every default in force, printed (as gtsummary prints its tests): nothing here is hidden."""
    sizes = ", ".join(f"{s} mg" for s in settings.vials_mg)
    text = say(
        "Dose: tocilizumab label for CRS, {dose} mg/kg from {cutoff} kg, {dose_under} mg/kg below, at most {cap} "
        "mg. Vials: {sizes} at {concentration} mg/mL, least waste then fewest vials. Stock: {doses} dose(s) per "
        "patient on site before infusion, each from its own vials (--doses-on-site; US REMS asked for 2, REMS "
        "removed June 2025; EU SmPCs: 1 on site and a further dose within 8 h).",
        lang,
        dose=_num(TOCILIZUMAB_CRS_MG_PER_KG, lang),
        cutoff=_num(TOCILIZUMAB_CRS_WEIGHT_CUTOFF_KG, lang),
        dose_under=_num(TOCILIZUMAB_CRS_MG_PER_KG_UNDER_30_KG, lang),
        cap=_num(TOCILIZUMAB_CRS_MAX_DOSE_MG, lang),
        sizes=sizes,
        concentration=_num(settings.mg_per_ml, lang),
        doses=settings.doses_on_site,
    )
    products = ", ".join(f"{name} {n}" for name, n in settings.doses_by_product)
    if products:
        text += " " + say("Doses on site by product (pathway): {products}.", lang, products=products)
    text += " " + say(
        "A patient's doses stay reserved {days} days after the infusion (the week's stock counts them).",
        lang,
        days=_num(settings.crs_window_days, lang),
    )
    if settings.band_tolerance:
        text += " " + say(
            "Dose banding: the dose is rounded to whole vials within {percent}% (--band).",
            lang,
            percent=_num(100 * settings.band_tolerance, lang),
        )
    console.print(f"[dim]{text}[/]", soft_wrap=True, highlight=False)


def _one_weight(weight_kg: float, settings: VialSettings, lang: str) -> None:
    column = plan_table().column("weight_kg")
    low, high = column.minimum, column.maximum
    if low is not None and high is not None and not low <= weight_kg <= high:
        raise typer.BadParameter(
            say(
                "{weight} kg is outside the plausible range {low}-{high} kg",
                lang,
                weight=_num(weight_kg, lang),
                low=_num(low, lang),
                high=_num(high, lang),
            ),
            param_hint="--weight-kg",
        )
    label = tocilizumab_dose_mg(weight_kg)
    combo = band_vials(label, settings.vials_mg, settings.band_tolerance)
    dose = combo.dose_mg
    lines = (
        say(
            "Tocilizumab for CRS at {weight} kg: {dose} mg ({basis}), {ml} mL of {concentration} mg/mL",
            lang,
            weight=_num(weight_kg, lang),
            dose=f"[bold]{_num(dose, lang)}[/]",
            basis=_basis(weight_kg, lang),
            ml=_num(dose / settings.mg_per_ml, lang),
            concentration=_num(settings.mg_per_ml, lang),
        ),
        say(
            "Vials: {combo} ({n} vial(s), {total} mg); waste {waste} mg",
            lang,
            combo=f"[bold]{combo}[/]",
            n=combo.n_vials,
            total=combo.total_mg,
            waste=_num(combo.waste_mg, lang),
        ),
        say(
            "Stock for {doses} dose(s) on site: {stock}",
            lang,
            doses=settings.doses_on_site,
            stock=_stock_text(combo, settings.doses_on_site),
        ),
    )
    for line in lines:
        console.print(line, soft_wrap=True, highlight=False)
    _footnote(settings, lang)


def _compact(counts: dict[int, int], times: int = 1) -> str:
    """Vials in a table cell: "1x400 + 2x80" (mg), so that the table fits an 80-column terminal."""
    return " + ".join(f"{n * times}x{size}" for size, n in counts.items() if n)


def _print_plan(plan: VialPlan, source: str, lang: str = HELP_LANG) -> None:
    rows, settings = plan.infusions, plan.settings
    ids = [c for c in ("patient_id", "infusion_id") if c in rows]
    dated = rows["planned_date"].notna().any()
    table = Table(
        title=say("Tocilizumab per planned infusion ({source})", lang, source=literal(source)),
        caption=say("vials as count x mg, e.g. 1x400 + 2x80", lang),
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
        table.add_column(say("planned", lang), no_wrap=True)
    table.add_column(say("dose mg", lang), justify="right")
    table.add_column(say("vials per dose", lang))
    table.add_column(say("waste mg", lang), justify="right")
    doses = set(rows["doses_on_site"].tolist())
    uniform = len(doses) == 1
    if uniform:
        table.add_column(say("stock, {doses} doses", lang, doses=doses.pop()))
    else:  # products with their own rule: each cell says its doses
        table.add_column(say("stock (doses: vials)", lang))
    for _, row in rows.iterrows():
        counts = {size: int(row[f"vials_{size}mg"]) for size in settings.vials_mg}
        cells = [literal(row[c]) for c in ids] + [_num(row["weight_kg"], lang)]
        if dated:
            cells.append(row["planned_date"].date().isoformat() if pd.notna(row["planned_date"]) else "")
        cells += [
            _num(row["dose_mg"], lang),
            _compact(counts),
            _num(row["waste_mg"], lang),
            ("" if uniform else f"{row['doses_on_site']}: ") + _compact(counts, int(row["doses_on_site"])),
        ]
        table.add_row(*cells)
    console.print(table)

    stock = say("Stock to hold for {n} planned infusion(s)", lang, n=len(rows))
    console.print(f"[bold]{stock}[/]", highlight=False)
    totals = Table()
    for name in (say("vial", lang), say("vials", lang), "mg"):
        totals.add_column(name, justify="right")
    for _, row in plan.totals.iterrows():
        totals.add_row(f"{row['vial_mg']} mg", str(row["vials"]), str(row["mg"]))
    console.print(totals)

    if plan.weekly is not None:
        per_week = say("Stock per planned week (Monday to Sunday)", lang)
        console.print(f"[bold]{per_week}[/]", highlight=False)
        weekly = Table()
        weekly.add_column(say("week of", lang))
        weekly.add_column(say("infusions", lang), justify="right")
        weekly.add_column(say("in CRS window", lang), justify="right")
        for size in settings.vials_mg:
            weekly.add_column(f"{size} mg", justify="right")
        for _, row in plan.weekly.iterrows():
            week = row["week"].date().isoformat() if pd.notna(row["week"]) else say("no date", lang)
            stock = [str(row[f"stock_{size}mg"]) for size in settings.vials_mg]
            weekly.add_row(week, str(row["infusions"]), str(row["in_crs_window"]), *stock)
        console.print(weekly)
    _footnote(settings, lang)


def _write(plan: VialPlan, out: Path) -> None:
    frame = plan.infusions.copy()
    frame["planned_date"] = frame["planned_date"].dt.strftime("%Y-%m-%d")
    write_csv(frame, out)


def _sizes(text: str, lang: str) -> tuple[int, ...]:
    try:
        return VialSettings(vials_mg=tuple(int(part) for part in text.split(","))).vials_mg
    except ValueError as exc:
        raise typer.BadParameter(
            say("'{text}' is not a list of whole mg such as 400,200,80", lang, text=visible(text)),
            param_hint="--vials",
        ) from exc


def vials(
    weight_kg: Annotated[
        float | None,
        typer.Option(
            "--weight-kg",
            parser=decimal_number,
            help=say("Body weight (kg): print the dose, vials and waste (72.5 or 72,5)."),
        ),
    ] = None,
    plan: Annotated[
        Path | None,
        typer.Option(
            "--plan",
            help=say(
                "CSV of planned infusions: patient_id or infusion_id, weight_kg, optional planned_date."
            ),
        ),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help=say("With --plan: also write the per-infusion table as CSV."))
    ] = None,
    doses_on_site: Annotated[
        int | None,
        typer.Option(
            "--doses-on-site",
            min=1,
            help=say("Doses held per patient before infusion (local rule); default: the pathway's."),
        ),
    ] = None,
    pathway: Annotated[
        Path | None,
        typer.Option(
            "--pathway",
            help=say("The management pathway (TOML) whose [readiness] section applies; default: iectox's."),
        ),
    ] = None,
    band: Annotated[
        float | None,
        typer.Option(
            "--band",
            min=0.0,
            max=0.99,
            help=say("Dose banding: round each dose to whole vials within this fraction (0.1 = 10%)."),
        ),
    ] = None,
    vial_sizes: Annotated[
        str, typer.Option("--vials", help=say("Vial strengths the pharmacy stocks, in mg, comma-separated."))
    ] = ",".join(str(s) for s in TOCILIZUMAB_IV_VIALS_MG),
    dates: DatesOption = "iso",
    lang: LangOption = None,
) -> None:
    lang = chosen_language(lang)
    if (weight_kg is None) == (plan is None):
        raise typer.BadParameter(say("give either --weight-kg or --plan (one of them)", lang))
    if out is not None and plan is None:
        raise typer.BadParameter(say("--out writes the table of a --plan", lang), param_hint="--out")
    try:
        check_file_output(out)  # a file of the user's is refused before the plan is read
        readiness = load_pathway(pathway) if pathway is not None else default_pathway()
    except (SpecError, OutputRefused) as exc:
        raise refuse(exc, lang) from exc
    settings = VialSettings.from_pathway(
        readiness, vials_mg=_sizes(vial_sizes, lang), doses_on_site=doses_on_site, band_tolerance=band
    )
    if weight_kg is not None:
        _one_weight(weight_kg, settings, lang)
        return
    assert plan is not None
    try:
        if not plan.is_file():
            raise SourceError(str(plan), say("does not exist", lang))
        raw = read_csv_table(plan)
    except SourceError as exc:
        error = say("error", lang)
        err_console.print(f"[red]{error}:[/] {literal(exc)}")
        raise typer.Exit(2) from exc
    planned, issues = check_plan(raw, settings_from_options(dates, None, None))
    if issues:
        print_issues(issues, lang=lang)
    if planned is None:
        errors = sum(i.severity == "error" for i in issues)
        failed = say("{path}: {n} error(s); nothing was planned.", lang, path=literal(plan), n=errors)
        console.print(f"[red]{failed}[/]", soft_wrap=True)
        raise typer.Exit(1)
    result = plan_vials(planned, settings)
    _print_plan(result, plan.name, lang)
    if out is not None:
        try:
            _write(result, out)
        except OutputRefused as exc:
            raise refuse(exc, lang) from exc
        console.print(say("Wrote {path}", lang, path=literal(out)), soft_wrap=True, highlight=False)
