"""Reading and writing folders, and assigning codes to them. Every query is scoped to one
workspace: another workspace's folder or code is 404, exactly like one that does not exist.

Folder assignment does not change what a scan does, so nothing is published to the redirect
service here.
"""

from __future__ import annotations

import uuid
from typing import Any
from uuid import UUID

import asyncpg

from qrstack_api.codes.paths import CODE_NOT_FOUND
from qrstack_api.db.pool import Connection
from qrstack_api.folders.model import FolderCreate, FolderUpdate
from qrstack_api.plans import require_room
from qrstack_common.errors import ApiError

FOLDER_NOT_FOUND = "Folder not found."

# One query for any number of folders: the code counts come from a grouped join, not one
# count per folder.
_FOLDERS_WITH_COUNTS = """
    SELECT f.id, f.workspace_id, f.name, f.color, f.position, f.created_at, f.updated_at,
           count(c.id) AS code_count
    FROM folders f
    LEFT JOIN codes c ON c.folder_id = f.id AND c.status <> 'deleted'
    WHERE f.workspace_id = $1 {only_one}
    GROUP BY f.id
    ORDER BY f.position, f.created_at, f.id
"""


async def list_folders(pool: asyncpg.Pool, workspace_id: UUID) -> list[Any]:
    return list(await pool.fetch(_FOLDERS_WITH_COUNTS.format(only_one=""), workspace_id))


async def _folder(conn: Connection | asyncpg.Pool, workspace_id: UUID, folder_id: UUID) -> Any:
    row = await conn.fetchrow(
        _FOLDERS_WITH_COUNTS.format(only_one="AND f.id = $2"), workspace_id, folder_id
    )
    if row is None:
        raise ApiError("not_found", FOLDER_NOT_FOUND)
    return row


async def get_folder(pool: asyncpg.Pool, workspace_id: UUID, folder_id: UUID) -> Any:
    """The folder with its code count; 404 if it is not this workspace's."""
    return await _folder(pool, workspace_id, folder_id)


async def create_folder(pool: asyncpg.Pool, workspace_id: UUID, body: FolderCreate) -> Any:
    """Insert a folder; 402 when the plan's folder limit is reached."""
    async with pool.acquire() as conn, conn.transaction():
        # Locking the workspace row serialises folder creation per workspace, so two
        # concurrent requests cannot both take the last free slot of the plan.
        plan = await conn.fetchval(
            "SELECT plan FROM workspaces WHERE id = $1 FOR NO KEY UPDATE", workspace_id
        )
        held = await conn.fetchval(
            "SELECT count(*) FROM folders WHERE workspace_id = $1", workspace_id
        )
        require_room(plan, "folders", held)
        position = body.position
        if position is None:
            position = await conn.fetchval(
                "SELECT coalesce(max(position) + 1, 0) FROM folders WHERE workspace_id = $1",
                workspace_id,
            )
        folder_id = uuid.uuid4()
        await conn.execute(
            "INSERT INTO folders (id, workspace_id, name, color, position)"
            " VALUES ($1, $2, $3, $4, $5)",
            folder_id,
            workspace_id,
            body.name,
            body.color,
            position,
        )
        return await _folder(conn, workspace_id, folder_id)


async def update_folder(
    pool: asyncpg.Pool, workspace_id: UUID, folder_id: UUID, body: FolderUpdate
) -> Any:
    """Change what the body sent; 404 if the folder is not this workspace's."""
    sent = body.model_fields_set
    async with pool.acquire() as conn, conn.transaction():
        current = await conn.fetchrow(
            "SELECT name, color, position FROM folders"
            " WHERE id = $1 AND workspace_id = $2 FOR UPDATE",
            folder_id,
            workspace_id,
        )
        if current is None:
            raise ApiError("not_found", FOLDER_NOT_FOUND)
        await conn.execute(
            "UPDATE folders SET name = $2, color = $3, position = $4, updated_at = now()"
            " WHERE id = $1",
            folder_id,
            body.name if "name" in sent else current["name"],
            body.color if "color" in sent else current["color"],
            body.position if "position" in sent else current["position"],
        )
        return await _folder(conn, workspace_id, folder_id)


async def delete_folder(pool: asyncpg.Pool, workspace_id: UUID, folder_id: UUID) -> None:
    """Delete the folder; its codes stay, unassigned (the foreign key sets their folder to
    NULL). 404 if it is not this workspace's."""
    status = await pool.execute(
        "DELETE FROM folders WHERE id = $1 AND workspace_id = $2", folder_id, workspace_id
    )
    if status == "DELETE 0":
        raise ApiError("not_found", FOLDER_NOT_FOUND)


async def assign_folder(
    pool: asyncpg.Pool, workspace_id: UUID, code_id: UUID, folder_id: UUID | None
) -> Any:
    """Put the code in the folder (or in none); returns (id, folder_id, updated_at).
    404 when the code or the folder is not this workspace's, 409 for a deleted code."""
    async with pool.acquire() as conn, conn.transaction():
        if folder_id is not None:
            # KEY SHARE: the folder cannot be deleted before this transaction commits.
            found = await conn.fetchval(
                "SELECT true FROM folders WHERE id = $1 AND workspace_id = $2 FOR KEY SHARE",
                folder_id,
                workspace_id,
            )
            if not found:
                raise ApiError("not_found", FOLDER_NOT_FOUND)
        status = await conn.fetchval(
            "SELECT status FROM codes WHERE id = $1 AND workspace_id = $2 FOR NO KEY UPDATE",
            code_id,
            workspace_id,
        )
        if status is None:
            raise ApiError("not_found", CODE_NOT_FOUND)
        if status == "deleted":
            raise ApiError("conflict", "This code is deleted; restore it before changing it.")
        return await conn.fetchrow(
            "UPDATE codes SET folder_id = $2, updated_at = now() WHERE id = $1"
            " RETURNING id, folder_id, updated_at",
            code_id,
            folder_id,
        )
