"""A real headless Chromium (Debian's `chromium`, driven by Playwright) for the console tests.

Skipped, with the reason, only where no Chromium binary exists (`make browser` installs
Debian's package where apt-get can run).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator

import pytest

CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "chrome")


def chromium_path() -> str | None:
    configured = os.environ.get("QRSTACK_CHROMIUM")
    if configured:
        return configured
    return next((p for p in map(shutil.which, CHROMIUM_CANDIDATES) if p), None)


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[object]:
    executable = chromium_path()
    if executable is None:
        pytest.skip("no Chromium on this machine (make browser installs Debian's chromium)")
    playwright_api = pytest.importorskip("playwright.async_api")
    async with playwright_api.async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=executable, args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        yield launched
        await launched.close()
