"""The asyncpg pool, with JSON columns decoded by the project codec."""

from __future__ import annotations

import asyncpg
from asyncpg.pool import PoolConnectionProxy

from qrstack_common import codec

Connection = asyncpg.Connection | PoolConnectionProxy
"""A connection, whether taken from the pool or opened directly."""


async def _init_connection(conn: asyncpg.Connection) -> None:
    for kind in ("json", "jsonb"):
        await conn.set_type_codec(
            kind,
            encoder=lambda v: codec.dumps(v).decode(),
            decoder=codec.loads,
            schema="pg_catalog",
        )


async def _keep_session(conn: asyncpg.Connection) -> None:
    """Pooled connections carry no session state (no SET, LISTEN, session advisory locks or
    cursors outside a transaction: the relay and the migrations use connections of their own),
    so the release skips asyncpg's default reset query, one round trip per checkout. asyncpg
    still rolls back a transaction left open before this runs."""


async def create_pool(dsn: str, size: int) -> asyncpg.Pool:
    pool = await asyncpg.create_pool(
        dsn,
        min_size=1,
        max_size=size,
        init=_init_connection,
        reset=_keep_session,
        command_timeout=30,
    )
    assert pool is not None
    return pool
