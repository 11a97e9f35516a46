"""The four services as real processes on the session's infrastructure."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from qrstack_launcher.stack import Infrastructure, Platform


@pytest.fixture(scope="session")
async def platform(infra: Infrastructure) -> AsyncIterator[Platform]:
    running = Platform(infra)
    await running.start()
    yield running
    await running.stop()
