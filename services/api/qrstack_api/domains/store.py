"""Reading and writing custom short domains. Every write queues the domain's snapshot
(`publish_domain`) in its own transaction, so the redirect service learns of the change
exactly when it is committed. A deleted domain stays as a row with status `deleted` (its
snapshot says so) and its host is free to be added again.
"""

from __future__ import annotations

import uuid
from typing import Any
from uuid import UUID

import asyncpg

from qrstack_api.db.pool import Connection
from qrstack_api.domains.model import DomainCreate, DomainUpdate
from qrstack_api.domains.snapshot import publish_domain
from qrstack_api.domains.verification import Check
from qrstack_common.errors import ApiError, Issue, validation_failed

DOMAIN_NOT_FOUND = "Domain not found."


async def create_domain(pool: asyncpg.Pool, workspace_id: UUID, body: DomainCreate) -> Any:
    """Add the domain; 409 `conflict` if an active domain (of any workspace) has the host."""
    try:
        async with pool.acquire() as conn, conn.transaction():
            row = await conn.fetchrow(
                "INSERT INTO domains (id, workspace_id, host, base_url, not_found_url)"
                " VALUES ($1, $2, $3, $4, $5) RETURNING *",
                uuid.uuid4(),
                workspace_id,
                body.host,
                body.base_url,
                body.not_found_url,
            )
            assert row is not None
            await publish_domain(conn, row["id"])
            return row
    except asyncpg.UniqueViolationError:
        raise ApiError(
            "conflict", f"The domain {body.host} is already in use; each host belongs to one "
            "workspace.",
        ) from None  # fmt: skip


async def list_domains(pool: asyncpg.Pool, workspace_id: UUID) -> list[Any]:
    return list(
        await pool.fetch(
            "SELECT * FROM domains WHERE workspace_id = $1 AND status = 'active' ORDER BY host",
            workspace_id,
        )
    )


async def get_domain(pool: asyncpg.Pool, workspace_id: UUID, domain_id: UUID) -> Any:
    row = await pool.fetchrow(
        "SELECT * FROM domains WHERE id = $1 AND workspace_id = $2 AND status = 'active'",
        domain_id,
        workspace_id,
    )
    if row is None:
        raise ApiError("not_found", DOMAIN_NOT_FOUND)
    return row


async def update_domain(
    pool: asyncpg.Pool, workspace_id: UUID, domain_id: UUID, body: DomainUpdate
) -> Any:
    sent = body.model_fields_set
    async with pool.acquire() as conn, conn.transaction():
        current = await conn.fetchrow(
            "SELECT base_url, not_found_url FROM domains"
            " WHERE id = $1 AND workspace_id = $2 AND status = 'active' FOR UPDATE",
            domain_id,
            workspace_id,
        )
        if current is None:
            raise ApiError("not_found", DOMAIN_NOT_FOUND)
        row = await conn.fetchrow(
            "UPDATE domains SET base_url = $2, not_found_url = $3, updated_at = now()"
            " WHERE id = $1 RETURNING *",
            domain_id,
            body.base_url if "base_url" in sent else current["base_url"],
            body.not_found_url if "not_found_url" in sent else current["not_found_url"],
        )
        await publish_domain(conn, domain_id)
        return row


async def delete_domain(pool: asyncpg.Pool, workspace_id: UUID, domain_id: UUID) -> None:
    """Mark the domain deleted and publish that; 409 while codes that are not deleted use it
    (their printed short URLs would stop resolving)."""
    async with pool.acquire() as conn, conn.transaction():
        host = await conn.fetchval(
            "SELECT host FROM domains"
            " WHERE id = $1 AND workspace_id = $2 AND status = 'active' FOR UPDATE",
            domain_id,
            workspace_id,
        )
        if host is None:
            raise ApiError("not_found", DOMAIN_NOT_FOUND)
        in_use = await conn.fetchval(
            "SELECT count(*) FROM codes"
            " WHERE workspace_id = $1 AND domain = $2 AND status <> 'deleted'",
            workspace_id,
            host,
        )
        if in_use:
            raise ApiError(
                "conflict",
                f"{in_use} code(s) still use {host}; delete them or move them to another "
                "domain first (their printed short URLs would stop resolving).",
            )
        await conn.execute(
            "UPDATE domains SET status = 'deleted', updated_at = now() WHERE id = $1", domain_id
        )
        await publish_domain(conn, domain_id)


async def record_check(
    pool: asyncpg.Pool, workspace_id: UUID, domain_id: UUID, check: Check
) -> Any:
    """Store a verification check's outcome (the domain's snapshot is unchanged: serving does
    not depend on it); 404 if the domain was deleted meanwhile."""
    row = await pool.fetchrow(
        "UPDATE domains SET verification_status = $3, verification_checked_at = now(),"
        " verified_at = CASE WHEN $4 THEN now() ELSE verified_at END,"
        " verification_failure = $5"
        " WHERE id = $1 AND workspace_id = $2 AND status = 'active' RETURNING *",
        domain_id,
        workspace_id,
        "verified" if check.verified else "failed",
        check.verified,
        check.failure,
    )
    if row is None:
        raise ApiError("not_found", DOMAIN_NOT_FOUND)
    return row


async def require_domain(conn: Connection, workspace_id: UUID, host: str) -> None:
    """For code writes: 400 on `domain` unless `host` is an active custom domain of the
    workspace. Holds a share lock on the domain row until the caller's transaction ends, so
    the domain cannot be deleted while a code is being put on it."""
    found = await conn.fetchval(
        "SELECT true FROM domains WHERE host = $1 AND workspace_id = $2 AND status = 'active'"
        " FOR SHARE",
        host,
        workspace_id,
    )
    if not found:
        raise validation_failed(
            [
                Issue(
                    ("domain",),
                    f"{host} is not a custom domain of this workspace; add it with "
                    "POST /v1/domains first",
                )
            ]
        )
