"""`iectox demo`: the seed study rebuilt as a synthetic cohort, with synthetic bispecific antibody courses
beside it (`iectox.synth.demo`), written, read back and validated, then its report and its audit."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress

from iectox.cli.console import console, literal
from iectox.cli.language import LangOption, chosen_language, say
from iectox.cli.show import print_calibration_summary, print_findings, print_overview, progress_columns
from iectox.cli.validate import print_issues, refuse
from iectox.errors import OutputRefused
from iectox.io import check_output, check_path, write_dataset
from iectox.render import STAGES as REPORT_STAGES
from iectox.render import check_report_folder, write_report
from iectox.render.audit import check_audit_folder, write_audit
from iectox.render.format import Formatter
from iectox.render.management import cohort_labels, drawn_management_figures
from iectox.study import StudyResult, run_study, seed_study
from iectox.synth import STAGES
from iectox.synth.demo import make_demo
from iectox.synth.generate import DEFAULT_SEED


def demo(
    out: Annotated[Path, typer.Option(help=say("Folder for the demo's files."))] = Path("out/demo"),
    seed: Annotated[int, typer.Option(help=say("Random seed of the synthetic cohort."))] = DEFAULT_SEED,
    lang: LangOption = None,
) -> None:
    lang = chosen_language(lang)
    csv_folder, workbook, report = out / "dataset", out / "dataset.xlsx", out / "report"
    try:  # each place is refused before the cohort is made when it holds what iectox did not write
        check_output(csv_folder)
        check_output(workbook)
        check_report_folder(report)
        check_audit_folder(out / "audit")
    except OutputRefused as exc:
        raise refuse(exc, lang) from exc
    steps = (
        *STAGES,
        "write CSV",
        "write XLSX",
        "validate CSV",
        "validate XLSX",
        "study",
        *REPORT_STAGES,
        "audit",
    )
    with Progress(*progress_columns(), console=console, transient=True) as progress:
        task = progress.add_task(steps[0], total=len(steps))

        def step(stage: str) -> None:
            progress.update(task, description=stage, completed=steps.index(stage))

        result, generated = make_demo(seed, step)  # the bispecific courses apart from the CAR-T cohort
        step("write CSV")
        try:
            write_dataset(generated, csv_folder)
        except OutputRefused as exc:
            progress.stop()
            raise refuse(exc, lang) from exc
        step("write XLSX")
        write_dataset(generated, workbook)
        checks = []
        for stage, path in (("validate CSV", csv_folder), ("validate XLSX", workbook)):
            step(stage)
            checks.append((path, *check_path(path)))
        read_back = checks[0][1]
        if read_back is not None:
            step("study")
            study = run_study(read_back, seed_study())
            files = write_report(study, report, lang, progress=step)
            step("audit")
            audit = study.management  # the seed study audits its management: `iectox audit`'s files
            drawn = drawn_management_figures(files.figures, files.captions)  # the report's: not drawn again
            audited = (
                None
                if audit is None
                else write_audit(audit, out / "audit", lang, cohort_labels(study), drawn)
            )
    for path, dataset, issues in checks:
        if dataset is None or issues:
            print_issues(issues, lang=lang)
            raise typer.Exit(1)
        read_back = (
            say("read back identical to the generated data", lang)
            if dataset.equals(generated)
            else say("read back DIFFERENT from the generated data", lang)
        )
        valid = say("valid", lang)
        console.print(f"[green]{valid}[/]: {literal(path)} ({read_back})", soft_wrap=True)
    print_overview(
        result.dataset,
        say("Seed study, synthetic cohort (n = {n})", lang, n=len(result.dataset["infusions"])),
        lang,
    )
    print_findings(result, lang)
    print_calibration_summary(result, lang)
    print_bispecifics(study, lang)
    demographics = study.tables[0][1]
    fmt = Formatter(lang, p_digits=4)
    tested = fmt.separator.join(
        f"{fmt.tr(r.label)} {fmt.p_value(r.p_value)} ({fmt.test(r.test.test)})"
        for r in demographics.results
        if r.test
    )
    console.print(
        literal(say("Demographics, p-values in the report: {tests}", lang, tests=tested)), soft_wrap=True
    )
    console.print(
        "\n"
        + say(
            "The dataset: {csv} (CSV) and {xlsx} (XLSX)",
            lang,
            csv=f"[bold]{literal(csv_folder)}/[/]",
            xlsx=f"[bold]{literal(workbook)}[/]",
        ),
        soft_wrap=True,
    )
    console.print(
        say(
            "The report: {html} (also .xlsx, .docx, .json and figures/ beside it)",
            lang,
            html=f"[bold]{literal(files.html)}[/]",
        ),
        soft_wrap=True,
    )
    if audited is not None:
        console.print(
            say("The audit: {html} (also .xlsx and .json)", lang, html=f"[bold]{literal(audited.html)}[/]"),
            soft_wrap=True,
        )


def print_bispecifics(study: StudyResult, lang: str) -> None:
    """The bispecific courses in one sentence: apart from the cohorts, CRS after step-up dose 1, the schedule
    audit's deviations (their tables: the report's and the audit's)."""
    by_dose, audit = study.bsab_crs, study.management
    if by_dose is None or audit is None:
        return
    first = [d for p in by_dose.products for d in p.doses if d.dose == "step_up_1"]
    deviations = sum(f.rule.startswith("bsab.") and f.severity == "deviation" for f in audit.findings)
    console.print(
        literal(
            say(
                "Bispecific antibody courses (synthetic, in neither cohort of the seed study): {courses} "
                "courses of {products} products; CRS after step-up dose 1 in {crs} of {dosed}; schedule "
                "audit: {deviations} deviation(s) from the product information.",
                lang,
                courses=study.apart,
                products=len(by_dose.products),
                crs=sum(d.crs for d in first),
                dosed=sum(d.dosed for d in first),
                deviations=deviations,
            )
        ),
        soft_wrap=True,
    )
