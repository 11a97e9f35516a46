"""Least-recently-used caches of the renderer: rendered images bounded by bytes, and (with the
same `LruCache`) scores bounded by count.

Keys are digests (of a spec, of a design), so an entry never goes stale: the same key always
means the same value. When the budget is exceeded the least recently used entries go first.
Not thread-safe by design: only the event loop touches them (renders run in threads, but their
results are stored back on the loop).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

from qrstack_renderer.render import RenderedImage

ENTRY_OVERHEAD = 200
"""Approximate bytes of bookkeeping per entry (key, tuple, dict slot)."""

V = TypeVar("V")


class LruCache(Generic[V]):
    """Values by key whose `cost`s add up to at most `budget`; a value costing more than the
    whole budget is not stored."""

    def __init__(self, budget: int, cost: Callable[[V], int]) -> None:
        self.budget = budget
        self.spent = 0
        self._cost = cost
        self._entries: OrderedDict[str, V] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: str) -> V | None:
        value = self._entries.get(key)
        if value is not None:
            self._entries.move_to_end(key)
        return value

    def put(self, key: str, value: V) -> None:
        cost = self._cost(value)
        if cost > self.budget:
            return
        old = self._entries.pop(key, None)
        if old is not None:
            self.spent -= self._cost(old)
        self._entries[key] = value
        self.spent += cost
        while self.spent > self.budget:
            _, evicted = self._entries.popitem(last=False)
            self.spent -= self._cost(evicted)


def _image_bytes(image: RenderedImage) -> int:
    return len(image.body) + ENTRY_OVERHEAD


class RenderCache(LruCache[RenderedImage]):
    """An LRU of `RenderedImage`s by digest holding at most `max_bytes`."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(max_bytes, _image_bytes)

    @property
    def max_bytes(self) -> int:
        return self.budget

    @property
    def bytes(self) -> int:
        return self.spent
