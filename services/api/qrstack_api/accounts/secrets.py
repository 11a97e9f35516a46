"""API key secrets, session tokens and user passwords.

API keys are 32 random base62 characters behind a `qr_live_` or `qr_test_` prefix (about 190
bits) and session tokens 32 random bytes (43 URL-safe characters); being high-entropy, both are
stored as their SHA-256 and looked up by it. User passwords are low-entropy and stored as
Argon2id PHC strings.
"""

from __future__ import annotations

import hashlib
import secrets
import string

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_ALPHABET = string.ascii_letters + string.digits
_URLSAFE = frozenset(_ALPHABET + "-_")
LIVE_PREFIX = "qr_live_"
TEST_PREFIX = "qr_test_"


def new_api_key(*, test: bool) -> str:
    body = "".join(secrets.choice(_ALPHABET) for _ in range(32))
    return (TEST_PREFIX if test else LIVE_PREFIX) + body


def api_key_hash(secret: str) -> bytes:
    return hashlib.sha256(secret.encode()).digest()


def looks_like_api_key(value: str) -> bool:
    return value.startswith((LIVE_PREFIX, TEST_PREFIX)) and len(value) == len(LIVE_PREFIX) + 32


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


def session_token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def looks_like_session_token(value: str) -> bool:
    return len(value) == 43 and all(c in _URLSAFE for c in value)


def password_hasher(
    *, time_cost: int = 3, memory_kib: int = 65_536, parallelism: int = 4
) -> PasswordHasher:
    """Argon2id; the defaults are RFC 9106's low-memory profile (64 MiB, t=3, p=4)."""
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism)


def hash_password(hasher: PasswordHasher, password: str) -> str:
    return hasher.hash(password)


def verify_password(hasher: PasswordHasher, stored_hash: str, password: str) -> bool:
    try:
        return hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False
