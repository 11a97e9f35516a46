"""The redirect service's PostgreSQL, used by scans of capped codes and by form posts only.

Nothing here runs at start-up: the pool opens connections on first use, so the service starts
and serves every other scan while PostgreSQL is down. Each call has a deadline; a call that
fails (unreachable, timed out, refused) raises `DatabaseUnavailable`, and for `retry_s` after
an outage every call fails at once instead of queueing scans behind a dead server.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import asyncpg

log = logging.getLogger(__name__)

_FAILURES = (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError)
# Failures of the server or the way to it, as opposed to a refused statement: these open the
# pause during which calls fail at once.
_OUTAGES = (
    OSError,
    TimeoutError,
    asyncpg.InterfaceError,
    asyncpg.exceptions.PostgresConnectionError,
    asyncpg.exceptions.OperatorInterventionError,
    asyncpg.exceptions.TooManyConnectionsError,
)


async def _no_session_state(conn: asyncpg.Connection) -> None:
    """Nothing to undo: see `_connected_pool`."""


class DatabaseUnavailable(Exception):
    """The database did not answer in time, or not at all, or refused the statement."""


class RedirectDatabase:
    def __init__(
        self, dsn: str | None, *, pool_size: int, timeout_s: float, retry_s: float
    ) -> None:
        self._dsn = dsn
        self._pool_size = pool_size
        self._timeout_s = timeout_s
        self._retry_s = retry_s
        self._pool: asyncpg.Pool | None = None
        self._down_until = 0.0
        if dsn is None:
            log.warning("no DATABASE_URL: scans of capped codes answer their fallback")

    @property
    def configured(self) -> bool:
        return self._dsn is not None

    async def close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            await pool.close()

    async def _connected_pool(self) -> asyncpg.Pool:
        if self._pool is None:
            # min_size=0: creating the pool connects nothing; the first acquire does.
            # Single statements only, no session state: skip asyncpg's reset round trip on
            # release (an open transaction would still be rolled back).
            self._pool = await asyncpg.create_pool(
                self._dsn,
                min_size=0,
                max_size=self._pool_size,
                max_inactive_connection_lifetime=60,
                reset=_no_session_state,
            )
        return self._pool

    async def fetchval(self, query: str, *args: Any) -> Any:
        """The first column of the first row (None without rows). Raises `DatabaseUnavailable`."""
        if self._dsn is None:
            raise DatabaseUnavailable("no database configured")
        if time.monotonic() < self._down_until:
            raise DatabaseUnavailable("the database failed moments ago")
        try:
            async with asyncio.timeout(self._timeout_s):
                pool = await self._connected_pool()
                async with pool.acquire() as conn:
                    return await conn.fetchval(query, *args)
        except _FAILURES as exc:
            if isinstance(exc, _OUTAGES):
                self._down_until = time.monotonic() + self._retry_s
            log.warning("database call failed", extra={"error": repr(exc)})
            raise DatabaseUnavailable(repr(exc)) from exc
