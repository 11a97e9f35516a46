"""Fixed-window hit counters: shared in PostgreSQL, or per process in memory.

A window is identified by `floor(unix time / window length)`; a counter by its bucket name and
window index. Both stores answer `add` with the count after adding, so one round trip both
counts a request and says whether it is over the limit.
"""

from __future__ import annotations

import asyncpg


class MemoryCounters:
    """Counters of this process only: exact for one replica, blind to the others.

    Holds at most `max_counters` windows; past that, finished windows are forgotten first and
    then the oldest ones, so memory stays bounded whatever the number of distinct callers.
    """

    def __init__(self, max_counters: int = 100_000) -> None:
        self._max = max_counters
        self._hits: dict[tuple[str, int], list[float]] = {}  # → [hits, window end]

    def __len__(self) -> int:
        return len(self._hits)

    def add(self, bucket: str, index: int, window_end: float, now: float, amount: int = 1) -> int:
        entry = self._hits.get((bucket, index))
        if entry is None:
            if len(self._hits) >= self._max:
                self._make_room(now)
            entry = self._hits[(bucket, index)] = [0, window_end]
        entry[0] += amount
        return int(entry[0])

    def count(self, bucket: str, index: int) -> int:
        entry = self._hits.get((bucket, index))
        return 0 if entry is None else int(entry[0])

    def observe(self, bucket: str, index: int, window_end: float, now: float, hits: int) -> None:
        """Raise the local count to what the shared store said, so that if the shared store
        becomes unreachable this replica carries on from the shared count, not from zero."""
        entry = self._hits.get((bucket, index))
        if entry is None:
            if len(self._hits) >= self._max:
                self._make_room(now)
            self._hits[(bucket, index)] = [hits, window_end]
        elif hits > entry[0]:
            entry[0] = hits

    def _make_room(self, now: float) -> None:
        for key in [k for k, (_, end) in self._hits.items() if end <= now]:
            del self._hits[key]
        if len(self._hits) >= self._max:
            # Every window is live: drop the oldest half (dicts keep insertion order).
            for key in list(self._hits)[: len(self._hits) // 2 + 1]:
                del self._hits[key]


class PostgresCounters:
    """Counters in the UNLOGGED `rate_limit_hits` table, shared by every API replica: one
    atomic upsert per request, so counts are exact however requests spread over replicas."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def add(self, bucket: str, index: int, window_end: float, amount: int = 1) -> int:
        hits = await self._pool.fetchval(
            """
            INSERT INTO rate_limit_hits AS h (bucket, window_index, hits, expires_at)
            VALUES ($1, $2, $3, to_timestamp($4))
            ON CONFLICT (bucket, window_index) DO UPDATE SET hits = h.hits + EXCLUDED.hits
            RETURNING hits
            """,
            bucket,
            index,
            amount,
            window_end,
        )
        return int(hits)

    async def count(self, bucket: str, index: int) -> int:
        hits = await self._pool.fetchval(
            "SELECT hits FROM rate_limit_hits WHERE bucket = $1 AND window_index = $2",
            bucket,
            index,
        )
        return 0 if hits is None else int(hits)

    async def purge(self) -> int:
        """Forget finished windows; returns how many."""
        status = await self._pool.execute("DELETE FROM rate_limit_hits WHERE expires_at < now()")
        return int(status.split()[-1])
