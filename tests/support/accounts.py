"""Workspaces and API keys made directly in the database, as the bootstrap CLI does."""

from __future__ import annotations

import secrets

import asyncpg

from qrstack_api.accounts.bootstrap import Bootstrapped, bootstrap_workspace


async def new_workspace(dsn: str, *, plan: str = "business", test: bool = True) -> Bootstrapped:
    conn = await asyncpg.connect(dsn)
    try:
        return await bootstrap_workspace(
            conn,
            email=f"user-{secrets.token_hex(4)}@example.com",
            password=secrets.token_urlsafe(12),
            workspace_name="Test workspace",
            plan=plan,
            test=test,
            key_name="test key",
        )
    finally:
        await conn.close()
