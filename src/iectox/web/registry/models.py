"""The registry's models, one per table of the dataset contract, made from it (`derive.contract_fields`).

Each model also has a `version` (raised by one at each save: an edit made on an older version is refused,
`iectox.web.registry.saving`), an audit trail (`history`, django-simple-history: who, when, old and new values)
and `centre_path`, the way from a row to its patient's centre (`iectox.web.accounts.access.visible`).
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from simple_history.models import HistoricalRecords

from iectox.schema import CONTRACT, Table
from iectox.web.registry.derive import MODELS, contract_fields


class Record(models.Model):
    """What every registry model has beside the contract's columns."""

    version = models.PositiveIntegerField(default=1)
    contract: ClassVar[Table]
    centre_path: ClassVar[str]

    class Meta:
        abstract = True

    @property
    def code(self) -> str:
        """The record's pseudonymous code (its key column), or its number for a table without one."""
        key = self.contract.key
        return str(getattr(self, key) if key else self.pk)

    def __str__(self) -> str:
        return f"{self.contract.name} {self.code}"


def _model(table_name: str, centre_path: str, ordering: tuple[str, ...]) -> type[Record]:
    table = CONTRACT.table(table_name)
    meta = type("Meta", (), {"db_table": f"registry_{table_name}", "ordering": ordering})
    attributes = {
        "__module__": __name__,
        "Meta": meta,
        "contract": table,
        "centre_path": centre_path,
        **contract_fields(table),
        "history": HistoricalRecords(table_name=f"registry_{table_name}_history"),
    }
    return type(MODELS[table_name], (Record,), attributes)


BELOW_INFUSION = "infusion__patient__centre"
Patient = _model("patients", "centre", ("patient_id",))
Infusion = _model("infusions", "patient__centre", ("infusion_id",))
ToxicityEpisode = _model("toxicity_episodes", BELOW_INFUSION, ("episode_id",))
Administration = _model("administrations", BELOW_INFUSION, ("administration_id",))
Observation = _model("observations", BELOW_INFUSION, ("infusion_id", "observed_at", "id"))
Outcome = _model("outcomes", BELOW_INFUSION, ("infusion_id",))
LabResult = _model("labs", BELOW_INFUSION, ("infusion_id", "measured_at", "id"))

BY_TABLE: dict[str, type[Record]] = {
    model.contract.name: model
    for model in (Patient, Infusion, ToxicityEpisode, Administration, Observation, Outcome, LabResult)
}
