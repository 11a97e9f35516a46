"""The API in-process with the real renderer app on its own HTTP server, on the real
PostgreSQL and Kafka."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from qrstack_api.app import create_app
from qrstack_launcher.stack import Infrastructure
from qrstack_renderer.app import create_app as create_renderer
from qrstack_renderer.settings import RendererSettings
from support.api import api_settings

Client = TestClient[Any, Any]


@pytest.fixture(scope="module")
async def api(infra: Infrastructure) -> AsyncIterator[Client]:
    renderer = TestServer(create_renderer(RendererSettings()))
    await renderer.start_server()
    renderer_url = str(renderer.make_url("")).rstrip("/")
    client: Client = TestClient(
        TestServer(create_app(api_settings(infra, renderer_url=renderer_url)))
    )
    await client.start_server()
    yield client
    await client.close()
    await renderer.close()
