"""Checking users' passwords without stalling the event loop.

An Argon2id verification costs tens of milliseconds of CPU by design, so it runs on a small
thread pool of its own (`password_workers` threads): requests that need one wait their turn
there while the loop keeps serving everything else. When the email is unknown, the password is
verified against a dummy hash of the same cost, so a wrong email takes as long as a wrong
password and the answer reveals nothing about which accounts exist.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor

from aiohttp import web
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError

from qrstack_api.accounts.secrets import hash_password, password_hasher, verify_password
from qrstack_api.accounts.settings import AccountSettings


class PasswordVerifier:
    def __init__(self, hasher: PasswordHasher, executor: ThreadPoolExecutor) -> None:
        self._hasher = hasher
        self._executor = executor
        self._dummy = hash_password(hasher, secrets.token_urlsafe(16))

    async def verify(self, stored_hash: str | None, password: str) -> bool:
        """Whether `password` matches `stored_hash`; False (after the same work) when there
        is no stored hash."""
        target = stored_hash if stored_hash is not None else self._dummy
        loop = asyncio.get_running_loop()
        ok = await loop.run_in_executor(
            self._executor, verify_password, self._hasher, target, password
        )
        return ok and stored_hash is not None

    def needs_rehash(self, stored_hash: str) -> bool:
        """Whether the hash was made with other parameters than the configured ones."""
        try:
            return self._hasher.check_needs_rehash(stored_hash)
        except InvalidHashError:
            return False

    async def hash(self, password: str) -> str:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, hash_password, self._hasher, password)


def configured_hasher(settings: AccountSettings) -> PasswordHasher:
    return password_hasher(
        time_cost=settings.password_time_cost,
        memory_kib=settings.password_memory_kib,
        parallelism=settings.password_parallelism,
    )


PASSWORDS = web.AppKey("password_verifier", PasswordVerifier)


def password_verifier_context(
    settings: AccountSettings,
) -> Callable[[web.Application], AsyncIterator[None]]:
    """A cleanup context holding the app's `PasswordVerifier` and its threads."""

    async def context(app: web.Application) -> AsyncIterator[None]:
        executor = ThreadPoolExecutor(settings.password_workers, thread_name_prefix="argon2")
        try:
            hasher = configured_hasher(settings)
            loop = asyncio.get_running_loop()
            # The dummy hash costs one full hash: made on the pool, not on the loop.
            app[PASSWORDS] = await loop.run_in_executor(
                executor, PasswordVerifier, hasher, executor
            )
            yield
        finally:
            executor.shutdown(wait=True, cancel_futures=True)

    return context
