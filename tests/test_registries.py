"""Every extension point keeps its members in the one core registry, with the same promises."""

from __future__ import annotations

import pytest

from iectox.management.advice import BEDSIDE
from iectox.management.registry import MANAGEMENT
from iectox.registry import Registry
from iectox.render import FORMATS
from iectox.stats.estimate import ESTIMATES
from iectox.stats.methods.registry import METHODS, POST_HOC
from iectox.validate.registry import READING, VALIDATION

REGISTRIES = {
    "methods": METHODS,
    "estimates": ESTIMATES,
    "post_hoc": POST_HOC,
    "formats": FORMATS,
    "validation": VALIDATION,
    "reading": READING,
    "management": MANAGEMENT,
    "bedside": BEDSIDE,
}


@pytest.mark.parametrize("name", REGISTRIES)
def test_every_registry_is_the_core_registry(name):
    assert isinstance(REGISTRIES[name], Registry)


@pytest.mark.parametrize("name", REGISTRIES)
def test_every_registry_refuses_a_duplicate_id(name):
    registry = REGISTRIES[name]
    first = next(iter(registry.values()))
    before = list(registry)
    with pytest.raises(ValueError, match=f"{first.id!r} is declared twice"):
        registry.register(first)
    assert list(registry) == before


@pytest.mark.parametrize("name", REGISTRIES)
def test_every_registry_lists_its_ids_when_one_is_unknown(name):
    registry = REGISTRIES[name]
    with pytest.raises(KeyError) as raised:
        registry["no_such_id"]
    message = raised.value.args[0]
    assert "'no_such_id'" in message
    assert message.endswith("known: " + ", ".join(registry))


def test_the_registry_keeps_order_and_names_its_kind():
    class Member:
        def __init__(self, id: str) -> None:
            self.id = id

    registry = Registry("plug-ins", [Member("b"), Member("a")])
    assert list(registry) == ["b", "a"] and len(registry) == 2
    assert repr(registry) == "Registry('plug-ins', ['b', 'a'])"
    with pytest.raises(KeyError, match="plug-ins: no member 'c'; known: b, a"):
        registry["c"]
    with pytest.raises(KeyError, match="known: none"):
        Registry("empty")["c"]
