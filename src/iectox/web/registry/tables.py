"""The registry's pages, one per table of the contract: its title, the capability that edits it, the columns
its list shows and the record it belongs to. Views, URLs, forms and menus are made from these declarations."""

from __future__ import annotations

from dataclasses import dataclass

from iectox.i18n import N_
from iectox.registry import Registry
from iectox.schema import CONTRACT, Table
from iectox.web.accounts.roles import Capability
from iectox.web.registry.models import BY_TABLE, Record


@dataclass(frozen=True)
class TablePage:
    id: str  # the contract's table name, and the URL's folder
    title: str
    one: str  # the name of one record, for headings ("Patient P-0001")
    edit: Capability
    listed: tuple[str, ...]
    parent: str | None = None  # the column naming the record this one belongs to

    @property
    def table(self) -> Table:
        return CONTRACT.table(self.id)

    @property
    def model(self) -> type[Record]:
        return BY_TABLE[self.id]

    @property
    def key(self) -> str | None:
        return self.table.key


EDIT = Capability.EDIT_REGISTRY
PAGES: Registry[TablePage] = Registry(
    "registry pages",
    [
        TablePage(
            "patients", N_("Patients"), N_("Patient"), EDIT, ("patient_id", "sex", "birth_year", "centre")
        ),
        TablePage(
            "infusions",
            N_("Infusions"),
            N_("Infusion"),
            EDIT,
            ("infusion_id", "patient_id", "therapy", "infusion_date", "setting"),
            "patient_id",
        ),
        TablePage(
            "toxicity_episodes",
            N_("Toxicity episodes"),
            N_("Toxicity episode"),
            EDIT,
            ("episode_id", "infusion_id", "syndrome", "onset_at", "max_grade", "grading_scale"),
            "infusion_id",
        ),
        TablePage(
            "administrations",
            N_("Administrations"),
            N_("Administration"),
            EDIT,
            ("administration_id", "infusion_id", "drug", "given_at", "dose_mg", "reason"),
            "infusion_id",
        ),
        TablePage(
            "observations",
            N_("Observations"),
            N_("Observation"),
            Capability.ENTER_OBSERVATIONS,
            ("infusion_id", "observed_at", "temperature_c", "hypotension", "oxygen_device", "ice_score"),
            "infusion_id",
        ),
        TablePage(
            "outcomes",
            N_("Outcomes"),
            N_("Outcome"),
            EDIT,
            ("infusion_id", "last_follow_up", "status", "death_date"),
            "infusion_id",
        ),
        TablePage(
            "labs",
            N_("Lab results"),
            N_("Lab result"),
            EDIT,
            ("infusion_id", "measured_at", "analyte", "value", "unit"),
            "infusion_id",
        ),
    ],
)
