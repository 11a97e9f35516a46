"""The API application in-process (the same factory `python -m qrstack_api` uses), on the real
PostgreSQL and Kafka."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient, TestServer

from qrstack_api.app import create_app
from qrstack_launcher.stack import Infrastructure
from support.api import api_settings
from support.conformance import conforming


@pytest.fixture(scope="session")
async def api(infra: Infrastructure) -> AsyncIterator[TestClient[object, object]]:
    client: TestClient[object, object] = TestClient(
        TestServer(conforming(create_app(api_settings(infra))))
    )
    await client.start_server()
    yield client
    await client.close()
