"""Vial planning: least waste then fewest vials (checked against brute force), plan stock, and the CLI."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from iectox.cli.commands import app
from iectox.io.csvdir import read_csv_table
from iectox.management import VialSettings, check_plan, choose_vials, plan_vials

MARKETED = (400, 200, 80)  # tocilizumab IV: 400 mg/20 mL, 200 mg/10 mL, 80 mg/4 mL


def brute_force(dose: float, sizes: tuple[int, ...]) -> tuple[float, int]:
    """(least waste, fewest vials at that waste) over every combination of up to ceil(dose/size) vials."""
    grids = np.meshgrid(*(np.arange(math.ceil(dose / s) + 1) for s in sizes), indexing="ij")
    counts = np.stack([g.ravel() for g in grids], axis=1)
    totals = counts @ np.array(sizes)
    covering = totals >= dose - 1e-6
    waste = np.round(totals[covering] - dose, 6)
    least = waste.min()
    return float(max(least, 0.0)), int(counts[covering][waste == least].sum(axis=1).min())


CASES = [
    # dose mg, expected vials {size: count}, waste mg, why
    (560.0, {400: 1, 80: 2}, 0.0, "70 kg: 400 + 80 + 80, nothing wasted"),
    (800.0, {400: 2}, 0.0, "the cap: 400 + 400"),
    (358.8, {200: 1, 80: 2}, 1.2, "29.9 kg: 200 + 80 + 80 (waste 1.2) beats 400 (waste 41.2)"),
    (240.0, {80: 3}, 0.0, "30 kg: 3 x 80 (waste 0) beats 200 + 80 (waste 40)"),
    (799.2, {400: 2}, 0.8, "99.9 kg"),
    (480.0, {400: 1, 80: 1}, 0.0, "no waste three ways (400+80, 200+200+80, 6 x 80): fewest vials wins"),
    (120.0, {80: 2}, 40.0, "2 x 80 (waste 40) beats 200 (waste 80)"),
    (240.00000000000003, {80: 3}, 0.0, "float dust of weight x mg/kg does not call for a 4th vial"),
]


@pytest.mark.parametrize(("dose", "vials", "waste", "why"), CASES, ids=[c[3] for c in CASES])
def test_least_waste_then_fewest_vials(dose: float, vials: dict[int, int], waste: float, why: str) -> None:
    combo = choose_vials(dose)
    assert {s: combo.count(s) for s in MARKETED if combo.count(s)} == vials, why
    assert combo.waste_mg == pytest.approx(waste, abs=1e-9)
    assert combo.total_mg >= dose - 1e-6
    assert (combo.waste_mg, combo.n_vials) == pytest.approx(brute_force(dose, MARKETED))


def test_358_8_mg_400_alone_wastes_more_than_200_80_80() -> None:
    combo = choose_vials(358.8)
    assert str(combo) == "1 x 200 mg + 2 x 80 mg"
    only_400 = choose_vials(358.8, (400,))
    assert str(only_400) == "1 x 400 mg" and only_400.waste_mg == pytest.approx(41.2)
    assert combo.waste_mg == pytest.approx(1.2)


@given(st.floats(min_value=0.1, max_value=1600, allow_nan=False))
def test_chosen_vials_cover_the_dose_and_nothing_wastes_less(dose: float) -> None:
    combo = choose_vials(dose)
    assert combo.total_mg >= dose - 1e-6
    assert (combo.waste_mg, combo.n_vials) == pytest.approx(brute_force(dose, MARKETED), abs=1e-6)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(min_value=20, max_value=500), min_size=1, max_size=3, unique=True),
    st.floats(min_value=1, max_value=1000, allow_nan=False),
)
def test_any_stocked_vial_sizes(sizes: list[int], dose: float) -> None:
    combo = choose_vials(dose, tuple(sizes))
    assert combo.total_mg >= dose - 1e-6
    assert (combo.waste_mg, combo.n_vials) == pytest.approx(brute_force(dose, tuple(sizes)), abs=1e-6)


def test_settings_are_checked() -> None:
    assert VialSettings(vials_mg=(80, 400, 200)).vials_mg == (400, 200, 80)
    for bad in ((), (0,), (80.5,), (-80,)):
        with pytest.raises(ValueError, match="vial sizes"):
            VialSettings(vials_mg=bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="at least one dose"):
        VialSettings(doses_on_site=0)
    with pytest.raises(ValueError, match="positive"):
        choose_vials(0.0)


PLAN = """patient_id,weight_kg,planned_date,ward
P-001,70,2025-09-01,H1
P-002,"29,9",2025-09-03,PED
P-003,120,2025-09-09,H1
P-004,99.9,,H2
"""


def write(tmp_path: Path, text: str, name: str = "plan.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_plan_stock_totals(tmp_path: Path) -> None:
    planned, issues = check_plan(read_csv_table(write(tmp_path, PLAN)))
    assert planned is not None
    assert [(i.rule, i.severity, i.column) for i in issues] == [("unknown_column", "warning", "ward")]
    plan = plan_vials(planned)
    rows = plan.infusions
    assert rows["dose_mg"].tolist() == [560.0, 358.8, 800.0, 799.2]
    assert rows["vials"].tolist() == [
        "1 x 400 mg + 2 x 80 mg",
        "1 x 200 mg + 2 x 80 mg",
        "2 x 400 mg",
        "2 x 400 mg",
    ]
    assert rows["waste_mg"].tolist() == pytest.approx([0.0, 1.2, 0.0, 0.8])
    # two doses per patient, each from its own vials: 400 mg: 2 + 0 + 4 + 4; 200 mg: 2; 80 mg: 4 + 4
    assert plan.totals.set_index("vial_mg")["vials"].to_dict() == {400: 10, 200: 2, 80: 8}
    assert plan.totals["mg"].tolist() == [4000, 400, 640]
    weekly = plan.weekly
    assert weekly is not None
    assert weekly["week"].dt.strftime("%Y-%m-%d").fillna("none").tolist() == [
        "2025-09-01",
        "2025-09-08",
        "none",
    ]
    # the week of 8 September holds P-003's doses and still those of P-001 and P-002, infused the week before
    # and within their 14-day CRS window ("New CRS/ICANS after day 14 is rare")
    columns = ["infusions", "in_crs_window", "stock_400mg", "stock_200mg", "stock_80mg"]
    assert weekly[columns].to_numpy().tolist() == [
        [2, 0, 2, 2, 8],
        [1, 2, 6, 2, 8],
        [1, 0, 4, 0, 0],
    ]
    one = plan_vials(planned, VialSettings(doses_on_site=1))
    assert one.totals["vials"].tolist() == [5, 1, 4]


def test_plan_without_dates_by_infusion_id(tmp_path: Path) -> None:
    text = "infusion_id;patient_id;weight_kg\nINF-1;P-1;70\nINF-2;P-1;65\n"  # a patient may appear twice
    planned, issues = check_plan(read_csv_table(write(tmp_path, text)))
    assert planned is not None and issues == []
    plan = plan_vials(planned)
    assert plan.weekly is None
    assert plan.infusions["dose_mg"].tolist() == [560.0, 520.0]


def test_bad_cells_say_file_row_column_value_and_rule(tmp_path: Path) -> None:
    text = "patient_id,weight_kg,planned_date\nP-001,abc,2025-09-01\nP 2,1.5,2025-13-01\nP-001,70,\nP-009,,\n"
    planned, issues = check_plan(read_csv_table(write(tmp_path, text)))
    assert planned is None
    assert [(i.file, i.row, i.column, i.value, i.rule) for i in issues] == [
        ("plan.csv", 2, "weight_kg", "abc", "number"),
        ("plan.csv", 3, "patient_id", "P 2", "pattern"),
        ("plan.csv", 3, "weight_kg", "1.5", "range"),
        ("plan.csv", 3, "planned_date", "2025-13-01", "date"),
        ("plan.csv", 4, "patient_id", "P-001", "unique"),
        ("plan.csv", 5, "weight_kg", None, "required"),
    ]


def test_a_plan_needs_an_id_and_a_weight(tmp_path: Path) -> None:
    planned, issues = check_plan(read_csv_table(write(tmp_path, "name,weight\nA,70\n")))
    assert planned is None
    errors = {(i.column, i.rule) for i in issues if i.severity == "error"}
    assert errors == {
        ("patient_id", "missing_column"),
        ("weight_kg", "missing_column"),
        ("name", "direct_identifier_column"),  # a plan holds pseudonymous ids only, like the dataset
    }


def run(*args: str) -> object:
    return CliRunner().invoke(app, ["vials", *args], terminal_width=200)


def test_cli_one_weight() -> None:
    result = run("--weight-kg", "29.9")
    assert result.exit_code == 0, result.output
    assert "358.8 mg (12 mg/kg, under 30 kg), 17.94 mL" in result.output
    assert "Vials: 1 x 200 mg + 2 x 80 mg (3 vial(s), 360 mg); waste 1.2 mg" in result.output
    assert "Stock for 2 dose(s) on site: 2 x 200 mg + 4 x 80 mg" in result.output
    capped = run("--weight-kg", "120", "--doses-on-site", "1")
    assert "800 mg (8 mg/kg capped at 800 mg)" in capped.output
    assert "Stock for 1 dose(s) on site: 2 x 400 mg" in capped.output


def test_cli_plan_prints_and_writes(tmp_path: Path) -> None:
    out = tmp_path / "stock.csv"
    result = run("--plan", str(write(tmp_path, PLAN)), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "P-002 29.9 2025-09-03 358.8 1x200 + 2x80 1.2 2x200 + 4x80" in " ".join(result.output.split())
    assert "Stock to hold for 4 planned infusion(s)" in result.output
    assert "│ 400 mg │    10 │ 4000 │" in result.output
    assert "2025-09-08" in result.output and "no date" in result.output
    assert "2 dose(s) per patient on site" in result.output
    assert "reserved 14 days after the infusion" in " ".join(result.output.split())
    written = pd.read_csv(out)
    assert written["stock_400mg"].sum() == 10 and written["planned_date"].iloc[0] == "2025-09-01"


def test_cli_bad_plan_exits_1_with_locations(tmp_path: Path) -> None:
    result = run("--plan", str(write(tmp_path, "patient_id,weight_kg\nP-1,7O\n")))
    assert result.exit_code == 1
    assert "plan.csv, row 2, column weight_kg: '7O' is not a number" in result.output
    assert "[number]" in result.output and "1 error(s); nothing was planned" in result.output


def test_cli_usage_errors(tmp_path: Path) -> None:
    assert run().exit_code == 2
    assert run("--weight-kg", "70", "--plan", "x.csv").exit_code == 2
    assert run("--plan", str(tmp_path / "missing.csv")).exit_code == 2
    assert run("--weight-kg", "70", "--doses-on-site", "0").exit_code == 2
    assert run("--weight-kg", "70", "--band", "1.5").exit_code == 2
    assert (
        run(
            "--weight-kg", "70", "--pathway", str(write(tmp_path, "[readiness]\nnope = 1\n", "p.toml"))
        ).exit_code
        == 2
    )


def test_cli_banding_and_the_pathway_s_products(tmp_path: Path) -> None:
    banded = run("--weight-kg", "77.5", "--band", "0.1")
    assert banded.exit_code == 0, banded.output
    assert "600 mg" in banded.output and "1 x 400 mg + 1 x 200 mg" in banded.output
    assert "within 10%" in " ".join(banded.output.split())
    pathway = write(
        tmp_path,
        '[readiness]\ndoses_on_site_by_product = { value = { axicabtagene_ciloleucel = 1 }, source = "SmPC" }\n',
        "p.toml",
    )
    plan = write(
        tmp_path, "patient_id,weight_kg,therapy\nP-1,70,axicabtagene_ciloleucel\nP-2,70,tisagenlecleucel\n"
    )
    result = run("--plan", str(plan), "--pathway", str(pathway))
    assert result.exit_code == 0, result.output
    flat = " ".join(result.output.split())
    assert "P-1 70 560 1x400 + 2x80 0 1: 1x400 + 2x80" in flat
    assert "P-2 70 560 1x400 + 2x80 0 2: 2x400 + 4x80" in flat
