"""The roles of the application, declared once: each role is the set of capabilities it grants.

A view declares the one capability it needs (`access.requires`); who may open it follows from this table, and
so does the test matrix (tests/web/test_access_matrix.py: every URL x every role x GET and POST). Adding a
capability is adding a member to `Capability` and giving it to the roles that hold it here.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from iectox.i18n import N_
from iectox.registry import Registry


class Capability(StrEnum):
    """What a user may do; each view needs exactly one."""

    VIEW_REGISTRY = "view_registry"  # read the registry's records (of the user's centres)
    EDIT_REGISTRY = "edit_registry"  # create, edit and delete patients, infusions, episodes, doses, outcomes
    ENTER_OBSERVATIONS = "enter_observations"  # record bedside observations
    MANAGE_PHARMACY = "manage_pharmacy"  # orders, their validation, preparation and dispensing; the stock
    RUN_STUDIES = "run_studies"  # run a study on the registry and download its report
    VIEW_AUDIT = "view_audit"  # the audit trail: who changed what, when, old and new values
    ADMINISTER_USERS = "administer_users"  # accounts, roles and centres


C = Capability


@dataclass(frozen=True)
class Role:
    id: str
    label: str
    capabilities: frozenset[Capability]
    description: str


ROLES: Registry[Role] = Registry(
    "roles",
    [
        Role(
            "administrator",
            N_("Administrator"),
            frozenset(Capability),
            N_("Manages accounts, roles and centres; may do everything."),
        ),
        Role(
            "data_manager",
            N_("Data manager"),
            frozenset({C.VIEW_REGISTRY, C.EDIT_REGISTRY, C.ENTER_OBSERVATIONS, C.RUN_STUDIES, C.VIEW_AUDIT}),
            N_("Keeps the registry: records, imports, exports, corrections."),
        ),
        Role(
            "clinician",
            N_("Nurse or physician"),
            frozenset({C.VIEW_REGISTRY, C.ENTER_OBSERVATIONS}),
            N_("Records bedside observations and sees grades and the pathway's advice."),
        ),
        Role(
            "pharmacist",
            N_("Pharmacist"),
            frozenset({C.VIEW_REGISTRY, C.MANAGE_PHARMACY}),
            N_("Validates, prepares and dispenses orders; keeps the stock."),
        ),
        Role(
            "analyst",
            N_("Analyst"),
            frozenset({C.VIEW_REGISTRY, C.RUN_STUDIES}),
            N_("Reads the registry and runs studies; changes nothing."),
        ),
        Role(
            "auditor",
            N_("Auditor"),
            frozenset({C.VIEW_REGISTRY, C.VIEW_AUDIT}),
            N_("Reads the registry and its audit trail; changes nothing."),
        ),
    ],
)


def may(role: str, capability: Capability) -> bool:
    """Whether `role` grants `capability` (an unknown role grants nothing)."""
    return role in ROLES and capability in ROLES[role].capabilities
