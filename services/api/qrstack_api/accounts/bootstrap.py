"""Creating a workspace with its owner and an API key: the first-run path (CLI, `make run`)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from uuid import UUID

import asyncpg

from qrstack_api.accounts.principal import ALL_SCOPES
from qrstack_api.accounts.secrets import api_key_hash, hash_password, new_api_key, password_hasher


@dataclass(frozen=True)
class Bootstrapped:
    workspace_id: UUID
    user_id: UUID
    email: str
    api_key: str  # shown once; only its hash is stored


async def bootstrap_workspace(
    conn: asyncpg.Connection,
    *,
    email: str,
    password: str,
    workspace_name: str,
    plan: str,
    test: bool,
    key_name: str,
) -> Bootstrapped:
    """Ensure the user (password reset to `password`), their workspace named `workspace_name`,
    and issue a new API key with every scope. Idempotent for user and workspace."""
    hashed = hash_password(password_hasher(), password)
    async with conn.transaction():
        user_id = await conn.fetchval(
            """
            INSERT INTO users (id, email, password_hash) VALUES ($1, $2, $3)
            ON CONFLICT (lower(email)) DO UPDATE SET password_hash = EXCLUDED.password_hash
            RETURNING id
            """,
            uuid.uuid4(),
            email,
            hashed,
        )
        workspace_id = await conn.fetchval(
            """
            SELECT w.id FROM workspaces w JOIN memberships m ON m.workspace_id = w.id
            WHERE m.user_id = $1 AND w.name = $2 AND w.is_test = $3
            ORDER BY w.created_at LIMIT 1
            """,
            user_id,
            workspace_name,
            test,
        )
        if workspace_id is None:
            workspace_id = uuid.uuid4()
            await conn.execute(
                "INSERT INTO workspaces (id, name, plan, is_test) VALUES ($1, $2, $3, $4)",
                workspace_id,
                workspace_name,
                plan,
                test,
            )
            await conn.execute(
                "INSERT INTO memberships (user_id, workspace_id, role) VALUES ($1, $2, 'owner')",
                user_id,
                workspace_id,
            )
        else:
            await conn.execute("UPDATE workspaces SET plan = $2 WHERE id = $1", workspace_id, plan)
        secret = new_api_key(test=test)
        await conn.execute(
            """
            INSERT INTO api_keys (id, workspace_id, name, prefix, key_hash, scopes)
            VALUES ($1, $2, $3, $4, $5, $6)
            """,
            uuid.uuid4(),
            workspace_id,
            key_name,
            secret[:12],
            api_key_hash(secret),
            ["*", *ALL_SCOPES],
        )
    return Bootstrapped(workspace_id, user_id, email, secret)
