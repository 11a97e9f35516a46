"""RecodeQR's numbered pages of codes (`page`, `page_size`), newest first.

The /v1 listing pages by cursor; RecodeQR clients ask for page N directly and expect the
total, so this is an offset page and a count, read in one snapshot so they agree.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import asyncpg
from pydantic import BaseModel, ConfigDict, Field

DEFAULT_PAGE_SIZE = 10
MAX_PAGE_SIZE = 100


class PageQuery(BaseModel):
    """`page` (from 1) and `page_size` (default 10; larger than 100 is served as 100)."""

    model_config = ConfigDict(extra="ignore")

    page: int = Field(1, ge=1, le=1_000_000)
    page_size: int = Field(DEFAULT_PAGE_SIZE, ge=1)

    @property
    def size(self) -> int:
        return min(self.page_size, MAX_PAGE_SIZE)


async def page_of_codes(
    pool: asyncpg.Pool, workspace_id: UUID, page: int, size: int
) -> tuple[list[Any], int]:
    """The codes on page `page` (empty past the end) and how many codes there are in all
    (deleted ones are not listed)."""
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
        total: int = await conn.fetchval(
            "SELECT count(*) FROM codes WHERE workspace_id = $1 AND status <> 'deleted'",
            workspace_id,
        )
        rows = await conn.fetch(
            "SELECT * FROM codes WHERE workspace_id = $1 AND status <> 'deleted' "
            "ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3",
            workspace_id,
            size,
            (page - 1) * size,
        )
    return list(rows), total
