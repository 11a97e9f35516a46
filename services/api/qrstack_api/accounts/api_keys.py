"""API keys in the database: the lookup that authenticates a request, and the key resource.

A key is found by the SHA-256 of its secret. `last_used_at` records when a live (unrevoked,
unexpired) key was last presented, written at most once a minute per key so that a busy key
does not turn every request into a row update.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from ipaddress import IPv4Network, IPv6Network
from typing import Any
from uuid import UUID

from qrstack_api.accounts.secrets import api_key_hash, new_api_key
from qrstack_api.accounts.users import Executor

IPNetwork = IPv4Network | IPv6Network
MAX_KEYS_PER_WORKSPACE = 100
PREFIX_LENGTH = 12  # "qr_live_" and four characters: enough to tell keys apart in a list


@dataclass(frozen=True, slots=True)
class KeyForAuth:
    id: UUID
    workspace_id: UUID
    scopes: frozenset[str]
    ip_allowlist: tuple[IPNetwork, ...]
    expires_at: datetime | None
    revoked: bool
    expired: bool
    plan: str
    is_test: bool
    issuer_locked: bool  # the user who issued the key is locked
    created_by: UUID | None
    account_wide: bool = False  # acts on any workspace of its issuer (?workspaceId=)
    issuer_role: str | None = None  # the issuer's role in the key's workspace (None: not a member)


async def key_for_auth(db: Executor, secret: str) -> KeyForAuth | None:
    row = await db.fetchrow(
        """
        WITH found AS (
            SELECT k.id, k.workspace_id, k.scopes, k.ip_allowlist, k.expires_at,
                   k.revoked_at IS NOT NULL AS revoked,
                   coalesce(k.expires_at <= now(), false) AS expired,
                   w.plan, w.is_test, u.locked_at IS NOT NULL AS issuer_locked,
                   k.last_used_at, k.created_by, k.account_wide,
                   (SELECT m.role FROM memberships m
                    WHERE m.user_id = k.created_by AND m.workspace_id = k.workspace_id)
                   AS issuer_role
            FROM api_keys k
            JOIN workspaces w ON w.id = k.workspace_id
            LEFT JOIN users u ON u.id = k.created_by
            WHERE k.key_hash = $1
        ), touched AS (
            UPDATE api_keys SET last_used_at = now()
            FROM found
            WHERE api_keys.id = found.id AND NOT found.revoked AND NOT found.expired
              AND (found.last_used_at IS NULL OR found.last_used_at < now() - interval '1 minute')
        )
        SELECT * FROM found
        """,
        api_key_hash(secret),
    )
    if row is None:
        return None
    return KeyForAuth(
        id=row["id"],
        workspace_id=row["workspace_id"],
        scopes=frozenset(row["scopes"]),
        ip_allowlist=tuple(row["ip_allowlist"] or ()),
        expires_at=row["expires_at"],
        revoked=row["revoked"],
        expired=row["expired"],
        plan=row["plan"],
        is_test=row["is_test"],
        issuer_locked=row["issuer_locked"],
        created_by=row["created_by"],
        account_wide=row["account_wide"],
        issuer_role=row["issuer_role"],
    )


_COLUMNS = (
    "id, workspace_id, name, prefix, scopes, ip_allowlist, expires_at, last_used_at, created_at,"
    " created_by, account_wide"
)


async def create_key(
    db: Executor,
    *,
    workspace_id: UUID,
    name: str,
    scopes: list[str],
    ip_allowlist: list[IPNetwork] | None,
    expires_at: datetime | None,
    test: bool,
    created_by: UUID | None,
    account_wide: bool = False,
) -> tuple[Any, str]:
    """Insert a new key; returns its row and its secret (the only time the secret exists
    outside the caller's hands). None as the row when the workspace has no room left."""
    secret = new_api_key(test=test)
    row = await db.fetchrow(
        f"""
        INSERT INTO api_keys
            (id, workspace_id, name, prefix, key_hash, scopes, ip_allowlist, expires_at,
             created_by, account_wide)
        SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $11
        WHERE (SELECT count(*) FROM api_keys
               WHERE workspace_id = $2 AND revoked_at IS NULL) < $10
        RETURNING {_COLUMNS}
        """,  # noqa: S608 (fixed columns)
        uuid.uuid4(),
        workspace_id,
        name,
        secret[:PREFIX_LENGTH],
        api_key_hash(secret),
        scopes,
        ip_allowlist,
        expires_at,
        created_by,
        MAX_KEYS_PER_WORKSPACE,
        account_wide,
    )
    return row, secret


async def list_keys(db: Executor, workspace_id: UUID) -> list[Any]:
    """The workspace's unrevoked keys, newest first."""
    return list(
        await db.fetch(
            f"SELECT {_COLUMNS} FROM api_keys"  # noqa: S608 (fixed columns)
            " WHERE workspace_id = $1 AND revoked_at IS NULL ORDER BY created_at DESC, id DESC",
            workspace_id,
        )
    )


async def get_key(db: Executor, workspace_id: UUID, key_id: UUID) -> Any:
    """An unrevoked key of the workspace, or None (another workspace's key is None too)."""
    return await db.fetchrow(
        f"SELECT {_COLUMNS} FROM api_keys"  # noqa: S608 (fixed columns)
        " WHERE id = $1 AND workspace_id = $2 AND revoked_at IS NULL",
        key_id,
        workspace_id,
    )


async def update_key(
    db: Executor, workspace_id: UUID, key_id: UUID, changes: dict[str, Any]
) -> Any:
    """Set the given columns (name, scopes, ip_allowlist, expires_at) of an unrevoked key of
    the workspace; None if there is no such key."""
    allowed = ("name", "scopes", "ip_allowlist", "expires_at")
    columns = [c for c in allowed if c in changes]
    if not columns:
        return await get_key(db, workspace_id, key_id)
    assignments = ", ".join(f"{c} = ${i + 3}" for i, c in enumerate(columns))
    return await db.fetchrow(
        f"UPDATE api_keys SET {assignments}"  # noqa: S608 (fixed columns)
        " WHERE id = $1 AND workspace_id = $2 AND revoked_at IS NULL"
        f" RETURNING {_COLUMNS}",
        key_id,
        workspace_id,
        *(changes[c] for c in columns),
    )


async def revoke_key(db: Executor, workspace_id: UUID, key_id: UUID) -> bool:
    """Revoke an unrevoked key of the workspace; False if there is no such key."""
    status = await db.execute(
        "UPDATE api_keys SET revoked_at = now()"
        " WHERE id = $1 AND workspace_id = $2 AND revoked_at IS NULL",
        key_id,
        workspace_id,
    )
    return status.endswith(" 1")
