"""Workspaces, their members and invites in the database (SQL only; the rules are the routes').

An invite's token is random (32 bytes); the table keeps its SHA-256. Accepting takes the row
`FOR UPDATE`, so of two people racing with one link exactly one joins.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from qrstack_api.accounts.principal import role_name
from qrstack_api.accounts.team_model import InviteStatus
from qrstack_api.accounts.users import Executor
from qrstack_api.db.pool import Connection

INVITE_TOKEN_PREFIX = "qri_"  # noqa: S105  # the prefix of every invite token, not a secret
MAX_PENDING_INVITES = 100
# An invite that can still be accepted (SQL over `invites`; invite_status's "pending").
PENDING_INVITE = "accepted_at IS NULL AND revoked_at IS NULL AND expires_at > now()"
MAX_WORKSPACES_PER_USER = 50

_MEMBER = """
    SELECT m.user_id, u.email, m.role, m.created_at AS joined_at
    FROM memberships m JOIN users u ON u.id = m.user_id
"""
_INVITE = """
    SELECT id, email, role, expires_at, created_at, created_by, accepted_at, accepted_by,
           revoked_at, workspace_id
    FROM invites
"""


_CREATE_INVITE = f"""
INSERT INTO invites (id, workspace_id, token_hash, email, role, created_by, expires_at)
SELECT $1, $2, $3, $4, $5, $6, now() + make_interval(hours => $7)
WHERE (SELECT count(*) FROM invites WHERE workspace_id = $2 AND {PENDING_INVITE}) < $8
RETURNING id, email, role, expires_at, created_at, created_by, accepted_at,
          accepted_by, revoked_at, workspace_id
"""  # noqa: S608  # a constant predicate; the values are parameters


def invite_token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def new_invite_token() -> str:
    return INVITE_TOKEN_PREFIX + secrets.token_urlsafe(32)


def invite_status(row: Any, now: datetime | None = None) -> InviteStatus:
    if row["accepted_at"] is not None:
        return "accepted"
    if row["revoked_at"] is not None:
        return "revoked"
    if row["expires_at"] <= (now or datetime.now(UTC)):
        return "expired"
    return "pending"


def member_view(row: Any) -> dict[str, Any]:
    return {**dict(row), "role": role_name(row["role"])}


async def create_workspace(conn: Connection, user_id: UUID, name: str, *, test: bool) -> UUID:
    """A new workspace on the free plan, of the creator's mode, with its creator as owner."""
    workspace_id = uuid.uuid4()
    await conn.execute(
        "INSERT INTO workspaces (id, name, is_test) VALUES ($1, $2, $3)", workspace_id, name, test
    )
    await conn.execute(
        "INSERT INTO memberships (user_id, workspace_id, role) VALUES ($1, $2, 'owner')",
        user_id,
        workspace_id,
    )
    return workspace_id


async def owned_count(db: Executor, user_id: UUID) -> int:
    count = await db.fetchval(
        "SELECT count(*) FROM memberships WHERE user_id = $1 AND role = 'owner'", user_id
    )
    return int(count or 0)


async def list_members(db: Executor, workspace_id: UUID) -> list[Any]:
    rows = await db.fetch(
        _MEMBER + " WHERE m.workspace_id = $1 ORDER BY m.created_at, m.user_id", workspace_id
    )
    return [member_view(row) for row in rows]


async def get_member(db: Executor, workspace_id: UUID, user_id: UUID) -> Any:
    row = await db.fetchrow(
        _MEMBER + " WHERE m.workspace_id = $1 AND m.user_id = $2", workspace_id, user_id
    )
    return None if row is None else member_view(row)


async def lock_owners(conn: Connection, workspace_id: UUID) -> int:
    """The number of owners, with their rows locked (so that two admins cannot each remove
    one of the last two owners)."""
    rows = await conn.fetch(
        "SELECT user_id FROM memberships WHERE workspace_id = $1 AND role = 'owner' FOR UPDATE",
        workspace_id,
    )
    return len(rows)


async def set_role(conn: Connection, workspace_id: UUID, user_id: UUID, role: str) -> None:
    await conn.execute(
        "UPDATE memberships SET role = $3 WHERE workspace_id = $1 AND user_id = $2",
        workspace_id,
        user_id,
        role,
    )


async def remove_member(conn: Connection, workspace_id: UUID, user_id: UUID) -> None:
    await conn.execute(
        "DELETE FROM memberships WHERE workspace_id = $1 AND user_id = $2", workspace_id, user_id
    )


async def create_invite(
    db: Executor,
    *,
    workspace_id: UUID,
    email: str | None,
    role: str,
    hours: int,
    created_by: UUID | None,
) -> tuple[Any, str] | None:
    """The new invite row and its token; None when the workspace has too many pending."""
    token = new_invite_token()
    row = await db.fetchrow(
        _CREATE_INVITE,
        uuid.uuid4(),
        workspace_id,
        invite_token_hash(token),
        email,
        role,
        created_by,
        hours,
        MAX_PENDING_INVITES,
    )
    return None if row is None else (row, token)


async def list_invites(db: Executor, workspace_id: UUID) -> list[Any]:
    return list(
        await db.fetch(
            _INVITE + " WHERE workspace_id = $1 ORDER BY created_at DESC, id LIMIT 100",
            workspace_id,
        )
    )


async def revoke_invite(db: Executor, workspace_id: UUID, invite_id: UUID) -> Any:
    """The invite after revoking it (a used one stays used); None when there is no such."""
    return await db.fetchrow(
        """
        UPDATE invites SET revoked_at = coalesce(revoked_at, now())
        WHERE workspace_id = $1 AND id = $2
        RETURNING id, email, role, expires_at, created_at, created_by, accepted_at,
                  accepted_by, revoked_at, workspace_id
        """,
        workspace_id,
        invite_id,
    )


_INVITE_OF_LINK = """
    SELECT i.id, i.email, i.role, i.expires_at, i.created_at, i.created_by, i.accepted_at,
           i.accepted_by, i.revoked_at, i.workspace_id, w.name AS workspace_name
    FROM invites i JOIN workspaces w ON w.id = i.workspace_id
    WHERE i.token_hash = $1
"""


async def invite_by_token(db: Executor, token: str) -> Any:
    """The invite and its workspace's name, by the link's token."""
    return await db.fetchrow(_INVITE_OF_LINK, invite_token_hash(token))


async def lock_invite(conn: Connection, token: str) -> Any:
    """`invite_by_token`, with the invite's row locked until the transaction ends."""
    return await conn.fetchrow(_INVITE_OF_LINK + " FOR UPDATE OF i", invite_token_hash(token))


async def accept_invite(conn: Connection, invite_id: UUID, user_id: UUID, role: str) -> bool:
    """Add the membership and use the invite up; False when the user is already a member."""
    added = await conn.fetchval(
        """
        INSERT INTO memberships (user_id, workspace_id, role)
        SELECT $2, workspace_id, $3 FROM invites WHERE id = $1
        ON CONFLICT (user_id, workspace_id) DO NOTHING
        RETURNING true
        """,
        invite_id,
        user_id,
        role,
    )
    if not added:
        return False
    await conn.execute(
        "UPDATE invites SET accepted_at = now(), accepted_by = $2 WHERE id = $1",
        invite_id,
        user_id,
    )
    return True


async def create_user(conn: Connection, email: str, password_hash: str) -> UUID | None:
    """A new user; None when the email is taken (case-insensitively)."""
    user_id: UUID | None = await conn.fetchval(
        "INSERT INTO users (id, email, password_hash) VALUES ($1, $2, $3)"
        " ON CONFLICT (lower(email)) DO NOTHING RETURNING id",
        uuid.uuid4(),
        email,
        password_hash,
    )
    return user_id
