"""The redirect service's PostgreSQL, used for scan-cap leases and form posts only.

Nothing at start-up waits for PostgreSQL: the service starts and serves every other scan while
it is down. `warm` opens one connection in the background at start, and connections stay open
once opened, so the first scan of a capped code after a start or a quiet spell does not pay for
a connection within its few tens of milliseconds (it used to, and was refused under load).

Each call has a deadline; a call that fails (unreachable, timed out, refused) raises
`DatabaseUnavailable`, and for `retry_s` after an outage every call fails at once instead of
queueing behind a dead server.

A deadline holds whatever state the server is in, frozen included (processes stopped,
connections open): the statement runs in a task of its own that the caller waits for, never
cancels. At the deadline the caller gets `DatabaseUnavailable` and the task's connection is
terminated (a socket close, no round trip), which ends the task. Cancelling a statement instead
waits for asyncpg's cleanup on that connection, which on a frozen server takes as long as
the server stays frozen.
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
        self._working: dict[asyncio.Task[Any], Any] = {}  # pooled connections at work
        self._opening = asyncio.Lock()
        if dsn is None:
            log.warning("no DATABASE_URL: scans of capped codes answer their fallback")

    @property
    def timeout_s(self) -> float:
        return self._timeout_s

    @property
    def configured(self) -> bool:
        return self._dsn is not None

    @property
    def available(self) -> bool:
        """Configured and not in the pause after an outage."""
        return self._dsn is not None and time.monotonic() >= self._down_until

    async def close(self) -> None:
        """Close the pool gracefully, or at once when the server does not answer in time."""
        pool, self._pool = self._pool, None
        if pool is None:
            return
        closing = asyncio.ensure_future(pool.close())
        done, _ = await asyncio.wait({closing}, timeout=self._timeout_s)
        if not done:
            closing.add_done_callback(_quietly)
            pool.terminate()

    async def _connected_pool(self) -> asyncpg.Pool:
        async with self._opening:
            if self._pool is None:
                self._pool = await self._new_pool()
        return self._pool

    async def _new_pool(self) -> asyncpg.Pool:
        # min_size=0: creating the pool connects nothing; the first acquire does.
        # Single statements only, no session state: skip asyncpg's reset round trip on
        # release (an open transaction would still be rolled back).
        return await asyncpg.create_pool(
            self._dsn,
            min_size=0,
            max_size=self._pool_size,
            max_inactive_connection_lifetime=0,  # kept open: see the module docstring
            reset=_no_session_state,
            timeout=self._timeout_s,  # connecting, e.g. to a frozen server
        )

    async def warm(self) -> None:
        """Open a connection now (in the background at start); a failure is only logged, and
        the pause after it applies as after any failed call."""
        if self._dsn is None:
            return
        try:
            await self._call("fetchval", "SELECT 1", (), None)
        except DatabaseUnavailable:
            log.info("PostgreSQL not reachable at start; capped scans will connect when it is")

    async def fetchval(self, query: str, *args: Any, timeout_s: float | None = None) -> Any:
        """The first column of the first row (None without rows). Raises `DatabaseUnavailable`."""
        return await self._call("fetchval", query, args, timeout_s)

    async def fetchrow(
        self, query: str, *args: Any, timeout_s: float | None = None
    ) -> asyncpg.Record | None:
        """The first row (None without rows). Raises `DatabaseUnavailable`."""
        row: asyncpg.Record | None = await self._call("fetchrow", query, args, timeout_s)
        return row

    async def _call(
        self, method: str, query: str, args: tuple[Any, ...], timeout_s: float | None
    ) -> Any:
        if self._dsn is None:
            raise DatabaseUnavailable("no database configured")
        if time.monotonic() < self._down_until:
            raise DatabaseUnavailable("the database failed moments ago")
        deadline = self._timeout_s if timeout_s is None else min(timeout_s, self._timeout_s)
        task = asyncio.ensure_future(self._run(method, query, args))
        done, _ = await asyncio.wait({task}, timeout=deadline)
        if not done:
            task.add_done_callback(_quietly)
            connection = self._working.get(task)
            if connection is not None:
                connection.terminate()
            exc: BaseException = TimeoutError(f"no answer within {deadline * 1000:.0f} ms")
        else:
            failure = task.exception()
            if failure is None:
                return task.result()
            exc = failure
        if not isinstance(exc, _FAILURES):
            raise exc
        if isinstance(exc, _OUTAGES):
            self._down_until = time.monotonic() + self._retry_s
        log.warning("database call failed", extra={"error": repr(exc)})
        raise DatabaseUnavailable(repr(exc)) from exc

    async def _run(self, method: str, query: str, args: tuple[Any, ...]) -> Any:
        pool = await self._connected_pool()
        connection = await pool.acquire(timeout=self._timeout_s)
        task = asyncio.current_task()
        assert task is not None
        self._working[task] = connection
        try:
            return await getattr(connection, method)(query, *args)
        finally:
            del self._working[task]
            await pool.release(connection)


def _quietly(task: asyncio.Future[Any]) -> None:
    """Retrieve an abandoned call's outcome (it was reported as a timeout already)."""
    if not task.cancelled():
        task.exception()
