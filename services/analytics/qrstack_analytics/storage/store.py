"""`AnalyticsStore`: the service's one handle on ClickHouse, usable from the event loop.

Every engine call blocks (chDB computes in this process; clickhouse-connect waits on HTTP), so
the store runs them on threads it owns and the event loop only awaits: queries on a pool of
`query_threads`, ingestion writes on one thread of their own, so a slow insert never delays a
query and a burst of queries never delays ingestion.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

from qrstack_analytics.queries.cache import AnswerCache
from qrstack_analytics.settings import AnalyticsSettings
from qrstack_analytics.storage.backend import ClickHouse, Params, Row, StoreError
from qrstack_analytics.storage.embedded import EmbeddedClickHouse
from qrstack_analytics.storage.migrate import apply_migrations, apply_retention
from qrstack_analytics.storage.schema import schema_drift
from qrstack_analytics.storage.server import ServerClickHouse

P = ParamSpec("P")
T = TypeVar("T")


def _next_chunk(chunks: Iterator[list[Row]]) -> list[Row] | None:
    return next(chunks, None)


def open_engine(settings: AnalyticsSettings) -> ClickHouse:
    """The configured engine: a server when `CLICKHOUSE_URL` is set, else chDB on
    `CHDB_PATH`. Raises `StoreError`."""
    if settings.clickhouse_url:
        return ServerClickHouse(settings.clickhouse_url, settings.database)
    return EmbeddedClickHouse(
        settings.chdb_path, settings.database, sessions=settings.query_threads + 1
    )


class AnalyticsStore:
    """Owns an engine and the threads that call it. `close()` waits for running calls."""

    def __init__(self, engine: ClickHouse, *, query_threads: int = 4) -> None:
        self.engine = engine
        self.database = engine.database
        self.time_zones: frozenset[str] = frozenset()
        self._queries = ThreadPoolExecutor(query_threads, thread_name_prefix="analytics-query")
        self._writes = ThreadPoolExecutor(1, thread_name_prefix="analytics-write")
        self.answers = AnswerCache(engine)

    async def prepare(self, raw_retention_days: int) -> list[int]:
        """Apply pending migrations and the retention, check the schema, load the time zones
        ClickHouse knows. Returns the migrations applied. Raises `StoreError` on drift."""
        applied = await self.write(apply_migrations, self.engine)
        await self.write(apply_retention, self.engine, raw_retention_days)
        drift = await self.query(schema_drift, self.engine)
        if drift:
            raise StoreError(
                "the ClickHouse schema differs from the declared one: " + "; ".join(drift)
            )
        rows = await self.rows("SELECT time_zone FROM system.time_zones")
        self.time_zones = frozenset(str(row[0]) for row in rows)
        return applied

    async def query(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run a blocking read on the query threads."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._queries, lambda: fn(*args, **kwargs))

    async def write(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run a blocking write on the write thread (one at a time, in order)."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._writes, lambda: fn(*args, **kwargs))

    async def rows(self, sql: str, params: Params | None = None) -> list[Row]:
        return await self.query(self.engine.rows, sql, params)

    async def stream(self, sql: str, params: Params | None = None) -> AsyncIterator[list[Row]]:
        """Rows in chunks as ClickHouse produces them; each chunk is fetched on a query thread.
        Stopping early (closing the generator) ends the query."""
        loop = asyncio.get_running_loop()
        context = self.engine.stream(sql, params)
        chunks = await loop.run_in_executor(self._queries, context.__enter__)
        try:
            while (
                chunk := await loop.run_in_executor(self._queries, _next_chunk, chunks)
            ) is not None:
                yield chunk
        finally:
            await loop.run_in_executor(self._queries, context.__exit__, None, None, None)

    async def close(self) -> None:
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, self._shutdown)

    def _shutdown(self) -> None:
        self._queries.shutdown(wait=True)
        self._writes.shutdown(wait=True)
        self.engine.close()
