"""The four services as real processes on the session's infrastructure."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from qrstack_launcher.stack import Infrastructure, Platform


@pytest.fixture(scope="session")
async def platform(infra: Infrastructure) -> AsyncIterator[Platform]:
    # One redirect process: these tests create a code and scan it at once, and with several
    # workers a scan may reach one whose table has not applied the snapshot yet (for
    # milliseconds, as with several replicas). `make run` (test_make_run) starts 2.
    running = Platform(infra, extra_env={"REDIRECT_WORKERS": "1"})
    await running.start()
    # The session's platform outlives the e2e tests; its webhooks worker would claim the
    # deliveries of the webhook integration tests (their own worker, fast retries, local
    # receivers allowed) on the same database. No e2e test uses it; test_make_run checks it.
    await running.stop_service("webhooks")
    yield running
    await running.stop()
