"""Checking a password against a code's Argon2id hash without stalling the event loop.

An Argon2id verification is deliberately slow (tens of milliseconds of CPU and memory), so it
runs in a worker thread (argon2-cffi releases the GIL while hashing), at most `concurrency` at
a time: a burst of guesses queues here rather than starving the scans.
"""

from __future__ import annotations

import asyncio
import logging

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

log = logging.getLogger(__name__)

MAX_PASSWORD_LENGTH = 1024


class PasswordChecker:
    def __init__(self, concurrency: int = 2) -> None:
        self._hasher = PasswordHasher()
        self._slots = asyncio.Semaphore(concurrency)

    def _verify(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except VerificationError:
            return False
        except InvalidHashError:
            log.error("a code's password hash is not an Argon2 hash; the gate stays closed")
            return False

    async def matches(self, password_hash: str, password: str) -> bool:
        """Whether `password` is the one `password_hash` (Argon2id PHC string) was made from.
        Passwords longer than `MAX_PASSWORD_LENGTH` never match (and are not hashed)."""
        if len(password) > MAX_PASSWORD_LENGTH:
            return False
        async with self._slots:
            return await asyncio.to_thread(self._verify, password_hash, password)
