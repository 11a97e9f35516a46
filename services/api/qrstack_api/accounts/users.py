"""Users, their locks, and the workspaces they belong to (SQL)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from qrstack_api.accounts.principal import role_name
from qrstack_api.db.pool import Connection

Executor = asyncpg.Pool | Connection


@dataclass(frozen=True, slots=True)
class UserRecord:
    id: UUID
    email: str
    password_hash: str
    locked_at: datetime | None


@dataclass(frozen=True, slots=True)
class Membership:
    workspace_id: UUID
    name: str
    plan: str
    is_test: bool
    role: str
    joined_at: datetime


def _user(row: Any) -> UserRecord:
    return UserRecord(row["id"], row["email"], row["password_hash"], row["locked_at"])


async def user_by_email(db: Executor, email: str) -> UserRecord | None:
    row = await db.fetchrow(
        "SELECT id, email, password_hash, locked_at FROM users WHERE lower(email) = lower($1)",
        email,
    )
    return None if row is None else _user(row)


async def user_by_id(db: Executor, user_id: UUID) -> UserRecord | None:
    row = await db.fetchrow(
        "SELECT id, email, password_hash, locked_at FROM users WHERE id = $1", user_id
    )
    return None if row is None else _user(row)


async def replace_password_hash(db: Executor, user_id: UUID, old: str, new: str) -> None:
    """Store a re-made hash, unless the password changed meanwhile."""
    await db.execute(
        "UPDATE users SET password_hash = $3 WHERE id = $1 AND password_hash = $2",
        user_id,
        old,
        new,
    )


async def set_locked(db: Executor, email: str, *, locked: bool) -> UserRecord | None:
    """Lock (keeping the first lock time) or unlock the user; None if no such user."""
    row = await db.fetchrow(
        """
        UPDATE users
        SET locked_at = CASE WHEN $2 THEN coalesce(locked_at, now()) END
        WHERE lower(email) = lower($1)
        RETURNING id, email, password_hash, locked_at
        """,
        email,
        locked,
    )
    return None if row is None else _user(row)


_MEMBERSHIP = """
    SELECT w.id AS workspace_id, w.name, w.plan, w.is_test, m.role, m.created_at AS joined_at
    FROM memberships m JOIN workspaces w ON w.id = m.workspace_id
    WHERE m.user_id = $1
"""


def _membership(row: Any) -> Membership:
    return Membership(
        row["workspace_id"],
        row["name"],
        row["plan"],
        row["is_test"],
        role_name(row["role"]),
        row["joined_at"],
    )


async def membership(db: Executor, user_id: UUID, workspace_id: UUID | None) -> Membership | None:
    """The user's membership of `workspace_id`, or of their default workspace (the oldest
    membership) when None; None when they are not a member (or of nothing)."""
    row = await db.fetchrow(
        _MEMBERSHIP
        + " AND ($2::uuid IS NULL OR m.workspace_id = $2)"
        + " ORDER BY m.created_at, m.workspace_id LIMIT 1",
        user_id,
        workspace_id,
    )
    return None if row is None else _membership(row)


async def memberships(db: Executor, user_id: UUID) -> list[Membership]:
    """Every workspace of the user, the default (oldest membership) first."""
    rows = await db.fetch(_MEMBERSHIP + " ORDER BY m.created_at, m.workspace_id", user_id)
    return [_membership(row) for row in rows]
