"""A real headless Chromium (Debian's `chromium`, driven by Playwright) for the console tests,
a fresh account per test and a page signed in as it.

Skipped, with the reason, only where no Chromium binary exists (`make browser` installs
Debian's package where apt-get can run).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from typing import Any

import pytest
from e2e.console.accounts import Account, new_account, sign_in

from qrstack_launcher.stack import Platform

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


@pytest.fixture
async def account(platform: Platform) -> Account:
    """A workspace of its own (business plan) with its owner, as `make run`'s demo account."""
    return await new_account(platform)


@pytest.fixture
async def page(browser: Any, platform: Platform, account: Account) -> AsyncIterator[Any]:
    """A browser page signed in as `account`."""
    context = await browser.new_context(base_url=platform.url("api"))
    page = await context.new_page()
    await sign_in(page, account)
    yield page
    await context.close()
