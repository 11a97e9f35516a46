"""Cursors of the newest-first lists (codes, form submissions): an opaque token naming the
last row of a page by its creation time and id, so the next page starts after it even when
rows are added meanwhile."""

from __future__ import annotations

import base64
from datetime import datetime
from uuid import UUID

from pydantic import Field

from qrstack_common.errors import Issue, validation_failed

LIST_END = Field(
    None,
    alias="nextCursor",
    description="Always null: this list is complete in one answer (it is bounded); the "
    "field keeps one list shape across /v1 (data + nextCursor).",
)
"""`next_cursor: str | None = LIST_END`: the cursor field of a list that is never paged."""


def encode_cursor(created: datetime, row_id: UUID) -> str:
    raw = f"{created.isoformat()}|{row_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, UUID]:
    """(creation time, id) of the row a cursor names; 400 on `cursor` for anything else."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        created, row_id = raw.split("|")
        return datetime.fromisoformat(created), UUID(row_id)
    except ValueError:
        raise validation_failed([Issue(("cursor",), "is not a cursor this API issued")]) from None
