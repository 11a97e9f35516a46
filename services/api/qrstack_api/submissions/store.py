"""Reading and deleting rows of `form_submissions` (schema: migration 0006; written by the
redirect service, see `qrstack_common.tables.FORM_SUBMISSIONS`).

Retention is enforced twice: every read leaves out answers older than the retention period
(so what the API shows never depends on when the purge last ran), and `purge_expired` deletes
them (run by the API every `PURGE_INTERVAL_S`, see `retention`)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from uuid import UUID

import asyncpg

from qrstack_api.paging import decode_cursor, encode_cursor

_COLUMNS = "id, code_id, created_at, answers"
# $2: the retention in days (0: keep everything).
_KEPT = "($2::int = 0 OR created_at > now() - make_interval(days => $2::int))"
EXPORT_BATCH = 500
PURGE_BATCH = 5000


async def list_submissions(
    pool: asyncpg.Pool, code_id: UUID, retention_days: int, limit: int, cursor: str | None
) -> tuple[list[Any], str | None]:
    """A page of the code's submissions, newest first, and the next page's cursor."""
    args: list[Any] = [code_id, retention_days, limit + 1]
    after = ""
    if cursor:
        created, submission_id = decode_cursor(cursor)
        args += [created, submission_id]
        after = " AND (created_at, id) < ($4, $5)"
    rows = list(
        await pool.fetch(
            f"SELECT {_COLUMNS} FROM form_submissions"  # noqa: S608 (fixed text)
            f" WHERE code_id = $1 AND {_KEPT}{after}"
            " ORDER BY created_at DESC, id DESC LIMIT $3",
            *args,
        )
    )
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    return rows, encode_cursor(rows[-1]["created_at"], rows[-1]["id"])


async def all_submissions(
    pool: asyncpg.Pool, code_id: UUID, retention_days: int
) -> AsyncIterator[list[Any]]:
    """Every kept submission of the code, newest first, in batches of `EXPORT_BATCH` (one short
    query each: no connection is held while a slow client downloads)."""
    cursor = None
    while True:
        rows, cursor = await list_submissions(pool, code_id, retention_days, EXPORT_BATCH, cursor)
        if rows:
            yield rows
        if cursor is None:
            return


async def delete_submission(pool: asyncpg.Pool, code_id: UUID, submission_id: UUID) -> bool:
    """Delete one submission of the code; False when the code has no such submission."""
    deleted = await pool.fetchval(
        "DELETE FROM form_submissions WHERE id = $1 AND code_id = $2 RETURNING id",
        submission_id,
        code_id,
    )
    return deleted is not None


async def purge_expired(pool: asyncpg.Pool, retention_days: int) -> int:
    """Delete every submission older than the retention period (in batches, so no statement
    holds many row locks for long); returns how many. Nothing with a retention of 0."""
    if retention_days == 0:
        return 0
    purged = 0
    while True:
        status = await pool.execute(
            "DELETE FROM form_submissions WHERE id IN (SELECT id FROM form_submissions"
            " WHERE created_at <= now() - make_interval(days => $1::int) LIMIT $2)",
            retention_days,
            PURGE_BATCH,
        )
        count = int(status.rsplit(" ", 1)[-1])
        purged += count
        if count < PURGE_BATCH:
            return purged


async def answered_fields(pool: asyncpg.Pool, code_id: UUID, retention_days: int) -> list[str]:
    """The field ids any kept submission of the code answers (the CSV's columns)."""
    rows = await pool.fetch(
        "SELECT DISTINCT jsonb_object_keys(answers) AS field_id FROM form_submissions"  # noqa: S608
        f" WHERE code_id = $1 AND {_KEPT}",
        code_id,
        retention_days,
    )
    return [row["field_id"] for row in rows]
