"""Operator actions behind the CLI: locking users and issuing keys without an API call.

Each raises `AdminError` with a sentence for the operator when the action cannot be done.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from qrstack_api.accounts.api_keys import create_key
from qrstack_api.accounts.principal import GRANTABLE_SCOPES
from qrstack_api.accounts.users import Executor, UserRecord, set_locked


class AdminError(Exception):
    """An operator request that cannot be carried out; the message says why."""


@dataclass(frozen=True)
class IssuedKey:
    id: UUID
    workspace_id: UUID
    prefix: str
    scopes: list[str]
    secret: str  # shown once


async def lock_user(db: Executor, email: str, *, locked: bool) -> UserRecord:
    """Lock or unlock the user with `email`. A locked user's Basic sign-ins, sessions and the
    keys they issued are refused with 403 `account_locked` until unlocked."""
    user = await set_locked(db, email, locked=locked)
    if user is None:
        raise AdminError(f"no user with email {email!r}")
    return user


async def issue_key(
    db: Executor, *, workspace_id: UUID, name: str, scopes: list[str], test: bool | None
) -> IssuedKey:
    """Issue a key of the workspace (`test` None: of the workspace's kind)."""
    unknown = sorted(set(scopes) - GRANTABLE_SCOPES)
    if unknown:
        raise AdminError(f"unknown scopes: {', '.join(unknown)}")
    is_test = await db.fetchval("SELECT is_test FROM workspaces WHERE id = $1", workspace_id)
    if is_test is None:
        raise AdminError(f"no workspace {workspace_id}")
    if test is not None and test != is_test:
        kind = "test" if is_test else "live"
        raise AdminError(f"workspace {workspace_id} is a {kind} workspace: use --{kind}")
    row, secret = await create_key(
        db,
        workspace_id=workspace_id,
        name=name,
        scopes=sorted(set(scopes)),
        ip_allowlist=None,
        expires_at=None,
        test=is_test,
        created_by=None,
    )
    if row is None:
        raise AdminError(f"workspace {workspace_id} has no room for another key; revoke one")
    return IssuedKey(row["id"], workspace_id, row["prefix"], list(row["scopes"]), secret)
