"""Apps in-process on the real PostgreSQL and Kafka, and users, workspaces and keys made directly
in the database.

- `api`: generous rate limits, no trusted proxy (the test client's 127.0.0.1 is the peer).
- `limited`, `limited_twin`: two replicas with small hourly limits sharing the PostgreSQL counters,
  trusting 127.0.0.1 as a proxy so that each test picks its own client address with
  `X-Forwarded-For` (and its own anonymous bucket).
Passwords use cheap Argon2 parameters (a setting); production defaults are untouched.
"""

from __future__ import annotations

import base64
import secrets
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import asyncpg
import pytest
from aiohttp.test_utils import TestClient, TestServer

from qrstack_api.accounts.secrets import api_key_hash, hash_password, new_api_key, password_hasher
from qrstack_api.app import create_app
from qrstack_api.settings import ApiSettings
from qrstack_launcher.stack import Infrastructure
from support.api import api_settings
from support.conformance import conforming

Client = TestClient[Any, Any]

CHEAP_ARGON2: dict[str, object] = {
    "password_time_cost": 1,
    "password_memory_kib": 64,
    "password_parallelism": 1,
}
LIMITS: dict[str, object] = {
    "rate_limit_authenticated": 5,
    "rate_limit_anonymous": 3,
    "rate_limit_window_s": 3600,  # no window ends in the middle of a test
    "rate_limit_routes": [
        {
            "name": "generation",
            "prefixes": ["/v1/generate"],
            "authenticated": 4,
            "anonymous": 2,
            "window_s": 3600,
        }
    ],
    "rate_limit_cooldown_s": 0.3,
    "trusted_proxies": ["127.0.0.1/32"],
    "login_failures_per_email": 3,
    "login_failures_per_ip": 5,
}


async def _client(settings: ApiSettings) -> Client:
    client: Client = TestClient(TestServer(conforming(create_app(settings))))
    await client.start_server()
    return client


@pytest.fixture(scope="session")
async def api(infra: Infrastructure) -> AsyncIterator[Client]:
    settings = api_settings(
        infra,
        **CHEAP_ARGON2,
        rate_limit_anonymous=100_000,
        login_failures_per_email=3,
        login_failures_per_ip=100_000,
    )
    client = await _client(settings)
    yield client
    await client.close()


# The replicas that prove exact shared counts wait as long as it takes for the shared counter
# (a loaded CI machine can pass the production 25 ms budget, and a replica then rightly counts
# alone); `limited_impatient` keeps the production budget for the fallback tests.
PATIENT = {"rate_limit_budget_ms": 5000.0}


@pytest.fixture(scope="session")
async def limited(infra: Infrastructure) -> AsyncIterator[Client]:
    client = await _client(api_settings(infra, **CHEAP_ARGON2, **LIMITS, **PATIENT))
    yield client
    await client.close()


@pytest.fixture(scope="session")
async def limited_twin(infra: Infrastructure) -> AsyncIterator[Client]:
    client = await _client(api_settings(infra, **CHEAP_ARGON2, **LIMITS, **PATIENT))
    yield client
    await client.close()


@pytest.fixture(scope="session")
async def limited_impatient(infra: Infrastructure) -> AsyncIterator[Client]:
    client = await _client(api_settings(infra, **CHEAP_ARGON2, **LIMITS))
    yield client
    await client.close()


@pytest.fixture(scope="session")
async def db(infra: Infrastructure, api: Client) -> AsyncIterator[asyncpg.Pool]:
    """A pool of the test's own (the app applied the migrations first)."""
    pool = await asyncpg.create_pool(infra.database_url, min_size=1, max_size=3)
    assert pool is not None
    yield pool
    await pool.close()


@dataclass
class Account:
    """A user with a password, their workspaces (oldest membership first) and the db."""

    user_id: UUID
    email: str
    password: str
    workspaces: list[UUID]
    db: asyncpg.Pool

    @property
    def basic(self) -> dict[str, str]:
        raw = f"{self.email}:{self.password}".encode()
        return {"Authorization": "Basic " + base64.b64encode(raw).decode()}

    async def key(
        self,
        scopes: Sequence[str] = ("*",),
        *,
        workspace: int = 0,
        allowlist: Sequence[str] | None = None,
        issued_by_user: bool = False,
        expires_in: str | None = None,
    ) -> str:
        """A key of one of the user's workspaces, made in the database."""
        workspace_id = self.workspaces[workspace]
        is_test = await self.db.fetchval(
            "SELECT is_test FROM workspaces WHERE id = $1", workspace_id
        )
        secret = new_api_key(test=is_test)
        await self.db.execute(
            "INSERT INTO api_keys (id, workspace_id, name, prefix, key_hash, scopes,"
            " ip_allowlist, expires_at, created_by)"
            " VALUES ($1, $2, 'fixture', $3, $4, $5, $6::cidr[],"
            " now() + $7::text::interval, $8)",
            uuid.uuid4(),
            workspace_id,
            secret[:12],
            api_key_hash(secret),
            list(scopes),
            list(allowlist) if allowlist is not None else None,
            expires_in,
            self.user_id if issued_by_user else None,
        )
        return secret


NewAccount = Callable[..., Awaitable[Account]]


@pytest.fixture
def new_account(db: asyncpg.Pool) -> NewAccount:
    hasher = password_hasher(time_cost=1, memory_kib=64, parallelism=1)

    async def make(
        roles: Sequence[str] = ("owner",), *, test: bool = True, plan: str = "business"
    ) -> Account:
        """A user who is a member of one workspace per role given, in that order."""
        email = f"User-{secrets.token_hex(4)}@Example.com"
        password = secrets.token_urlsafe(10) + " ü"
        user_id = uuid.uuid4()
        workspaces: list[UUID] = []
        async with db.acquire() as conn, conn.transaction():
            await conn.execute(
                "INSERT INTO users (id, email, password_hash) VALUES ($1, $2, $3)",
                user_id,
                email,
                hash_password(hasher, password),
            )
            for index, role in enumerate(roles):
                workspace_id = uuid.uuid4()
                await conn.execute(
                    "INSERT INTO workspaces (id, name, plan, is_test) VALUES ($1, $2, $3, $4)",
                    workspace_id,
                    f"Workspace {index}",
                    plan,
                    test,
                )
                await conn.execute(
                    "INSERT INTO memberships (user_id, workspace_id, role, created_at)"
                    " VALUES ($1, $2, $3, now() + make_interval(secs => $4))",
                    user_id,
                    workspace_id,
                    role,
                    float(index),
                )
                workspaces.append(workspace_id)
        return Account(user_id, email, password, workspaces, db)

    return make
