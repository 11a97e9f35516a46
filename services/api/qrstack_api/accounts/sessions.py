"""Sign-in sessions: the `sessionid` cookie that a Basic sign-in hands out (TrakQR's style).

The cookie holds a random token; the database keeps only its SHA-256, the user and the expiry.
A session is honoured until it expires; opening one also forgets the user's expired sessions
and all but their newest `KEPT_PER_USER`, so a client that signs in with Basic on every request
cannot grow the table without bound.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from uuid import UUID

from qrstack_api.accounts.credentials import SESSION_COOKIE
from qrstack_api.accounts.secrets import (
    looks_like_session_token,
    new_session_token,
    session_token_hash,
)
from qrstack_api.accounts.users import Executor

KEPT_PER_USER = 100


@dataclass(frozen=True, slots=True)
class NewSession:
    token: str  # sent once, in the cookie
    expires_at: datetime
    max_age_s: int

    def cookie(self) -> str:
        """The `Set-Cookie` value: TrakQR's `expires` and `Max-Age`, plus `HttpOnly`,
        `Secure` and `SameSite=Lax` so scripts and other sites cannot use it."""
        expires = format_datetime(self.expires_at.astimezone(UTC), usegmt=True)
        return (
            f"{SESSION_COOKIE}={self.token}; expires={expires}; Max-Age={self.max_age_s}; "
            "Path=/; HttpOnly; Secure; SameSite=Lax"
        )


@dataclass(frozen=True, slots=True)
class SessionUser:
    user_id: UUID
    locked_at: datetime | None


async def open_session(db: Executor, user_id: UUID, max_age_s: int) -> NewSession:
    token = new_session_token()
    expires_at = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=max_age_s)
    await db.execute(
        """
        WITH fresh AS (
            INSERT INTO sessions (token_hash, user_id, expires_at) VALUES ($1, $2, $3)
        )
        DELETE FROM sessions WHERE user_id = $2 AND (
            expires_at <= now()
            OR token_hash IN (
                SELECT token_hash FROM sessions WHERE user_id = $2
                ORDER BY created_at DESC OFFSET $4
            )
        )
        """,
        session_token_hash(token),
        user_id,
        expires_at,
        KEPT_PER_USER - 1,  # the DELETE does not see the row inserted beside it
    )
    return NewSession(token, expires_at, max_age_s)


async def session_user(db: Executor, token: str) -> SessionUser | None:
    """The user of an unexpired session, or None for an unknown or expired token."""
    if not looks_like_session_token(token):
        return None
    row = await db.fetchrow(
        """
        SELECT s.user_id, u.locked_at FROM sessions s JOIN users u ON u.id = s.user_id
        WHERE s.token_hash = $1 AND s.expires_at > now()
        """,
        session_token_hash(token),
    )
    return None if row is None else SessionUser(row["user_id"], row["locked_at"])


async def close_session(db: Executor, token: str) -> None:
    """Forget a session (sign-out): its cookie is refused from now on, on every process."""
    if looks_like_session_token(token):
        await db.execute("DELETE FROM sessions WHERE token_hash = $1", session_token_hash(token))
