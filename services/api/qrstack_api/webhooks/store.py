"""Reading and writing webhook endpoints and their secrets. Every query is scoped to one
workspace: another workspace's endpoint is a 404, exactly like one that does not exist."""

from __future__ import annotations

import base64
import os
import uuid
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from qrstack_api.db.pool import Connection
from qrstack_api.webhooks.model import WebhookCreate, WebhookUpdate
from qrstack_common.errors import ApiError, Issue, validation_failed

NOT_FOUND = "Webhook not found."
ROTATION_OVERLAP = "24 hours"
_COLUMNS = (
    "id, url, description, events, code_ids, folder_ids, include_bots, batch_size, enabled,"
    " disabled_reason, disabled_at, failing_since, created_at, updated_at"
)


def new_secret() -> str:
    """A Standard Webhooks secret: `whsec_` and 24 random bytes in base64."""
    return "whsec_" + base64.b64encode(os.urandom(24)).decode()


async def _check_filters(
    conn: Connection, workspace_id: UUID, code_ids: list[UUID] | None, folder_ids: list[UUID] | None
) -> None:
    issues: list[Issue] = []
    for field, table, ids in (("codeIds", "codes", code_ids), ("folderIds", "folders", folder_ids)):
        if not ids:
            continue
        found = await conn.fetch(
            f"SELECT id FROM {table} WHERE workspace_id = $1 AND id = ANY ($2::uuid[])",  # noqa: S608
            workspace_id,
            ids,
        )
        known = {row["id"] for row in found}
        for index, item in enumerate(ids):
            if item not in known:
                issues.append(Issue((field, index), f"no such {table[:-1]} in this workspace"))
    if issues:
        raise validation_failed(issues)


async def get_webhook(db: asyncpg.Pool | Connection, workspace_id: UUID, webhook_id: UUID) -> Any:
    row = await db.fetchrow(
        f"SELECT {_COLUMNS} FROM webhook_endpoints WHERE id = $1 AND workspace_id = $2",  # noqa: S608
        webhook_id,
        workspace_id,
    )
    if row is None:
        raise ApiError("not_found", NOT_FOUND)
    return row


async def list_webhooks(pool: asyncpg.Pool, workspace_id: UUID) -> list[Any]:
    return list(
        await pool.fetch(
            f"SELECT {_COLUMNS} FROM webhook_endpoints WHERE workspace_id = $1"  # noqa: S608
            " ORDER BY created_at, id",
            workspace_id,
        )
    )


async def create_webhook(
    pool: asyncpg.Pool, workspace_id: UUID, body: WebhookCreate, url: str
) -> tuple[Any, str]:
    """Insert the endpoint and its first secret; returns (row, secret)."""
    webhook_id, secret = uuid.uuid4(), new_secret()
    async with pool.acquire() as conn, conn.transaction():
        await _check_filters(conn, workspace_id, body.code_ids, body.folder_ids)
        await conn.execute(
            "INSERT INTO webhook_endpoints (id, workspace_id, url, description, events, code_ids,"
            " folder_ids, include_bots, batch_size) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            webhook_id,
            workspace_id,
            url,
            body.description,
            body.events,
            body.code_ids,
            body.folder_ids,
            body.include_bots,
            body.batch_size,
        )
        await conn.execute(
            "INSERT INTO webhook_secrets (endpoint_id, secret) VALUES ($1, $2)", webhook_id, secret
        )
        return await get_webhook(conn, workspace_id, webhook_id), secret


async def update_webhook(
    pool: asyncpg.Pool, workspace_id: UUID, webhook_id: UUID, body: WebhookUpdate, url: str | None
) -> Any:
    sent = body.model_fields_set
    async with pool.acquire() as conn, conn.transaction():
        current = await get_webhook(conn, workspace_id, webhook_id)
        await _check_filters(
            conn,
            workspace_id,
            body.code_ids if "code_ids" in sent else None,
            body.folder_ids if "folder_ids" in sent else None,
        )

        def pick(name: str) -> Any:
            return getattr(body, name) if name in sent else current[name]

        if url is not None:
            sent = sent | {"url"}
        enabled = pick("enabled")
        switched = "enabled" in sent and enabled != current["enabled"]
        await conn.execute(
            "UPDATE webhook_endpoints SET url = $2, description = $3, events = $4, code_ids = $5,"
            " folder_ids = $6, include_bots = $7, batch_size = $8, enabled = $9,"
            " disabled_reason = CASE WHEN $9 THEN NULL WHEN $10 THEN 'manual'"
            "  ELSE disabled_reason END,"
            " disabled_at = CASE WHEN $9 THEN NULL WHEN $10 THEN now() ELSE disabled_at END,"
            " failing_since = CASE WHEN $9 AND $10 THEN NULL ELSE failing_since END,"
            " updated_at = now() WHERE id = $1",
            webhook_id,
            url if url is not None else current["url"],
            pick("description"),
            pick("events"),
            pick("code_ids"),
            pick("folder_ids"),
            pick("include_bots"),
            pick("batch_size"),
            enabled,
            switched,
        )
        return await get_webhook(conn, workspace_id, webhook_id)


async def delete_webhook(pool: asyncpg.Pool, workspace_id: UUID, webhook_id: UUID) -> None:
    status = await pool.execute(
        "DELETE FROM webhook_endpoints WHERE id = $1 AND workspace_id = $2",
        webhook_id,
        workspace_id,
    )
    if status == "DELETE 0":
        raise ApiError("not_found", NOT_FOUND)


async def rotate_secret(
    pool: asyncpg.Pool, workspace_id: UUID, webhook_id: UUID
) -> tuple[str, datetime]:
    """A new secret; the live ones stay valid for 24 h (both signatures are sent meanwhile).
    Returns (new secret, when the previous ones expire)."""
    secret = new_secret()
    async with pool.acquire() as conn, conn.transaction():
        await get_webhook(conn, workspace_id, webhook_id)
        expires = await conn.fetchval(f"SELECT now() + interval '{ROTATION_OVERLAP}'")
        await conn.execute(
            "UPDATE webhook_secrets SET expires_at = least(coalesce(expires_at, $2), $2)"
            " WHERE endpoint_id = $1 AND (expires_at IS NULL OR expires_at > now())",
            webhook_id,
            expires,
        )
        await conn.execute(
            "INSERT INTO webhook_secrets (endpoint_id, secret, created_at)"
            " VALUES ($1, $2, clock_timestamp())",
            webhook_id,
            secret,
        )
    return secret, expires
