"""The one protocol of a rule, shared by validation and the management pathway, and its registry.

A rule is an object, not a function with a name typed in several places: its id, severity, source, message
(an English template, translated by the catalogs), the columns it needs and the settings it reads are
declared once beside its `evaluate`. Findings, KPI labels, their order, the rules pages of the docs and
their translations are all read from these objects, so adding a rule is adding one object to a registry.

    TRIAL_ID_REQUIRED = Rule(
        id="trial_id_required",
        severity="error",
        source="dataset contract: an infusion given in a clinical trial names its trial",
        message=N_("trial_id is required when setting is clinical_trial"),
        columns=("infusions.setting", "infusions.trial_id"),
        evaluate=trial_id_required,
    )
    VALIDATION = Registry("validation", [TRIAL_ID_REQUIRED, ...])

`evaluate` is vectorised: it takes whole tables (and the typed settings its registry passes) and returns
what its registry collects (issues, or one outcome per eligible episode); it never loops over the rows of a
frame to recompute a column.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from iectox.registry import Registry as BaseRegistry

Severity = Literal["error", "warning", "deviation", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "deviation", "warning", "info")


@dataclass(frozen=True)
class Rule:
    """One rule: what it is called, how serious a breach is, where it comes from and what it reads."""

    id: str
    severity: Severity
    source: str
    message: str
    evaluate: Callable[..., Any]
    title: str = ""
    columns: tuple[str, ...] = ()
    settings: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"rule {self.id!r}: severity {self.severity!r} is not one of {SEVERITIES}")
        if not self.source:
            raise ValueError(f"rule {self.id!r} has no source")


class Registry(BaseRegistry[Rule]):
    """The rules of one extension point, in the order they run and are reported; ids are unique."""

    kind = "rule"


__all__ = ["SEVERITIES", "Registry", "Rule", "Severity"]
