"""The one registry every extension point keeps its members in: rules, statistical methods, report formats.

Each extension point used to carry its own Mapping with the same four promises; they are kept here once.
A member is anything with an `id`. The registry keeps members in the order they were registered (the order
they run and are reported in), refuses a second member with the same id, and an unknown id names the ones
that exist, so a typo in a study file or a test says what it could have been.

    METHODS = Methods([Method(id="pearson_chi2", ...), ...])
    METHODS["t_test"]  # KeyError: stats: no statistical method 't_test'; known: pearson_chi2, ...
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import ClassVar, Generic, Protocol, TypeVar


class Identified(Protocol):
    """What a registry needs of its members: an id, unique in its registry."""

    @property
    def id(self) -> str: ...


T = TypeVar("T", bound=Identified)


class Registry(Mapping[str, T], Generic[T]):
    """Members by id, in the order they were registered; ids are unique, and an unknown id lists the known."""

    kind: ClassVar[str] = "member"  # what one member is called in messages ("rule", "report format")

    def __init__(self, name: str, members: Iterable[T] = ()) -> None:
        self.name = name
        self._members: dict[str, T] = {}
        for member in members:
            self.register(member)

    def register(self, member: T) -> T:
        """Add `member` last; a second member with its id is refused, so no registration hides another."""
        if member.id in self._members:
            raise ValueError(f"{self.name}: {self.kind} id {member.id!r} is declared twice")
        self._members[member.id] = member
        return member

    def __getitem__(self, member_id: str) -> T:
        try:
            return self._members[member_id]
        except KeyError:
            known = ", ".join(self._members) or "none"
            raise KeyError(f"{self.name}: no {self.kind} {member_id!r}; known: {known}") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._members)

    def __len__(self) -> int:
        return len(self._members)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r}, {list(self._members)})"


__all__ = ["Identified", "Registry"]
