"""The `iectox` command: a table of its commands, each loaded only when it runs.

Each command lives in its own module, which imports the library it calls (pandas, SciPy, matplotlib...): a
second or two. `iectox --help` needs none of it, so the root group knows every command's name, module and help
from `COMMANDS` (English marked for translation, shown in the help language) and imports a command's module
only to run it or show its own help. The table is also the order the help lists them in: the pipeline's.
"""

from __future__ import annotations

import gc
import importlib
from dataclasses import dataclass
from typing import Any

import typer
import typer.main
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text
from typer.core import TyperCommand, TyperGroup

from iectox.cli.console import console
from iectox.cli.language import say
from iectox.i18n import N_
from iectox.registry import Registry


@dataclass(frozen=True)
class Command:
    """One command: its name, the `iectox.cli` module and function that implement it, and its help."""

    id: str
    module: str
    function: str
    help: str
    passthrough: bool = False  # its arguments go, unparsed, to another program (web-admin: Django's)

    def listed(self) -> TyperCommand:
        """The command as the root help lists it: its name and help, nothing imported."""
        return TyperCommand(name=self.id, help=say(self.help))

    def load(self) -> Any:
        """The command itself: its module imported, its options read from its function's signature."""
        function = getattr(importlib.import_module(f"iectox.cli.{self.module}"), self.function)
        if not gc.isenabled():  # `main` imported the library with the collector off: keep it out of its reach
            gc.freeze()
            gc.enable()
        if isinstance(function, typer.Typer):  # a group of subcommands (`iectox redcap dictionary ...`)
            group = typer.main.get_group(function)
            group.name = self.id
            return group
        single = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
        context = {"ignore_unknown_options": True, "allow_extra_args": True, "help_option_names": []}
        single.command(self.id, help=say(self.help), context_settings=context if self.passthrough else None)(
            function
        )
        return typer.main.get_command(single)


COMMANDS: Registry[Command] = Registry(
    "cli",
    [
        Command(
            "template",
            "template",
            "template",
            N_(
                "Write the blank XLSX data-entry template (one sheet per table, drop-downs, checks, help comments)."
            ),
        ),
        Command(
            "validate",
            "validate",
            "validate",
            N_("Check a dataset against the contract; exit 1 when it has errors (nothing is loaded then)."),
        ),
        Command(
            "diff",
            "diff",
            "diff",
            N_("What replacing one dataset by another would change, row by row; exit 1 when they differ."),
        ),
        Command(
            "deidentify",
            "deidentify",
            "deidentify_command",
            N_(
                "A de-identified copy of a dataset to share: keyed codes, dates shifted per patient, no free text."
            ),
        ),
        Command(
            "import-mapped",
            "importmap",
            "import_mapped_command",
            N_(
                "Read the source named by MAPPING, build the dataset, validate it, and write it (all or nothing)."
            ),
        ),
        Command(
            "import-redcap",
            "redcap",
            "import_redcap_command",
            N_(
                "Read a REDCap export with its data dictionary, validate it, and write the dataset (all or nothing)."
            ),
        ),
        Command(
            "redcap",
            "redcap",
            "redcap_app",
            N_(
                "REDCap: the project's data dictionary (`redcap dictionary`), a dataset's records (`redcap records`)."
            ),
        ),
        Command(
            "fhir",
            "fhir",
            "fhir",
            N_(
                "Write one FHIR R4 Bundle per patient: Patient, MedicationAdministration, Observation, AdverseEvent."
            ),
        ),
        Command(
            "crosswalk",
            "crosswalk",
            "crosswalk",
            N_("Registry forms (CIBMTR 4100, EBMT day 100) per infusion, reconciled with the observations."),
        ),
        Command(
            "omop",
            "omop",
            "omop",
            N_(
                "Write OMOP CDM v5.4 tables (person, drug_exposure, measurement, episode...) into DuckDB or PostgreSQL."
            ),
        ),
        Command(
            "sdtm",
            "sdtm",
            "sdtm",
            N_(
                "Write CDISC SDTM datasets (DM, AE with SUPPAE, CM, EX) as SAS transport files with define.xml."
            ),
        ),
        Command(
            "synth",
            "synth",
            "synth",
            N_(
                "Write a synthetic cohort: `--calibrate FILE` reproduces a published table, `--n N` any size."
            ),
        ),
        Command(
            "grade",
            "grade",
            "grade",
            N_(
                "Grade CRS and ICANS (ASTCT 2019) from observations; episodes and agreement with the recorded grades."
            ),
        ),
        Command(
            "audit",
            "audit",
            "audit",
            N_(
                "Check every tocilizumab and corticosteroid dose and CRS/ICANS episode against a management pathway."
            ),
        ),
        Command(
            "vials",
            "vials",
            "vials",
            N_(
                "Tocilizumab for CRS: label dose, vials with the least waste, and the stock to hold before infusions."
            ),
        ),
        Command(
            "advise",
            "advise",
            "advise_command",
            N_(
                "What the pathway says next for one patient: tocilizumab dose and vials, corticosteroids, limits."
            ),
        ),
        Command(
            "recheck",
            "recheck",
            "recheck",
            N_(
                "Recompute every p-value of a published table from its printed numbers; say which tests reproduce it."
            ),
        ),
        Command(
            "packet",
            "packet",
            "packet",
            N_(
                "A centre's aggregate tables for a multi-centre study: small cells masked, nothing patient-level."
            ),
        ),
        Command(
            "pool",
            "pool",
            "pool",
            N_(
                "Pool centres' packets: one table, tests stratified by centre, fixed and random effects, forest plots."
            ),
        ),
        Command(
            "init",
            "init",
            "init",
            N_(
                "Draft a study file from a dataset: the cohorts, tables and variables, asked or taken from the data."
            ),
        ),
        Command(
            "report",
            "report",
            "report",
            N_(
                "Run a study on a dataset and write report.html, .xlsx, .docx, .json, the analysis table and figures."
            ),
        ),
        Command(
            "open-episodes",
            "open_episodes",
            "open_episodes",
            N_("List the CRS and ICANS episodes still open (an onset, no resolution, not ended by death)."),
        ),
        Command(
            "demo",
            "demo",
            "demo",
            N_(
                "Rebuild the seed study as a synthetic cohort: write it (CSV, XLSX), validate both, report it."
            ),
        ),
        Command(
            "backup",
            "backup",
            "backup",
            N_(
                "Snapshot the web application's database while it runs (SQLite or PostgreSQL), with a checksum."
            ),
        ),
        Command(
            "restore",
            "backup",
            "restore",
            N_("Verify a snapshot of iectox backup and load it into an empty database."),
        ),
        Command(
            "serve",
            "serve",
            "serve",
            N_(
                "Serve the web application (migrations applied first); --demo loads the seed cohort and demo accounts."
            ),
        ),
        Command(
            "web-admin",
            "webadmin",
            "web_admin",
            N_("The web application's management commands (migrate, check --deploy, adduser, demo...)."),
            passthrough=True,
        ),
        Command(
            "dictionary",
            "dictionary",
            "dictionary",
            N_(
                "Write the data dictionary, the validation rules and the analysis columns pages, derived from the code."
            ),
        ),
    ],
)


class CommandGroup(TyperGroup):
    """The root group: lists `COMMANDS` from the table, and replaces a listed command by the loaded one the
    first time it is looked up (to run it, or to show its own help)."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self.commands = {command.id: command.listed() for command in COMMANDS.values()}  # for "did you mean"
        self.loaded: set[str] = set()

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name in COMMANDS and cmd_name not in self.loaded:
            self.commands[cmd_name] = COMMANDS[cmd_name].load()
            self.loaded.add(cmd_name)
        return self.commands.get(cmd_name)

    def format_help(self, ctx: Any, formatter: Any) -> None:
        """The root help, drawn with Rich's panels as Typer draws a command's: Typer's own renderer would
        import Markdown support, a third of `iectox --help`'s time, to list commands."""
        usage = Text.assemble((say("Usage:"), "yellow"), f" {ctx.command_path} [OPTIONS] COMMAND [ARGS]...")
        console.print(Padding(usage, (1, 1, 0, 1)))
        console.print(Padding(Text(self.help or ""), (1, 1, 1, 1)))
        options = Table.grid(padding=(0, 2))
        options.add_row(Text("--help", style="bold cyan"), Text(say("Show this message and exit.")))
        commands = Table.grid(padding=(0, 2))
        for command in COMMANDS.values():
            commands.add_row(Text(command.id, style="bold cyan"), Text(say(command.help)))
        for title, grid in ((say("Options"), options), (say("Commands"), commands)):
            console.print(Panel(grid, title=title, title_align="left", border_style="dim"))


app = typer.Typer(
    name="iectox",
    cls=CommandGroup,
    help=say(
        "Toxicity registry, ASTCT grading, management audit and statistics for CAR-T cells and bispecifics."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback(
    help=say(
        "iectox: capture, grade, audit, compare and report toxicities of immune effector cell therapies."
    )
)
def _root() -> None:
    pass


__all__ = ["COMMANDS", "Command", "CommandGroup", "app"]
