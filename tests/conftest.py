"""Shared fixtures: the real infrastructure, started once per test session.

With a Docker engine present, PostgreSQL and Kafka come from testcontainers; without one (as on
the project's CI machines) the project's own launcher starts them from the machine's PostgreSQL
binaries and Apache Kafka's jars. Either way the tests talk to the real components.
Tests that use these fixtures are marked `infra` (or `e2e`).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from qrstack_launcher.stack import Infrastructure

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def infra_root() -> Iterator[Path]:
    # Not pytest's tmp_path: its 0700 directories are closed to PostgreSQL's own user.
    root = Path(tempfile.mkdtemp(prefix="qrstack-test-"))
    root.chmod(0o755)
    yield root
    if not os.environ.get("QRSTACK_KEEP_TEST_DATA"):
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
async def infra(infra_root: Path) -> AsyncIterator[Infrastructure]:
    """Real PostgreSQL and Kafka for the whole session (fsync off: throwaway data)."""
    infrastructure = Infrastructure(infra_root, durable=False, kafka_heap="768m")
    await infrastructure.start()
    yield infrastructure
    await infrastructure.stop()
