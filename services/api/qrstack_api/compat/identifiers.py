"""How the compatibility surfaces name a code, and how a name leads back to it.

- /v1 `id`: `code_` + the code's UUID's 32 hex digits (`code_7c9e6679742540de944be07fc1f90ae7`);
  the bare UUID `7c9e6679-7425-40de-944b-e07fc1f90ae7` is also read.
- RecodeQR `code_id`: `qr_` + the same UUID's 32 hex digits,
  `qr_7c9e6679742540de944be07fc1f90ae7`. Reversible without a lookup.
- U2QR `id`: the /v1 id. U2QR `shortCode`: the slug of a dynamic code (the path of its short
  URL); a static code has no short URL, so its `shortCode` is its RecodeQR `code_id`.

`{shortCode}` and `<code_id>` paths accept any of these names (`find_code_by_name`).
"""

from __future__ import annotations

import re
from typing import Any
from uuid import UUID

import asyncpg

from qrstack_common.errors import ApiError
from qrstack_common.ids import parse_id

CODE_ID_PREFIX = "qr_"
_CODE_ID = re.compile(r"qr_([0-9a-f]{32})")


def code_id_of(code_uuid: UUID) -> str:
    """The RecodeQR `code_id` of a code."""
    return CODE_ID_PREFIX + code_uuid.hex


def uuid_of(name: str) -> UUID | None:
    """The UUID a RecodeQR `code_id` or a /v1 id names; None when `name` is neither."""
    match = _CODE_ID.fullmatch(name.lower())
    if match is not None:
        return UUID(hex=match.group(1))
    if name.startswith("code_"):
        return parse_id("code", name)
    try:
        return UUID(name) if len(name) == 36 else None
    except ValueError:
        return None


def short_code_of(row: Any) -> str:
    """The U2QR `shortCode`: the slug of a dynamic code, the `code_id` of a static one."""
    slug: str | None = row["slug"]
    return slug if row["dynamic"] and slug is not None else code_id_of(row["id"])


def code_not_found() -> ApiError:
    return ApiError("not_found", "QR code not found.")


async def find_code_by_name(pool: asyncpg.Pool, workspace_id: UUID, name: str) -> Any:
    """The workspace's code that `name` (a `code_id`, a /v1 id or a slug) denotes.

    A name shaped like an id is looked up as one first; otherwise (or when no code has that
    id) it is a slug, on the platform domain first, then the newest code on a custom domain.
    Deleted codes are not found: these surfaces have no recycle bin. Raises 404 `not_found`.
    """
    code_uuid = uuid_of(name)
    row: Any = None
    if code_uuid is not None:
        row = await pool.fetchrow(
            "SELECT * FROM codes WHERE id = $1 AND workspace_id = $2 AND status <> 'deleted'",
            code_uuid,
            workspace_id,
        )
    if row is None:
        # The platform domain first: (coalesce(domain, ''), slug) is the unique index.
        row = await pool.fetchrow(
            "SELECT * FROM codes WHERE coalesce(domain, '') = '' AND slug = $2 "
            "AND workspace_id = $1 AND status <> 'deleted'",
            workspace_id,
            name,
        )
    if row is None:
        row = await pool.fetchrow(
            "SELECT * FROM codes WHERE workspace_id = $1 AND slug = $2 AND domain IS NOT NULL "
            "AND status <> 'deleted' ORDER BY created_at DESC LIMIT 1",
            workspace_id,
            name,
        )
    if row is None:
        raise code_not_found()
    return row
