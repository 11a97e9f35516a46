"""Analytics against the real Kafka (the session's launcher or testcontainers broker) and chDB
on the test process's one chDB directory (its own database)."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator

import pytest
from unit.analytics.analytics_support import chdb_dir

from qrstack_analytics.storage.embedded import EmbeddedClickHouse
from qrstack_analytics.storage.store import AnalyticsStore

DATABASE = "analytics_integration"


@pytest.fixture(scope="session")
async def kafka_store() -> AsyncIterator[AnalyticsStore]:
    engine = await asyncio.to_thread(EmbeddedClickHouse, chdb_dir(), DATABASE, sessions=3)
    store = AnalyticsStore(engine, query_threads=2)
    await store.prepare(raw_retention_days=0)
    yield store
    await store.close()
    # The unit tests' conftest removes the directory too when they ran in this process.
    shutil.rmtree(chdb_dir(), ignore_errors=True)
