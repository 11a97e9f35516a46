"""A cache of whole answers, keyed by what they were computed from and by the store's write
generation: a dashboard reload is a dictionary lookup, and a new scan shows at once (every
write moves the generation, so nothing computed before it is served after it).

Only where the engine knows every write (`write_generation()`: embedded chDB, which one
process owns); with a ClickHouse server other processes write too, and the cache steps aside.
Entries also expire after `max_age_s` (raw retention drops old parts without a write of ours)
and the least recently used go first beyond `max_entries`.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from typing import Any

from qrstack_analytics.storage.backend import ClickHouse


class AnswerCache:
    def __init__(
        self, engine: ClickHouse, *, max_entries: int = 2048, max_age_s: float = 60.0
    ) -> None:
        self._engine = engine
        self._max_entries = max_entries
        self._max_age_s = max_age_s
        self._entries: OrderedDict[Hashable, tuple[int, float, dict[str, Any]]] = OrderedDict()

    async def answer(
        self, key: Hashable, compute: Callable[[], Awaitable[dict[str, Any]]]
    ) -> dict[str, Any]:
        """The cached answer for `key` if nothing was written since, else `compute()` (cached
        under the generation it started at: a write during the computation invalidates it)."""
        generation = self._engine.write_generation()
        if generation is None:
            return await compute()
        now = time.monotonic()
        hit = self._entries.get(key)
        if hit is not None and hit[0] == generation and now - hit[1] < self._max_age_s:
            self._entries.move_to_end(key)
            return hit[2]
        answer = await compute()
        self._entries[key] = (generation, now, answer)
        self._entries.move_to_end(key)
        while len(self._entries) > self._max_entries:
            self._entries.popitem(last=False)
        return answer
