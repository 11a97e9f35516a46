"""One analytics store per backend for the whole test process.

chDB binds one embedded server per process to the first path it opens, so every analytics test
in this process (unit and integration) opens chDB on the same per-process directory; each test
directory uses its own database there, and each test its own workspace ids, so tests never see
each other's scans. The ClickHouse server backend runs the same tests when `CLICKHOUSE_URL`
names a server or a Docker engine can start one; otherwise those cases are skipped, saying so.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from unit.analytics.analytics_support import DATABASE, chdb_dir

from qrstack_analytics.app import create_app
from qrstack_analytics.settings import AnalyticsSettings
from qrstack_analytics.storage.embedded import EmbeddedClickHouse
from qrstack_analytics.storage.server import ServerClickHouse
from qrstack_analytics.storage.store import AnalyticsStore


@pytest.fixture(scope="session")
def chdb_root() -> Iterator[Path]:
    path = chdb_dir()
    yield path
    shutil.rmtree(path, ignore_errors=True)


def _server_url() -> str | None:
    if url := os.environ.get("CLICKHOUSE_URL"):
        return url
    return None


def _docker_running() -> bool:
    try:
        import docker  # type: ignore[import-untyped]

        docker.from_env().ping()
        return True
    except Exception:
        return False


@pytest.fixture(scope="session")
def clickhouse_server_url() -> Iterator[str]:
    """A ClickHouse server: `CLICKHOUSE_URL`, or a testcontainers one when Docker runs."""
    if url := _server_url():
        yield url
        return
    if not _docker_running():
        pytest.skip("no ClickHouse server: set CLICKHOUSE_URL or run a Docker engine")
    from testcontainers.community.clickhouse import ClickHouseContainer

    with ClickHouseContainer("clickhouse/clickhouse-server:25.8") as server:
        host = server.get_container_host_ip()
        port = server.get_exposed_port(8123)
        yield f"http://{server.username}:{server.password}@{host}:{port}"


@pytest.fixture(
    scope="session",
    params=["chdb", pytest.param("server", marks=pytest.mark.infra)],
)
async def store(request: pytest.FixtureRequest, chdb_root: Path) -> AsyncIterator[AnalyticsStore]:
    """A migrated store (raw retention unlimited) on chDB, and on a server when one exists."""
    if request.param == "chdb":
        engine: EmbeddedClickHouse | ServerClickHouse = await asyncio.to_thread(
            EmbeddedClickHouse, chdb_root, DATABASE, sessions=4
        )
    else:
        url = request.getfixturevalue("clickhouse_server_url")
        engine = ServerClickHouse(url, DATABASE)
    analytics = AnalyticsStore(engine, query_threads=3)
    await analytics.prepare(raw_retention_days=0)
    yield analytics
    await analytics.close()


@pytest.fixture(scope="session")
async def client(store: AnalyticsStore, chdb_root: Path) -> AsyncIterator[TestClient[Any, Any]]:
    """The service's HTTP API (query-only: no Kafka) over the same database as `store`."""
    settings = AnalyticsSettings(
        chdb_path=chdb_root,
        clickhouse_url=os.environ.get("CLICKHOUSE_URL")
        if isinstance(store.engine, ServerClickHouse)
        else None,
        clickhouse_database=DATABASE,
        ingest=False,
        raw_retention_days=0,
    )
    if isinstance(store.engine, ServerClickHouse) and settings.clickhouse_url is None:
        settings = settings.model_copy(
            update={"clickhouse_url": store.engine.url}  # the testcontainers server
        )
    test_client: TestClient[Any, Any] = TestClient(TestServer(create_app(settings)))
    await test_client.start_server()
    yield test_client
    await test_client.close()
