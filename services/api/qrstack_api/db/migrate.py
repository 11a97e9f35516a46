"""Schema migrations: numbered SQL files in `migrations/`, applied once each, in order.

`apply_migrations` takes an advisory lock so that several API replicas starting together apply
each file exactly once; every file runs in its own transaction with its bookkeeping row. A file
that was applied and later edited is refused (checksum mismatch): schema changes are new files.
"""

from __future__ import annotations

import hashlib
import logging
from importlib import resources

import asyncpg

log = logging.getLogger(__name__)

_LOCK_ID = 0x71_72_73_74  # "qrst"


def migration_files() -> list[tuple[str, str]]:
    """(name, sql) of every migration, in order."""
    folder = resources.files("qrstack_api.db") / "migrations"
    files = sorted(
        (entry.name, entry.read_text()) for entry in folder.iterdir() if entry.name.endswith(".sql")
    )
    return files


async def apply_migrations(dsn: str) -> list[str]:
    """Apply pending migrations; return the names applied now."""
    conn = await asyncpg.connect(dsn)
    applied_now: list[str] = []
    try:
        await conn.execute("SELECT pg_advisory_lock($1)", _LOCK_ID)
        await conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " name text PRIMARY KEY, checksum text NOT NULL,"
            " applied_at timestamptz NOT NULL DEFAULT now())"
        )
        done = {
            r["name"]: r["checksum"]
            for r in await conn.fetch("SELECT name, checksum FROM schema_migrations")
        }
        for name, sql in migration_files():
            checksum = hashlib.sha256(sql.encode()).hexdigest()
            if name in done:
                if done[name] != checksum:
                    raise RuntimeError(
                        f"migration {name} changed after it was applied; add a new file instead"
                    )
                continue
            async with conn.transaction():
                await conn.execute(sql)
                await conn.execute(
                    "INSERT INTO schema_migrations (name, checksum) VALUES ($1, $2)",
                    name,
                    checksum,
                )
            log.info("applied migration %s", name)
            applied_now.append(name)
    finally:
        await conn.execute("SELECT pg_advisory_unlock($1)", _LOCK_ID)
        await conn.close()
    return applied_now
