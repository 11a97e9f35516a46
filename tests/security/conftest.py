"""Fixtures of the security suite: the API in-process on the session's real PostgreSQL and
Kafka (as the integration tests run it, every answer checked against /v1/openapi.json), and a
workspace with a key to attack it from."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from security.estate import Estate, build_estate

from qrstack_api.app import create_app
from qrstack_launcher.stack import Infrastructure, Platform
from support.accounts import new_workspace
from support.api import api_settings
from support.attacker import Workspace
from support.conformance import VIOLATIONS, conforming

Client = TestClient[Any, Any]


@pytest.fixture(scope="session")
async def api(infra: Infrastructure) -> AsyncIterator[Client]:
    client: Client = TestClient(TestServer(conforming(create_app(api_settings(infra)))))
    await client.start_server()
    yield client
    await client.close()


@pytest.fixture(autouse=True)
def answers_match_the_document() -> Iterator[None]:
    """Fail a test whose API answers contradict /v1/openapi.json (support.conformance)."""
    VIOLATIONS.clear()
    yield
    found, VIOLATIONS[:] = list(VIOLATIONS), []
    if found:
        pytest.fail("answers outside the OpenAPI document:\n" + "\n".join(dict.fromkeys(found)))


@pytest.fixture
async def workspace(api: Client, infra: Infrastructure) -> Workspace:
    made = await new_workspace(infra.database_url)
    return Workspace(api, f"ws_{made.workspace_id.hex}", made.api_key)


@pytest.fixture(scope="session")
async def estate_api(platform: Platform) -> AsyncIterator[Client]:
    """The API in-process (answers checked against the document) in front of the platform's
    analytics and renderer, so that analytics, images and CSVs answer for real; webhooks may
    name a loopback URL (nothing listens there and the worker refuses it anyway)."""
    settings = api_settings(
        platform.infra,
        analytics_url=platform.url("analytics"),
        renderer_url=platform.url("renderer"),
        webhook_allow_local_urls=True,
        # Domain verification asks a loopback port where no DNS server listens (no traffic
        # leaves the machine): 503, recording nothing.
        domain_verify_nameservers="127.0.0.1:9",
        domain_verify_timeout_s=1.0,
    )
    client: Client = TestClient(TestServer(conforming(create_app(settings))))
    await client.start_server()
    yield client
    await client.close()


@pytest.fixture
async def estate(estate_api: Client, platform: Platform) -> Estate:
    """A workspace with one of every resource (security.estate)."""
    made = await new_workspace(platform.infra.database_url)
    owner = Workspace(estate_api, f"ws_{made.workspace_id.hex}", made.api_key)
    return await build_estate(owner, platform.infra.database_url, made.user_id)
