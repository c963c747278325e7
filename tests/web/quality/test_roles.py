"""Who may open the study and quality pages follows from the roles table: the study needs RUN_STUDIES (analysts,
data managers, administrators), the dashboard VIEW_REGISTRY (every role); the menu shows what the role may open.
(The role matrix, tests/web/test_access_matrix.py, opens every URL with every role and method.)"""

from __future__ import annotations

import pytest
from django.urls import resolve, reverse

from iectox.web.accounts.access import declared
from iectox.web.accounts.roles import ROLES, Capability, may
from iectox.web.quality.runs import RUNS

from ..web_helpers import client_of

PAGES = {
    "quality:study": Capability.RUN_STUDIES,
    "quality:dashboard": Capability.VIEW_REGISTRY,
}


def test_each_page_declares_the_capability_the_roles_table_is_read_for():
    for name, capability in PAGES.items():
        assert declared(resolve(reverse(name)).func) == capability


@pytest.mark.parametrize("role", list(ROLES))
def test_each_role_opens_and_sees_in_its_menu_exactly_what_it_may(registry, role):
    client = client_of(role)
    home = client.get(reverse("home")).content.decode()
    for name, capability in PAGES.items():
        allowed = may(role, capability)
        assert client.get(reverse(name)).status_code == (200 if allowed else 403), (role, name)
        assert (f'href="{reverse(name)}"' in home) == allowed, (role, name)
    assert [r for r in ROLES if may(r, Capability.RUN_STUDIES)] == [
        "administrator",
        "data_manager",
        "analyst",
    ]


def test_a_role_without_studies_cannot_run_one(registry):
    response = client_of("clinician").post(reverse("quality:study"), {"study": "seed"})
    assert response.status_code == 403
    assert len(RUNS) == 0
