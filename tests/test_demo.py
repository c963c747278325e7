"""`iectox demo`: the seed cohort written as CSV and XLSX, read back identical, summarised per cohort."""

from __future__ import annotations

import pandas as pd
from typer.testing import CliRunner

from factories import seed_cohort
from iectox.analysis.overview import cohort_overview
from iectox.cli.commands import app
from iectox.cli.show import overview_figure
from iectox.render import Formatter


def test_demo_writes_validates_and_summarises(tmp_path):
    result = CliRunner().invoke(app, ["demo", "--out", str(tmp_path / "demo")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "demo" / "dataset" / "infusions.csv").exists()
    assert (tmp_path / "demo" / "dataset.xlsx").exists()
    assert result.output.count("(read back identical to the generated data)") == 2
    assert (tmp_path / "demo" / "report" / "report.html").exists()
    assert (tmp_path / "demo" / "report" / "report.json").exists()
    assert (tmp_path / "demo" / "audit" / "audit.html").exists()
    for name in ("delay_by_cohort.png", "kpi_trend.svg"):  # the report's, copied: not drawn a second time
        audited = (tmp_path / "demo" / "audit" / "figures" / name).read_bytes()
        assert audited == (tmp_path / "demo" / "report" / "figures" / f"management_{name}").read_bytes()
    infusions = pd.read_csv(tmp_path / "demo" / "dataset" / "infusions.csv")
    courses = infusions["infusion_id"].str.startswith("BSAB-")
    assert (len(infusions), int(courses.sum())) == (428, 27)  # the seed's 401 CAR-T, 27 bispecific courses
    for printed in (
        "Sex 0.6356 (Pearson's Chi-squared test)",
        "Age (years) 0.1202 (Welch Two Sample t-test)",
        "Weight (kg) 0.0481 (Welch Two Sample t-test)",
        "levels add up to 360 of 361",
        "levels add up to 48 of 40",
        "Bispecific antibody courses (synthetic, in neither cohort of the seed study): 27 courses of 7 "
        "products; CRS after step-up dose 1 in 18 of 27; schedule audit: 3 deviation(s) from the product "
        "information.",
    ):
        assert printed in result.output.replace("\n", " ")


def test_overview_of_the_seed_cohort_gives_the_published_counts():
    figures = cohort_overview(seed_cohort())
    overview = figures.map(lambda figure: overview_figure(figure, Formatter()))
    assert figures.loc["Male sex", "Clinical trial"] == ("n_pct", (27, 67.5))
    french = figures.map(lambda figure: overview_figure(figure, Formatter("fr")))
    assert french.loc["Male sex"].tolist() == ["27 (67,5\u00a0%)", "230 (63,7\u00a0%)"]
    assert overview.loc["Infusions"].tolist() == ["40", "361"]
    assert overview.loc["Male sex"].tolist() == ["27 (67.5%)", "230 (63.7%)"]
    assert overview.loc["Age, mean (SD)"].tolist() == ["59.1 (13.6)", "62.7 (14.2)"]
    assert overview.loc["CRS, any grade"].tolist() == ["20 (50.0%)", "303 (83.9%)"]
    assert overview.loc["CRS status unknown"].tolist() == ["0 (0.0%)", "1 (0.3%)"]
    assert overview.loc["ICANS, any grade"].tolist() == ["16 (40.0%)", "52 (14.4%)"]
    assert overview.loc["Tocilizumab given"].tolist() == ["20 (50.0%)", "200 (55.4%)"]
