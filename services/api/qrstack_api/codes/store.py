"""Reading and writing codes. Every write that changes what a scan does queues the code's new
snapshot in the outbox within the same transaction."""

from __future__ import annotations

import uuid
from typing import Any
from uuid import UUID

import asyncpg

from qrstack_api.codes.model import CodeCreate
from qrstack_api.codes.slugs import generate_slug
from qrstack_api.codes.snapshot import publish_code
from qrstack_common.errors import ApiError

_GENERATED_SLUG_ATTEMPTS = 8


async def create_code(pool: asyncpg.Pool, workspace_id: UUID, body: CodeCreate) -> Any:
    """Insert the code and its outbox row; 409 `slug_taken` for a custom slug in use."""
    for _ in range(_GENERATED_SLUG_ATTEMPTS):
        slug = body.slug or generate_slug()
        try:
            async with pool.acquire() as conn, conn.transaction():
                row = await conn.fetchrow(
                    """
                    INSERT INTO codes (id, workspace_id, slug, type, dynamic, name, target_url,
                                       fallback_url, redirect_status, forward_query,
                                       scan_tracking, tags, payload, version)
                    VALUES ($1, $2, $3, $4, true, $5, $6, $7, $8, $9, $10, $11, $12, 0)
                    RETURNING id
                    """,
                    uuid.uuid4(),
                    workspace_id,
                    slug,
                    body.type,
                    body.name,
                    body.target_url,
                    body.fallback_url,
                    body.redirect_status,
                    body.forward_query,
                    body.scan_tracking_enabled,
                    body.tags,
                    {"url": body.target_url},
                )
                assert row is not None
                return await publish_code(conn, row["id"])
        except asyncpg.UniqueViolationError:
            if body.slug is not None:
                raise ApiError(
                    "slug_taken", f"The slug {body.slug!r} is already in use on this domain."
                ) from None
    raise ApiError("conflict", "Could not find a free slug; try again.")


async def get_code(pool: asyncpg.Pool, workspace_id: UUID, code_id: UUID) -> Any:
    """The code, or 404 when it does not exist in this workspace."""
    row = await pool.fetchrow(
        "SELECT * FROM codes WHERE id = $1 AND workspace_id = $2", code_id, workspace_id
    )
    if row is None:
        raise ApiError("not_found", "Code not found.")
    return row
