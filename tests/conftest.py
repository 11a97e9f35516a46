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

from qrstack_launcher.stack import Infrastructure, Platform
from support.containers import ContainerInfrastructure, docker_engine_available
from support.dns import Zone, dns_server

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def infra_root() -> Iterator[Path]:
    # Not pytest's tmp_path: its 0700 directories are closed to PostgreSQL's own user.
    root = Path(tempfile.mkdtemp(prefix="qrstack-test-"))
    root.chmod(0o755)
    yield root
    if not os.environ.get("QRSTACK_KEEP_TEST_DATA"):
        shutil.rmtree(root, ignore_errors=True)


def _use_containers() -> bool:
    """QRSTACK_TEST_INFRA=containers|launcher forces one; by default containers when a Docker
    engine answers, the launcher otherwise."""
    choice = os.environ.get("QRSTACK_TEST_INFRA", "auto")
    if choice not in ("auto", "containers", "launcher"):
        raise pytest.UsageError("QRSTACK_TEST_INFRA must be auto, containers or launcher")
    return choice == "containers" or (choice == "auto" and docker_engine_available())


@pytest.fixture(scope="session")
async def infra(infra_root: Path) -> AsyncIterator[Infrastructure]:
    """Real PostgreSQL and Kafka for the whole session (throwaway data)."""
    if _use_containers():
        containers = ContainerInfrastructure(infra_root)
        await containers.start()
        yield containers  # type: ignore[misc]  # same surface (InfrastructureEndpoints)
        await containers.stop()
        return
    infrastructure = Infrastructure(infra_root, durable=False, kafka_heap="768m")
    await infrastructure.start()
    yield infrastructure
    await infrastructure.stop()


@pytest.fixture(scope="session")
def dns_zone() -> Iterator[Zone]:
    """A real DNS server on a loopback port that domain verification asks (support/dns.py)."""
    with dns_server() as zone:
        yield zone


@pytest.fixture(scope="session")
async def platform(infra: Infrastructure, dns_zone: Zone) -> AsyncIterator[Platform]:
    """The services as real processes on the session's infrastructure (e2e and security)."""
    # One redirect process: these tests create a code and scan it at once, and with several
    # workers a scan may reach one whose table has not applied the snapshot yet (for
    # milliseconds, as with several replicas). `make run` (test_make_run) starts 2.
    running = Platform(
        infra,
        extra_env={"REDIRECT_WORKERS": "1", "DOMAIN_VERIFY_NAMESERVERS": dns_zone.nameserver},
    )
    await running.start()
    # The session's platform outlives the e2e tests; its webhooks worker would claim the
    # deliveries of the webhook integration tests (their own worker, fast retries, local
    # receivers allowed) on the same database. No e2e test uses it; test_make_run checks it.
    await running.stop_service("webhooks")
    yield running
    await running.stop()
