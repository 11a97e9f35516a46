"""Rate limits as a client sees them: the headers on every response, 429 with Retry-After past
the limit, one bucket per key, user or client address, counts shared by replicas, and no
stall when PostgreSQL is slow.

The `limited` and `limited_twin` apps allow 5 authenticated and 3 anonymous requests per
hour (generation: 4 and 2) and trust the test client as a proxy, so each test picks its own
client address with X-Forwarded-For.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from typing import Any

import asyncpg
import pytest
from aiohttp.test_utils import TestClient

pytestmark = pytest.mark.infra

Client = TestClient[Any, Any]
NewAccount = Any  # the `new_account` fixture: await new_account(roles) -> Account


def _address() -> str:
    """A TEST-NET-2 address of this test alone (its own anonymous bucket)."""
    return f"198.51.{secrets.randbelow(256)}.{secrets.randbelow(254) + 1}"


def _limits(response: Any) -> tuple[int, int, int]:
    headers = response.headers
    return (
        int(headers["X-RateLimit-Limit"]),
        int(headers["X-RateLimit-Remaining"]),
        int(headers["X-RateLimit-Reset"]),
    )


async def test_every_response_carries_the_headers(limited: Client, new_account: NewAccount) -> None:
    account = await new_account()
    key = await account.key()
    client = {"X-Forwarded-For": _address()}
    answers = [
        await limited.get("/v1/me", headers={**client, "X-API-Key": key}),  # 200
        await limited.get("/v1/api-keys/00000000-0000-0000-0000-000000000000",
                          headers={**client, "X-API-Key": key}),  # 404 of a handler
        await limited.get("/v1/me", headers=client),  # 401
        await limited.get("/nowhere", headers=client),  # 404 of the router
        await limited.get("/v1/openapi.json", headers=client),  # public
    ]  # fmt: skip
    assert [r.status for r in answers] == [200, 404, 401, 404, 200]
    for response in answers:
        limit, remaining, reset = _limits(response)
        assert 0 <= remaining < limit and 1 <= reset <= 3600
    assert _limits(answers[0])[0] == 5  # authenticated
    assert _limits(answers[2])[0] == 3  # anonymous (a refused credential counts as anonymous)
    health = await limited.get("/healthz")
    assert "X-RateLimit-Limit" not in health.headers  # not an API call


async def test_past_the_limit_is_429_with_retry_after(
    limited: Client, new_account: NewAccount
) -> None:
    account = await new_account()
    key = await account.key()
    remaining = []
    for _ in range(5):
        response = await limited.get("/v1/me", headers={"X-API-Key": key})
        assert response.status == 200
        remaining.append(_limits(response)[1])
    assert remaining == [4, 3, 2, 1, 0]
    refused = await limited.get("/v1/me", headers={"X-API-Key": key})
    assert refused.status == 429
    body = await refused.json()
    assert body["error"] == "rate_limited" and "5 requests per 3600 s" in body["detail"]
    retry_after = int(refused.headers["Retry-After"])
    assert 1 <= retry_after <= 3600 and _limits(refused) == (5, 0, retry_after)

    # Another key of the same workspace has its own bucket.
    other = await account.key()
    assert (await limited.get("/v1/me", headers={"X-API-Key": other})).status == 200


async def test_a_users_sessions_share_one_bucket(limited: Client, new_account: NewAccount) -> None:
    account = await new_account()
    client = {"X-Forwarded-For": _address()}
    first = await limited.get("/v1/me", headers={**client, **account.basic})
    second = await limited.get("/v1/me", headers={**client, **account.basic})
    assert first.cookies["sessionid"].value != second.cookies["sessionid"].value
    cookie = {"Cookie": f"sessionid={second.cookies['sessionid'].value}"}
    statuses = [
        (await limited.get("/v1/me", headers={**client, **cookie})).status for _ in range(4)
    ]
    assert statuses == [200, 200, 200, 429]


async def test_anonymous_requests_are_counted_per_client_address(limited: Client) -> None:
    first, second = {"X-Forwarded-For": _address()}, {"X-Forwarded-For": _address()}
    statuses = [(await limited.get("/v1/me", headers=first)).status for _ in range(4)]
    assert statuses == [401, 401, 401, 429]
    assert (await limited.get("/v1/me", headers=second)).status == 401


async def test_generation_routes_have_their_own_quota(
    limited: Client, new_account: NewAccount
) -> None:
    client = {"X-Forwarded-For": _address()}
    statuses = []
    for _ in range(3):
        response = await limited.get("/v1/generate", params={"data": "hello"}, headers=client)
        statuses.append(response.status)
        assert _limits(response)[0] == 2
    assert statuses[2] == 429 and 429 not in statuses[:2]
    # The general quota of the same address is untouched.
    response = await limited.get("/v1/openapi.json", headers=client)
    assert response.status == 200 and _limits(response)[:2] == (3, 2)
    # With a key, the generation quota is the authenticated one.
    key = await (await new_account()).key()
    response = await limited.get(
        "/v1/generate", params={"data": "hello"}, headers={**client, "X-API-Key": key}
    )
    assert response.status != 429 and _limits(response)[:2] == (4, 3)


async def test_replicas_share_exact_counts(
    limited: Client, limited_twin: Client, new_account: NewAccount
) -> None:
    key = await (await new_account()).key()
    headers = {"X-API-Key": key}
    statuses = []
    for replica in (limited, limited_twin, limited, limited_twin, limited, limited_twin):
        statuses.append((await replica.get("/v1/me", headers=headers)).status)
    assert statuses == [200, 200, 200, 200, 200, 429]


async def test_a_stalled_database_costs_a_bounded_wait_and_falls_back_to_local_counts(
    limited_impatient: Client, new_account: NewAccount, infra: Any
) -> None:
    key = await (await new_account()).key()
    headers = {"X-API-Key": key}
    assert (await limited_impatient.get("/v1/me", headers=headers)).status == 200
    blocker = await asyncpg.connect(infra.database_url)
    try:
        async with blocker.transaction():
            # Every upsert of a counter now waits for this lock.
            await blocker.execute("LOCK TABLE rate_limit_hits IN EXCLUSIVE MODE")
            started = time.perf_counter()
            response = await limited_impatient.get("/v1/me", headers=headers)
            elapsed = time.perf_counter() - started
            assert response.status == 200 and _limits(response)[:2] == (5, 3)
            assert elapsed < 1.0
            # During the cooldown, the replica counts alone, carrying on from the shared count.
            statuses = [
                (await limited_impatient.get("/v1/me", headers=headers)).status for _ in range(4)
            ]
            assert statuses == [200, 200, 200, 429]
    finally:
        await blocker.close()
    metrics = await (await limited_impatient.get("/metrics")).text()
    failures = next(
        line for line in metrics.splitlines()
        if line.startswith("qr_rate_limit_shared_failures_total ")
    )  # fmt: skip
    assert float(failures.split()[1]) >= 1
    await asyncio.sleep(0.35)  # past the app's 0.3 s cooldown: the shared counter is used again
