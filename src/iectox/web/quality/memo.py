"""A few results kept in the process's memory, each computed once however many requests ask for it at once.

A study run or an audit of 10,000 patients takes seconds; its page, its downloads and its figures are asked for
many times while the registry stays the same. `Memo.get(key, compute)` returns the kept value, or computes it
while holding that key's lock (a second request for the same key waits for the first one's result instead of
computing it again; other keys are not held up). The least recently used value is forgotten past `size`, and
`forget` is called on it (a run's report folder is deleted then). An exception is not kept: the next request
computes again.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class Memo(Generic[V]):
    def __init__(self, size: int, forget: Callable[[V], None] | None = None):
        self.size = size
        self._forget = forget or (lambda value: None)
        self._values: OrderedDict[Hashable, V] = OrderedDict()
        self._computing: dict[Hashable, threading.Lock] = {}
        self._lock = threading.Lock()

    def peek(self, key: Hashable) -> V | None:
        """The value kept for `key`, or None; never computes."""
        with self._lock:
            value = self._values.get(key)
            if value is not None:
                self._values.move_to_end(key)
            return value

    def get(self, key: Hashable, compute: Callable[[], V]) -> V:
        """The value of `key`, computed by `compute()` the first time (once, whoever asks meanwhile)."""
        found = self.peek(key)
        if found is not None:
            return found
        with self._lock:
            computing = self._computing.setdefault(key, threading.Lock())
        with computing:
            found = self.peek(key)
            if found is not None:
                return found
            try:
                value = compute()
                self.put(key, value)  # kept before the lock goes, so that no one computes it again
            finally:
                with self._lock:
                    self._computing.pop(key, None)
            return value

    def put(self, key: Hashable, value: V) -> None:
        """Keep `value` for `key` (most recent), forgetting the oldest values past `size`."""
        with self._lock:
            self._values[key] = value
            self._values.move_to_end(key)
            dropped = [self._values.popitem(last=False)[1] for _ in range(len(self._values) - self.size)]
        for old in dropped:
            self._forget(old)

    def discard(self, key: Hashable) -> None:
        """Forget the value of `key`, if kept (`forget` is called on it)."""
        with self._lock:
            dropped = self._values.pop(key, None)
        if dropped is not None:
            self._forget(dropped)

    def values(self) -> list[V]:
        """The values kept, most recent last; never computes."""
        with self._lock:
            return list(self._values.values())

    def clear(self) -> None:
        """Forget every value (tests; a restore of the database)."""
        with self._lock:
            dropped = list(self._values.values())
            self._values.clear()
        for old in dropped:
            self._forget(old)

    def __len__(self) -> int:
        return len(self._values)
