"""The API key cache: how old an answer may be, one lookup for concurrent requests, and what
is never kept."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest

from qrstack_api.accounts import key_cache
from qrstack_api.accounts.api_keys import KeyForAuth
from qrstack_api.accounts.key_cache import KeyCache

SECRET = "qr_live_" + "a" * 40


def _key() -> KeyForAuth:
    return KeyForAuth(
        id=uuid.uuid4(), workspace_id=uuid.uuid4(), scopes=frozenset({"*"}), ip_allowlist=(),
        expires_at=None, revoked=False, expired=False, plan="pro", is_test=False,
        issuer_locked=False, created_by=None,
    )  # fmt: skip


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def lookups(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every lookup that reached the database, by secret; answers what `ANSWERS` says."""
    made: list[str] = []

    async def key_for_auth(db: Any, secret: str) -> KeyForAuth | None:
        made.append(secret)
        await asyncio.sleep(0.01)
        return ANSWERS.get(secret)

    monkeypatch.setattr(key_cache, "key_for_auth", key_for_auth)
    return made


ANSWERS: dict[str, KeyForAuth | None] = {SECRET: _key()}


async def test_an_answer_is_reused_until_the_ttl_then_looked_up_again(lookups: list[str]) -> None:
    clock = FakeClock()
    cache = KeyCache(ttl_s=0.5, clock=clock)
    first = await cache.key(None, SECRET)  # type: ignore[arg-type]
    clock.now += 0.49
    assert await cache.key(None, SECRET) is first  # type: ignore[arg-type]
    assert lookups == [SECRET]
    clock.now += 0.02
    await cache.key(None, SECRET)  # type: ignore[arg-type]
    assert lookups == [SECRET, SECRET]


async def test_concurrent_requests_share_one_lookup(lookups: list[str]) -> None:
    cache = KeyCache()
    found = await asyncio.gather(*(cache.key(None, SECRET) for _ in range(20)))  # type: ignore[arg-type]
    assert lookups == [SECRET] and all(k is found[0] for k in found)


async def test_unknown_secrets_are_never_kept(lookups: list[str]) -> None:
    cache = KeyCache()
    unknown = "qr_live_" + "b" * 40
    assert await cache.key(None, unknown) is None  # type: ignore[arg-type]
    assert await cache.key(None, unknown) is None  # type: ignore[arg-type]
    assert lookups == [unknown, unknown] and len(cache) == 0


async def test_clear_forgets_keys_and_the_lookups_under_way(lookups: list[str]) -> None:
    cache = KeyCache()
    await cache.key(None, SECRET)  # type: ignore[arg-type]
    cache.clear()
    await cache.key(None, SECRET)  # type: ignore[arg-type]
    assert len(lookups) == 2
    # A lookup begun before a clear may have read the old state: answered, not kept.
    cache.clear()
    under_way = asyncio.create_task(cache.key(None, SECRET))  # type: ignore[arg-type]
    await asyncio.sleep(0)
    cache.clear()
    await under_way
    assert len(cache) == 0


async def test_a_failed_lookup_fails_its_waiters_and_is_not_kept(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def broken(db: Any, secret: str) -> KeyForAuth | None:
        await asyncio.sleep(0.01)
        raise OSError("database down")

    monkeypatch.setattr(key_cache, "key_for_auth", broken)
    cache = KeyCache()
    results = await asyncio.gather(
        *(cache.key(None, SECRET) for _ in range(3)),  # type: ignore[arg-type]
        return_exceptions=True,
    )
    assert all(isinstance(r, OSError) for r in results) and len(cache) == 0


async def test_a_cancelled_lookup_leaves_its_waiters_to_look_up_themselves(
    lookups: list[str],
) -> None:
    cache = KeyCache()
    leader = asyncio.create_task(cache.key(None, SECRET))  # type: ignore[arg-type]
    await asyncio.sleep(0)
    waiter = asyncio.create_task(cache.key(None, SECRET))  # type: ignore[arg-type]
    await asyncio.sleep(0)
    leader.cancel()
    assert await waiter is ANSWERS[SECRET]
    assert lookups == [SECRET, SECRET]


async def test_the_cache_stays_bounded(lookups: list[str]) -> None:
    secrets = [f"qr_live_{n:040d}" for n in range(30)]
    ANSWERS.update({s: _key() for s in secrets})
    cache = KeyCache(max_keys=10)
    for secret in secrets:
        await cache.key(None, secret)  # type: ignore[arg-type]
    assert len(cache) <= 10
    assert await cache.key(None, secrets[-1]) is ANSWERS[secrets[-1]]
